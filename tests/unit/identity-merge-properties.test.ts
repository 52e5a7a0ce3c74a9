import { describe, expect, it } from 'vitest';
import { classifySpilled } from '../../core/engines/identity/identity-merge';
import { normaliseEmail, normaliseName, type IdentityRecord, type SyncRow } from '../../core/engines/identity/identity-model';
import { IdentitySpill } from '../../core/engines/identity/identity-spill';
import { readSnapshotRows, SnapshotWriter, writeSnapshot, type EncodedRow, type SnapshotMeta } from '../../core/engines/identity/identity-snapshot';
import { inTableOrder, referenceClassifyUsers } from '../helpers/identity-reference-classifier';
import { uuidOf as uuid } from '../helpers/identity-worlds';
import { Prng } from '../helpers/prng';

/*
 * The bounded-memory classifier (both sides spilled to a scratch SQLite file,
 * read back a window at a time) against the in-memory classifier it replaced,
 * over random worlds: duplicate and case-variant emails, Unicode spellings
 * that JavaScript folds and SQL would not, upper-case and non-UUID row ids,
 * users without email, soft-deleted Supabase users, and users listed twice or
 * changed between pages (page mode shifts when users come and go). The rows,
 * their order (findings and the sync table address rows by position) and
 * every field must be the same.
 */

// Spellings the check must treat as one address (trim + JavaScript lower-case) or keep apart (ß, NFC vs NFD).
const MAILBOXES = ['ana', 'Ünïcode', 'İnci', 'straße', 'STRASSE', 'e\u0301mile', '\u00e9mile', 'bob', 'carl', 'dee', 'ed'];

function randomEmail(random: Prng): string | null {
  if (random.chance(0.08)) return random.pick([null, '', '   ']) as string | null;
  const address = `${random.pick(MAILBOXES)}${random.int(0, 6)}@example.com`;
  const spelled = random.respell(address);
  return random.chance(0.1) ? ` ${spelled} ` : spelled;
}

function randomRecord(random: Prng, id: string): IdentityRecord {
  return {
    id,
    email: normaliseEmail(randomEmail(random)),
    name: normaliseName(random.pick(['Ana', ' Ana ', 'Bob', '', null, 'Émile'])),
    emailVerified: random.chance(0.7),
    role: random.pick(['user', 'admin']),
  };
}

interface World {
  /** The users table as read: a few rows whose ids read back as one string (7 and '7', ids past 2^53) come twice. */
  local: IdentityRecord[];
  /** The listing as pages returned it: live users, with repeats. */
  listed: IdentityRecord[];
  softDeleted: string[];
}

function randomWorld(random: Prng): World {
  const people = random.int(0, 60);
  const local: IdentityRecord[] = [];
  const listed: IdentityRecord[] = [];
  const softDeleted: string[] = [];
  for (let n = 0; n < people; n++) {
    const id = uuid(random.int(0, people * 2));
    const where = random.int(0, 9);
    if (where <= 6) {
      const rowId = random.chance(0.1) ? id.toUpperCase() : random.chance(0.1) ? String(n) : id;
      local.push(randomRecord(random, rowId));
    }
    if (where >= 3 && where <= 8) {
      const user = randomRecord(random, id);
      if (random.chance(0.1)) user.banned = true;
      listed.push(user);
    }
    if (where === 9) softDeleted.push(id);
  }
  // Users listed twice: the same user again on a later page, sometimes changed in between.
  for (const user of random.subset(listed, 0.1)) {
    const again = random.chance(0.5) ? { ...user } : randomRecord(random, user.id);
    listed.splice(random.int(listed.indexOf(user) + 1, listed.length), 0, again);
  }
  // A user soft-deleted between pages: listed live first, deleted later.
  for (const user of random.subset(listed, 0.05)) softDeleted.push(user.id);
  shuffle(random, listed);
  const table = dedupeById(random, local);
  for (const row of random.subset(table, 0.05)) table.splice(random.int(0, table.length), 0, random.chance(0.5) ? { ...row } : randomRecord(random, row.id));
  return { local: table, listed, softDeleted };
}

/** The users table has one row per id (its key); case variants of an id are distinct rows. */
function dedupeById(random: Prng, rows: IdentityRecord[]): IdentityRecord[] {
  const seen = new Set<string>();
  const kept = rows.filter((row) => !seen.has(row.id) && seen.add(row.id));
  return random.chance(0.5) ? kept : shuffle(random, kept);
}

function shuffle<T>(random: Prng, items: T[]): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = random.int(0, i);
    [items[i], items[j]] = [items[j] as T, items[i] as T];
  }
  return items;
}

/** What the listing says: each user once, as last listed, at the place it was last listed. */
function lastListing(listed: readonly IdentityRecord[]): IdentityRecord[] {
  const last = new Map<string, number>();
  listed.forEach((user, index) => last.set(user.id.toLowerCase(), index));
  return listed.filter((user, index) => last.get(user.id.toLowerCase()) === index);
}

/** `offThread`: the indexes are built on a worker thread whatever the size (a million-user check's path). */
async function spilledRows(world: World, window: number, pageSize: number, offThread = false): Promise<SyncRow[]> {
  const spill = new IdentitySpill(offThread ? 0 : undefined);
  try {
    for (let i = 0; i < world.local.length; i += pageSize) spill.addLocal(world.local.slice(i, i + pageSize));
    for (let i = 0; i < world.listed.length; i += pageSize) spill.addRemote(world.listed.slice(i, i + pageSize));
    spill.addDeleted(world.softDeleted);
    await spill.finishReading();
    const rows: SyncRow[] = [];
    for await (const batch of classifySpilled(spill, undefined, window)) rows.push(...batch);
    expect(spill.remoteUsers).toBe(lastListing(world.listed).length);
    expect(spill.localRows).toBe(inTableOrder(world.local).length);
    expect(spill.deletedUsers).toBe(new Set(world.softDeleted.map((id) => id.toLowerCase())).size);
    return rows;
  } finally {
    await spill.close();
  }
}

describe('the spilled identity classifier', () => {
  it('classifies 300 random worlds exactly as the in-memory classifier given the table in id order, row for row and in the same order', async () => {
    const random = new Prng(20261202);
    const seen = new Set<string>();
    for (let iteration = 0; iteration < 300; iteration++) {
      const world = randomWorld(random);
      const window = random.pick([1, 2, 3, 7, 1000]);
      const pageSize = random.pick([1, 4, 50]);
      const expected = await referenceClassifyUsers(inTableOrder(world.local), lastListing(world.listed), undefined, new Set(world.softDeleted.map((id) => id.toLowerCase())));
      // One world in ten builds its indexes as a large check does, on a worker thread (50 ms each to start).
      const offThread = iteration % 10 === 0;
      const actual = await spilledRows(world, window, pageSize, offThread);
      expect(actual, `seed ${random.seed}, iteration ${iteration}, window ${window}, off thread ${offThread}`).toEqual(expected);
      for (const row of expected) seen.add(`${row.status}/${row.matchedBy}/${row.problem ?? ''}`);
    }
    // The worlds reach every kind of row, so the comparison above means something.
    expect([...seen].sort()).toEqual(
      expect.arrayContaining([
        'in-sync/id/',
        'inconsistent/id/',
        'inconsistent/email/re-signup',
        'inconsistent/email/',
        'local-only/null/',
        'local-only/null/duplicate-email',
        'local-only/null/remote-soft-deleted',
        'remote-only/null/',
      ]),
    );
    // 8-11 s in CI; 30 s (the default) was hit once on a machine running three files beside other work: thirty
    // worker threads started under load. The work is bounded (300 worlds); the time is the machine's.
  }, 90_000);

  it('keeps a user listed twice once, as last listed, so it is never also remote-only (the old classifier made it both)', async () => {
    const user: IdentityRecord = { id: uuid(1), email: 'ana@example.com', name: 'Ana', emailVerified: true, role: 'user' };
    const renamed = { ...user, name: 'Ana B' };
    const rows = await spilledRows({ local: [user], listed: [user, { ...user, id: uuid(2), email: 'bob@example.com' }, renamed], softDeleted: [] }, 1000, 1);
    expect(rows.map((row) => [row.status, row.local?.id ?? null, row.remote?.name ?? null])).toEqual([
      ['inconsistent', uuid(1), 'Ana B'],
      ['remote-only', null, 'Ana'],
    ]);
    expect(rows[1]?.remote?.id).toBe(uuid(2));
  });

  it('pairs by email when the row ids are not UUIDs (their differing id is the only diff), and a second row of the address stays local-only with its problem named', async () => {
    const remote: IdentityRecord = { id: uuid(7), email: 'ünïcode@example.com', name: null, emailVerified: true, role: 'user' };
    const local = [
      { ...remote, id: '1', email: normaliseEmail(' ÜNÏCODE@Example.com ') },
      { ...remote, id: '2', email: normaliseEmail('Ünïcode@example.com') },
    ];
    const rows = await spilledRows({ local, listed: [remote], softDeleted: [] }, 1, 1);
    expect(rows.map((row) => [row.status, row.matchedBy, row.local?.id, row.problem])).toEqual([
      ['inconsistent', 'email', '1', undefined],
      ['local-only', null, '2', 'duplicate-email'],
    ]);
  });
});

describe('the sync table as stored', () => {
  it('reads back every row of 150 random worlds as classified, and stores a Supabase user equal to its row once', async () => {
    const random = new Prng(20261204);
    let shared = 0;
    for (let iteration = 0; iteration < 150; iteration++) {
      const world = randomWorld(random);
      const rows = await referenceClassifyUsers(inTableOrder(world.local), lastListing(world.listed), undefined, new Set(world.softDeleted.map((id) => id.toLowerCase())));
      const map = new Map<string, string>();
      const state = {
        get: <T>(key: string) => Promise.resolve(map.has(key) ? (JSON.parse(map.get(key) as string) as T) : undefined),
        set: (key: string, value: unknown) => Promise.resolve(void map.set(key, JSON.stringify(value))),
        delete: (key: string) => Promise.resolve(void map.delete(key)),
      };
      await writeSnapshot(state, rows, { runId: 1, checkedAt: 'x', sourceOfTruth: 'appdb' });
      const meta = JSON.parse(map.get('sync-table:meta') as string) as SnapshotMeta;
      expect(await readSnapshotRows(state, meta), `iteration ${iteration}`).toEqual(rows);
      const stored = [...map.entries()].filter(([key]) => key.includes(':chunk:')).flatMap(([, json]) => JSON.parse(json) as EncodedRow[]);
      stored.forEach((encoded, index) => {
        const row = rows[index] as SyncRow;
        const same = row.local !== null && row.remote !== null && JSON.stringify(row.local) === JSON.stringify(row.remote);
        expect(encoded[3] === 0, `iteration ${iteration}, row ${index}`).toBe(same);
        if (same) shared++;
      });
    }
    expect(shared).toBeGreaterThan(0);
  });

  it('stores the Supabase user once only when it encodes exactly as the row (an id in another case, a ban: both kept)', async () => {
    const user: IdentityRecord = { id: 'abcdef01-0000-4000-8000-00000000000a', email: 'ana@example.com', name: 'Ana', emailVerified: true, role: 'user' };
    const rows: SyncRow[] = [
      { status: 'in-sync', matchedBy: 'id', local: user, remote: { ...user }, diffs: [] },
      { status: 'in-sync', matchedBy: 'id', local: user, remote: { ...user, id: user.id.toUpperCase() }, diffs: [] },
      { status: 'inconsistent', matchedBy: 'id', local: user, remote: { ...user, banned: true }, diffs: ['banned'] as never },
    ];
    const map = new Map<string, unknown>();
    const state = {
      get: <T>(key: string) => Promise.resolve(map.get(key) as T | undefined),
      set: (key: string, value: unknown) => Promise.resolve(void map.set(key, JSON.parse(JSON.stringify(value)))),
      delete: (key: string) => Promise.resolve(void map.delete(key)),
    };
    await writeSnapshot(state, rows, { runId: 1, checkedAt: 'x', sourceOfTruth: 'appdb' });
    const stored = map.get('sync-table:a:chunk:0') as EncodedRow[];
    expect(stored.map((encoded) => (encoded[3] === 0 ? 'once' : 'both'))).toEqual(['once', 'both', 'both']);
    const back = await readSnapshotRows(state, map.get('sync-table:meta') as SnapshotMeta);
    expect(back.map((row) => row.remote)).toEqual(rows.map((row) => row.remote));
    // Each side its own object: a reader that changes one side does not change the other.
    expect(back[0]?.remote).not.toBe(back[0]?.local);
  });
});

describe('the sync table written window by window', () => {
  it('publishes the same chunks, versions and meta as the table written from rows in memory', async () => {
    const rows: SyncRow[] = Array.from({ length: 4601 }, (_, n) => {
      const user: IdentityRecord = { id: uuid(n), email: `u${n}@example.com`, name: n % 3 ? `U ${n}` : null, emailVerified: n % 2 === 0, role: 'user', ...(n % 7 ? {} : { banned: true }) };
      return n % 5 ? { status: 'in-sync', matchedBy: 'id', local: user, remote: user, diffs: [] } : { status: 'local-only', matchedBy: null, local: user, remote: null, diffs: [], problem: 'duplicate-email' };
    });
    const stateOf = () => {
      const map = new Map<string, string>();
      return {
        map,
        get: <T>(key: string) => Promise.resolve(map.has(key) ? (JSON.parse(map.get(key) as string) as T) : undefined),
        set: (key: string, value: unknown) => Promise.resolve(void map.set(key, JSON.stringify(value))),
        delete: (key: string) => Promise.resolve(void map.delete(key)),
      };
    };
    const meta = { runId: 3, checkedAt: '2026-12-02T00:00:00.000Z', sourceOfTruth: 'appdb' as const };
    const inMemory = stateOf();
    await writeSnapshot(inMemory, rows, meta);
    await writeSnapshot(inMemory, rows, meta); // versions move on a second write
    const windowed = stateOf();
    const random = new Prng(20261203);
    for (let pass = 0; pass < 2; pass++) {
      // As the check writes it: chunks drained after every window of rows (windows of any size).
      const writer = await SnapshotWriter.begin(windowed);
      for (let at = 0; at < rows.length; ) {
        const window = random.int(1, 1200);
        for (const row of rows.slice(at, at + window)) writer.add(row);
        at += window;
        await writer.drain();
      }
      await writer.publish(meta);
    }
    expect([...windowed.map.entries()].sort()).toEqual([...inMemory.map.entries()].sort());
    expect(JSON.parse(windowed.map.get('sync-table:meta') as string)).toMatchObject({ total: 4601, chunkSize: 500, versions: Array.from({ length: 10 }, () => 2), buffer: 'b' });
    // One table in the state, not two: the first write's buffer was removed when the second was published.
    expect([...windowed.map.keys()].filter((key) => key.startsWith('sync-table:a:'))).toEqual([]);
  });
});
