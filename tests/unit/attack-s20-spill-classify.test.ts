import { existsSync } from 'node:fs';
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
 * Outside attack (s20) on 03bfd5d: the spilled classifier against the in-memory reference when the two sides
 * are built by different means (one side in-thread, the other on a worker: offThreadFrom / 2 per side), with
 * endLocal at every point of the listing, rows added after finishReading, and aborts around endLocal.
 */

/** Mailboxes and names that are schema and table names of the scratch connection. */
const CHOICES = { mailboxes: ['ana', 'Ünïcode', 'straße', 'STRASSE', 'bob', 'local_side', 'main'], names: ['Ana', 'local', 'local_side', 'main', 'remote', '', null] };

function randomWorld(random: Prng, people: number): World {
  const local: IdentityRecord[] = [];
  const listed: IdentityRecord[] = [];
  const softDeleted: string[] = [];
  const seen = new Set<string>();
  // Lopsided worlds: one side far larger than the other, so one is built in-thread and the other on a worker.
  const localShare = random.pick([0.05, 0.5, 0.95]);
  for (let n = 0; n < people; n++) {
    const id = uuid(random.int(0, people * 2));
    const inLocal = random.chance(localShare);
    const inRemote = random.chance(1 - localShare + 0.05);
    if (inLocal) {
      const rowId = random.chance(0.15) ? id.toUpperCase() : id;
      if (!seen.has(rowId)) {
        seen.add(rowId);
        local.push(localRecord(random, rowId, CHOICES));
      }
    }
    if (inRemote) listed.push(randomRecord(random, random.chance(0.2) ? id.toUpperCase() : id, CHOICES));
    if (random.chance(0.05)) softDeleted.push(id);
  }
  for (const user of random.subset(listed, 0.2)) {
    const id = random.chance(0.5) ? user.id.toLowerCase() : user.id.toUpperCase();
    listed.splice(random.int(listed.indexOf(user) + 1, listed.length), 0, random.chance(0.3) ? { ...user, id } : randomRecord(random, id, CHOICES));
  }
  const lateRemote: IdentityRecord[] = [];
  for (const user of random.subset(listed, 0.1)) lateRemote.push(randomRecord(random, random.chance(0.5) ? user.id.toUpperCase() : user.id.toLowerCase(), CHOICES));
  for (let n = 0; n < random.int(0, 3); n++) lateRemote.push(randomRecord(random, uuid(9000 + random.int(0, 5)), CHOICES));
  const lateLocal: IdentityRecord[] = [];
  for (let n = 0; n < random.int(0, 3); n++) {
    const id = uuid(7000 + n);
    if (!seen.has(id)) lateLocal.push(localRecord(random, id, CHOICES));
  }
  return { local, listed, softDeleted, lateRemote, lateLocal };
}

describe('s20: spilled vs reference with the sides built by different means', () => {
  it('60 lopsided worlds, offThreadFrom 0/2/10/40/100/undefined, endLocal anywhere', async () => {
    const random = new Prng(Number(process.env.S20_SEED ?? 2020));
    for (let iteration = 0; iteration < 60; iteration++) {
      const world = randomWorld(random, random.int(0, 120));
      const allRemote = lastListing([...world.listed, ...world.lateRemote]);
      const softDeleted = new Set(world.softDeleted.map((id) => id.toLowerCase()));
      const expected = await referenceClassifyUsers(inTableOrder([...world.local, ...world.lateLocal]), allRemote, undefined, softDeleted);
      const offThread = random.pick([0, 2, 10, 40, 100, undefined]);
      const window = random.pick([1, 3, 1000]);
      const endLocalAt = random.pick([undefined, 0, 1, 2, 5, 'end'] as const);
      const pageSize = random.pick([1, 7, 100]);
      const actual = await spillAndClassify(world, { offThreadFrom: offThread, pageSize, window, endLocalAt });
      const label = `iteration ${iteration} offThread ${offThread} window ${window} endLocalAt ${endLocalAt} page ${pageSize} local ${world.local.length} listed ${world.listed.length}`;
      expect(actual.countAfterIndexing, label).toBe(lastListing(world.listed).length);
      expect(actual.remoteUsers, label).toBe(allRemote.length);
      expect(actual.localRows, label).toBe(world.local.length + world.lateLocal.length);
      expect(actual.rows, label).toEqual(expected);
      expect(existsSync(actual.dir), label).toBe(false);
    }
  }, 60_000);
});

describe('s20: aborts around endLocal', () => {
  const fill = (n: number, salt: number) => Array.from({ length: n }, (_, i): IdentityRecord => ({ id: uuid((i * 7919 + salt) % 1e8), email: `u${(i * 104729) % n}@example.com`, name: null, emailVerified: true, role: 'user' }));

  it.each([
    ['local on a worker, remote in-thread', 40_000, 100],
    ['local in-thread, remote on a worker', 100, 40_000],
    ['both on workers', 40_000, 40_000],
  ])('%s: an abort at any moment rejects with its reason or completes; never both; no unhandled rejection; no file', async (_name, localRows, remoteRows) => {
    const local = fill(localRows, 1);
    const remote = fill(remoteRows, 2);
    await expectNoUnhandledRejection(async () => {
      for (const delay of [0, 2, 10, 30, 80]) {
        const spill = new IdentitySpill();
        const dir = dirname(spill.db.name);
        spill.addLocal(local);
        spill.endLocal();
        spill.addRemote(remote);
        const controller = new AbortController();
        const reason = new Error(`cancelled at ${delay}`);
        setTimeout(() => controller.abort(reason), delay);
        const result = await spill.finishReading(controller.signal).then(
          () => 'done',
          (error: unknown) => error,
        );
        if (result === 'done') {
          // Built in full: the sides answer.
          expect(spill.remoteUsers).toBe(remoteRows);
          let rows = 0;
          for await (const batch of classifySpilled(spill)) rows += batch.length;
          expect(rows).toBeGreaterThan(0);
        } else {
          expect(result, `delay ${delay}`).toBe(reason);
        }
        await spill.close();
        expect(existsSync(dir)).toBe(false);
      }
    });
  }, 60_000);

  it('a signal already aborted when finishReading is called is honoured on every path', async () => {
    // Found: with a large users table and a small listing, it waited for the local worker's whole build
    // (seconds at a million rows), then reported success.
    for (const [localRows, remoteRows] of [
      [40_000, 100],
      [100, 40_000],
      [100, 100],
    ] as const) {
      const spill = new IdentitySpill();
      try {
        spill.addLocal(fill(localRows, 1));
        spill.endLocal();
        spill.addRemote(fill(remoteRows, 2));
        const reason = new Error('already cancelled');
        const result = await spill.finishReading(AbortSignal.abort(reason)).then(
          () => 'done',
          (error: unknown) => error,
        );
        expect(result, `${localRows}/${remoteRows}`).toBe(reason);
      } finally {
        await spill.close();
      }
    }
  }, 30_000);

  it("a full scratch disk while the users table side is indexed in-thread at endLocal is said plainly; nothing left", async () => {
    const spill = new IdentitySpill();
    const dir = dirname(spill.db.name);
    spill.addLocal(fill(3000, 1));
    const pages = spill.db.pragma('local_side.page_count', { simple: true }) as number;
    spill.db.pragma(`local_side.max_page_count = ${pages}`);
    expect(() => spill.endLocal()).toThrow(/could not write it.*TMPDIR/s);
    await spill.close();
    expect(existsSync(dir)).toBe(false);
  });

  it('a statement prepared before the DETACH answers after the re-ATTACH (same connection: small listing)', async () => {
    const spill = new IdentitySpill();
    try {
      spill.addLocal(fill(6000, 1));
      const count = spill.db.prepare('SELECT count(*) FROM local').pluck();
      expect(count.get()).toBe(6000);
      spill.endLocal();
      expect(() => count.get()).toThrow(/no such table/);
      spill.addRemote(fill(10, 2));
      await spill.finishReading();
      spill.addLocal(fill(1, 3));
      expect(count.get()).toBe(6001);
    } finally {
      await spill.close();
    }
  });
});
