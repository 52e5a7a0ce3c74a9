import { existsSync, rmSync } from 'node:fs';
import { dirname } from 'node:path';
import { describe, expect, it } from 'vitest';
import { classifySpilled } from '../../core/engines/identity/identity-merge';
import type { IdentityRecord } from '../../core/engines/identity/identity-model';
import { IdentitySpill } from '../../core/engines/identity/identity-spill';
import { inTableOrder, referenceClassifyUsers } from '../helpers/identity-reference-classifier';
import { localRecord, randomRecord, lastListing, spillAndClassify, uuidOf as uuid, type SpillWorld as World } from '../helpers/identity-worlds';
import { Prng } from '../helpers/prng';
import { expectNoUnhandledRejection } from '../helpers/unhandled';

/*
 * Outside attack on "build the scratch indexes once both sides are read", by
 * a helper that did not write it. What it found is fixed (a scratch file
 * removed mid-check said unclearly, a second finishReading racing the
 * first); these tests hold the fixes. Its attack on the sync table is
 * attack-identity-sync-table.test.ts.
 */

function shuffle<T>(random: Prng, items: T[]): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = random.int(0, i);
    [items[i], items[j]] = [items[j] as T, items[i] as T];
  }
  return items;
}

function randomWorld(random: Prng): World {
  const people = random.int(0, 80);
  const local: IdentityRecord[] = [];
  const listed: IdentityRecord[] = [];
  const softDeleted: string[] = [];
  const seen = new Set<string>();
  for (let n = 0; n < people; n++) {
    const id = uuid(random.int(0, people * 2));
    const where = random.int(0, 9);
    if (where <= 6) {
      const rowId = random.chance(0.15) ? id.toUpperCase() : id;
      if (!seen.has(rowId)) {
        seen.add(rowId);
        local.push(localRecord(random, rowId));
      }
    }
    // Listed ids in either case: the same user listed 'ABC…' on one page and 'abc…' on another.
    if (where >= 3 && where <= 8) listed.push(randomRecord(random, random.chance(0.2) ? id.toUpperCase() : id));
    if (where === 9) softDeleted.push(id);
  }
  for (const user of random.subset(listed, 0.2)) {
    const id = random.chance(0.5) ? user.id.toLowerCase() : user.id.toUpperCase();
    const again = random.chance(0.3) ? { ...user, id } : randomRecord(random, id);
    listed.splice(random.int(listed.indexOf(user) + 1, listed.length), 0, again);
  }
  shuffle(random, listed);
  // Gap look-ups: users already listed (another case, other data) and new ones.
  const lateRemote: IdentityRecord[] = [];
  for (const user of random.subset(listed, 0.1)) lateRemote.push(randomRecord(random, random.chance(0.5) ? user.id.toUpperCase() : user.id.toLowerCase()));
  for (let n = 0; n < random.int(0, 3); n++) lateRemote.push(randomRecord(random, uuid(9000 + random.int(0, 5))));
  const lateLocal: IdentityRecord[] = [];
  for (let n = 0; n < random.int(0, 3); n++) {
    const id = uuid(7000 + n);
    if (!seen.has(id)) lateLocal.push(localRecord(random, id));
  }
  return { local, listed, softDeleted, lateRemote, lateLocal };
}

describe('spilled classifier vs the in-memory one, with mixed-case duplicates and additions after indexing', () => {
  it('80 worlds, in place and on the worker thread, row for row and counts', async () => {
    const random = new Prng(424242);
    for (let iteration = 0; iteration < 80; iteration++) {
      const world = randomWorld(random);
      const allRemote = lastListing([...world.listed, ...world.lateRemote]);
      const expected = await referenceClassifyUsers(inTableOrder([...world.local, ...world.lateLocal]), allRemote, undefined, new Set(world.softDeleted.map((id) => id.toLowerCase())));
      const offThread = iteration % 4 === 0 ? 0 : undefined;
      const window = random.pick([1, 3, 1000]);
      const endLocalAt = iteration % 2 === 0 ? random.pick([0, 1, 5]) : undefined;
      const actual = await spillAndClassify(world, { offThreadFrom: offThread, pageSize: random.pick([1, 7, 100]), window, endLocalAt });
      const label = `iteration ${iteration} offThread ${offThread} window ${window} endLocalAt ${endLocalAt}`;
      expect(actual.countAfterIndexing, label).toBe(lastListing(world.listed).length);
      expect(actual.remoteUsers, label).toBe(allRemote.length);
      expect(actual.rows, label).toEqual(expected);
      // No Supabase user counted twice across the table's rows.
      const remoteIds = actual.rows.filter((r) => r.remote).map((r) => r.remote?.id.toLowerCase());
      const localPairedTwice = remoteIds.length - new Set(remoteIds).size;
      const expectedTwice = expected.filter((r) => r.remote).length - new Set(expected.filter((r) => r.remote).map((r) => r.remote?.id.toLowerCase())).size;
      expect(localPairedTwice, label).toBe(expectedTwice);
    }
  }, 60_000);

  it('the same user listed upper-case first and lower-case last is one user, its last listing', async () => {
    const upper: IdentityRecord = { id: uuid(1).toUpperCase(), email: 'a@example.com', name: 'Old', emailVerified: false, role: 'user' };
    const lower: IdentityRecord = { ...upper, id: uuid(1), name: 'New', emailVerified: true };
    for (const offThread of [undefined, 0]) {
      const { rows, remoteUsers } = await spillAndClassify({ local: [lower], listed: [upper, { ...upper, id: uuid(2), email: 'b@example.com' }, lower], softDeleted: [], lateRemote: [], lateLocal: [] }, { offThreadFrom: offThread, pageSize: 1, window: 1000 });
      expect(remoteUsers).toBe(2);
      expect(rows.map((r) => [r.status, r.remote?.name])).toEqual([['in-sync', 'New'], ['remote-only', 'Old']]);
    }
  });

  it('reads before finishReading are refused, on every reader', async () => {
    const spill = new IdentitySpill();
    try {
      spill.addRemote([{ id: uuid(1), email: null, name: null, emailVerified: false, role: 'user' }]);
      expect(() => spill.remoteUsers).toThrow(/finishReading/);
      await expect(classifySpilled(spill).next()).rejects.toThrow(/finishReading/);
    } finally {
      await spill.close();
    }
  });
});

describe('finishReading on the worker thread, attacked', () => {
  const fill = (spill: IdentitySpill, n: number) => {
    const users = Array.from({ length: n }, (_, i): IdentityRecord => ({ id: uuid(i), email: `u${i}@example.com`, name: null, emailVerified: true, role: 'user' }));
    spill.addLocal(users);
    spill.addRemote(users);
    spill.addRemote(users.slice(0, 10)); // listed twice
  };

  it('an abort while the worker builds rejects with the reason, the spill closes, and a new spill works', async () => {
    await expectNoUnhandledRejection(async () => {
      for (const delay of [0, 1, 5, 20]) {
        const spill = new IdentitySpill(0);
        fill(spill, 20_000);
        const controller = new AbortController();
        const reason = new Error(`cancelled at ${delay}`);
        setTimeout(() => controller.abort(reason), delay);
        const result = await spill.finishReading(controller.signal).then(() => 'done', (error: unknown) => error);
        await spill.close();
        if (result !== 'done') expect(result).toBe(reason);
      }
      const spill = new IdentitySpill(0);
      fill(spill, 100);
      await spill.finishReading();
      expect(spill.remoteUsers).toBe(100);
      await spill.close();
    });
  }, 30_000);

  it('a scratch directory removed before the worker build is said plainly, naming TMPDIR', async () => {
    const spill = new IdentitySpill(0);
    fill(spill, 50);
    const file = spill.db.name;
    rmSync(dirname(file), { recursive: true, force: true });
    await expect(spill.finishReading()).rejects.toThrow(/removed while the check ran.*nothing was published.*TMPDIR/s);
    await spill.close();
  });

  it("the users table's side ended early: built while remote pages still arrive; rows for it wait for finishReading; a removed file is said plainly", async () => {
    const spill = new IdentitySpill(0);
    try {
      const users = Array.from({ length: 20_000 }, (_, i): IdentityRecord => ({ id: uuid(i), email: `u${i}@example.com`, name: null, emailVerified: true, role: 'user' }));
      spill.addLocal(users);
      spill.endLocal();
      spill.endLocal(); // once
      // The remote side is still written on this thread while the worker indexes the local side's file.
      for (let i = 0; i < users.length; i += 1000) spill.addRemote(users.slice(i, i + 1000));
      expect(() => spill.addLocal(users.slice(0, 1))).toThrow(/only after finishReading/);
      await spill.finishReading();
      spill.addLocal([{ id: uuid(99_999), email: 'late@example.com', name: null, emailVerified: true, role: 'user' }]);
      const statuses = new Map<string, number>();
      for await (const rows of classifySpilled(spill)) for (const row of rows) statuses.set(row.status, (statuses.get(row.status) ?? 0) + 1);
      expect(Object.fromEntries(statuses)).toEqual({ 'in-sync': 20_000, 'local-only': 1 });
    } finally {
      await spill.close();
    }
    const gone = new IdentitySpill(0);
    fill(gone, 50);
    gone.endLocal();
    rmSync(dirname(gone.db.name), { recursive: true, force: true });
    await expect(gone.finishReading()).rejects.toThrow(/removed while the check ran.*nothing was published.*TMPDIR/s);
    await gone.close();
  }, 30_000);

  it("a spill closed while its users table's side is being indexed ends the worker and leaves no file, nor an unhandled rejection", async () => {
    await expectNoUnhandledRejection(async () => {
      for (const delay of [0, 1, 5, 20]) {
        const spill = new IdentitySpill(0);
        fill(spill, 20_000);
        const dir = dirname(spill.db.name);
        spill.endLocal();
        await new Promise((resolve) => setTimeout(resolve, delay));
        await spill.close();
        expect(existsSync(dir), `delay ${delay}`).toBe(false);
      }
    });
  }, 30_000);

  it('finishReading called twice at once builds once; both callers see it done', async () => {
    const spill = new IdentitySpill(0);
    fill(spill, 50);
    const both = await Promise.allSettled([spill.finishReading(), spill.finishReading()]);
    await spill.close();
    expect(both.map((r) => r.status)).toEqual(['fulfilled', 'fulfilled']);
  });
});
