import type { Worker } from 'node:worker_threads';
import { beforeEach, describe, expect, it } from 'vitest';
import type { AppDbAdapter } from '../../core/appdb/adapter';
import { resolveMapping } from '../../core/appdb/mapping';
import { openSqliteAppDb } from '../../core/appdb/sqlite.adapter';
import { diffIdChunk, InThreadDiffer, type ChunkDiff, type ListingDiffer, type ListingSets } from '../../core/engines/storage-orphans/listing-diff';
import { ThreadDiffer } from '../../core/engines/storage-orphans/listing-diff-thread';
import { seenKey } from '../../core/engines/storage-orphans/seen-rows';
import { NULL_KEY, StorageDb } from '../../core/engines/storage-orphans/storage-db';
import type { StorageProvider } from '../../core/api/storage';
import { Prng } from '../helpers/prng';
import { productFilePerTest } from '../helpers/product-file-per-test';

/**
 * The diff thread (listing-diff-thread.ts) against the same diff on the host's thread: every chunk equal, in
 * order, for random accounts of integer ids (past 2^53 too) and hostile text ids, asked for several at once;
 * and what happens when the thread fails, is cancelled, or cannot start.
 */

// Each id kind in a table whose id column has that affinity, as a product would have it.
const TABLES = {
  integer: 'CREATE TABLE media (fid INTEGER PRIMARY KEY, owner TEXT NOT NULL, cloud TEXT NOT NULL, cloud_id TEXT, title TEXT, bytes INTEGER)',
  text: 'CREATE TABLE media (fid TEXT PRIMARY KEY, owner TEXT NOT NULL, cloud TEXT NOT NULL, cloud_id TEXT, title TEXT, bytes INTEGER)',
} as const;
const MAPPING = { files: { table: 'media', columns: { id: 'fid', userId: 'owner', provider: 'cloud', providerFileId: 'cloud_id', name: 'title', size: 'bytes' } } };
const HOSTILE = ['', ':', '1:', 'id:', '\n', 'a\u0000b', 'é', '😀', 'O\'Brien "x"', '\\', ' ', '0', '-1', '1e3', 'ß', 'Ω'];
// Chunk boundaries of the keyset (2,000 rows a chunk) and either side of them.
const SIZES = [0, 1, 2, 1999, 2000, 2001, 4500];

interface World {
  accounts: { userId: string; provider: StorageProvider; listing: ListingSets }[];
}

async function seedWorld(db: AppDbAdapter, random: Prng, kind: keyof typeof TABLES): Promise<World> {
  await db.execute(TABLES[kind]);
  await db.execute('CREATE INDEX media_by_owner ON media(owner, cloud, fid, cloud_id)');
  const world: World = { accounts: [] };
  let serial = 0;
  for (let a = 0; a < 5; a++) {
    const userId = `${random.pick(HOSTILE)}u${a}`;
    const provider: StorageProvider = random.chance(0.5) ? 'google' : 'dropbox';
    const size = random.pick(SIZES);
    const present = new Set<string>();
    const trashed = new Set<string>();
    const rows: unknown[][] = [];
    for (let n = 0; n < size; n++) {
      serial++;
      const id: string | bigint =
        kind === 'integer'
          ? random.pick([BigInt(serial), 2n ** 53n + BigInt(serial), 2n ** 63n - 1n - BigInt(serial), -BigInt(serial)])
          : `${random.pick(HOSTILE)}#${serial}#${random.pick(HOSTILE)}`;
      const pid = `${random.chance(0.7) ? 'id:' : random.pick(HOSTILE)}${serial}${random.pick(HOSTILE)}`;
      const fate = random.int(0, 9);
      if (fate < 7) present.add(pid);
      else if (fate < 8) trashed.add(pid);
      rows.push([id, userId, provider, pid, `f${serial}`, n]);
    }
    // The same row id twice is impossible (a primary key); the same cloud id twice is not.
    if (rows.length > 3) (rows[2] as unknown[])[3] = (rows[1] as unknown[])[3];
    await db.transaction((tx) => tx.executeMany('INSERT INTO media (fid, owner, cloud, cloud_id, title, bytes) VALUES (?, ?, ?, ?, ?, ?)', rows as never));
    const coveredPrefix = provider === 'dropbox' && random.chance(0.7) ? 'id:' : undefined;
    // A pass that keeps no cursor asks for no seen keys (ListingSets.seenKeys): the thread must build none either.
    world.accounts.push({ userId, provider, listing: { present, trashed, coveredPrefix, ...(random.chance(0.3) ? { seenKeys: false } : {}) } });
  }
  return world;
}

async function collect(differ: ListingDiffer, account: World['accounts'][number], signal = new AbortController().signal): Promise<ChunkDiff[]> {
  const chunks: ChunkDiff[] = [];
  for await (const chunk of differ.chunks(account.userId, account.provider, account.listing, signal)) chunks.push(chunk);
  return chunks;
}

const workerOf = (differ: ListingDiffer) => (differ as unknown as { worker: Worker }).worker;

describe('the diff of one chunk', () => {
  it('builds each row its seenKey, whatever its ids, and finds trashed before missing', () => {
    const random = new Prng(7);
    for (let i = 0; i < 500; i++) {
      const id: unknown = random.pick([random.int(-5, 5), 2n ** 63n - 1n, 2n ** 53n + 1n, `${random.pick(HOSTILE)}${random.pick(HOSTILE)}`]);
      const pid = `${random.pick(['id:', ''])}${random.pick(HOSTILE)}${random.pick(HOSTILE)}`;
      const listing: ListingSets = { present: new Set(random.chance(0.5) ? [pid] : []), trashed: new Set(random.chance(0.3) ? [pid] : []), coveredPrefix: random.pick([undefined, 'id:']) };
      const diff = diffIdChunk([{ id, pid }], listing);
      if (listing.coveredPrefix !== undefined && !pid.startsWith(listing.coveredPrefix)) {
        expect(diff).toEqual({ listed: 0, examined: [], drifted: [], uncovered: [[String(id), pid]] });
        continue;
      }
      expect(diff.examined).toEqual([seenKey(String(id), pid)]);
      // Asked for no seen keys: the same diff, without them.
      expect(diffIdChunk([{ id, pid }], { ...listing, seenKeys: false })).toEqual({ ...diff, examined: [] });
      const kind = listing.trashed.has(pid) ? 'trashed' : listing.present.has(pid) ? undefined : 'orphan';
      expect(diff.drifted).toEqual(kind ? [[String(id), kind, pid]] : []);
    }
  });
});

describe('the diff thread', () => {
  const productFile = productFilePerTest('syncwarden-diff-thread-');
  const open = productFile.open;
  let db: AppDbAdapter;
  beforeEach(() => (db = productFile.db));

  for (const kind of ['integer', 'text'] as const) {
    it(`answers every account as the host's own diff does (${kind} ids, accounts asked for at once)`, async () => {
      for (const seed of [1, 2, 3]) {
        await db.execute('DROP TABLE IF EXISTS media');
        const world = await seedWorld(db, new Prng(seed * 31 + kind.length), kind);
        const product = new StorageDb(db, resolveMapping(MAPPING));
        const thread = open(product);
        expect(thread).toBeInstanceOf(ThreadDiffer);
        const here = new InThreadDiffer(product);
        const expected = await Promise.all(world.accounts.map((account) => collect(here, account)));
        const actual = await Promise.all(world.accounts.map((account) => collect(thread, account)));
        expect(actual, `seed ${seed}`).toEqual(expected);
        // Answered by the thread itself, not by a fallback here that would match trivially.
        expect(thread.diffsOnThread).toBe(world.accounts.length);
        // Every row is in exactly one chunk: listed or uncovered.
        for (const [at, chunks] of actual.entries()) {
          const rows = (await db.query('SELECT COUNT(*) AS n FROM media WHERE owner = ? AND cloud = ?', [world.accounts[at]!.userId, world.accounts[at]!.provider]))[0]?.n;
          expect(chunks.reduce((n, c) => n + c.listed + c.uncovered.length, 0)).toBe(Number(rows));
        }
        await thread.close();
      }
    });
  }

  // A thread that says it is ready, then ends (or throws) on the first account it is given: the account is in flight for sure.
  const DYING = (end: string) => `const { parentPort } = require('node:worker_threads'); parentPort.postMessage({ type: 'ready' }); parentPort.on('message', () => { ${end}; });`;
  for (const [how, end, message] of [
    ['ends', 'process.exit(3)', /diff thread stopped unexpectedly \(exit code 3\)/],
    ['throws', "throw new Error('native crash')", /native crash/],
  ] as const) {
    it(`fails the account it was diffing when the thread ${how}, and diffs later accounts here`, async () => {
      const world = await seedWorld(db, new Prng(11), 'integer');
      const product = new StorageDb(db, resolveMapping(MAPPING));
      const here = new InThreadDiffer(product);
      const thread = new ThreadDiffer(db.file!, product, here, DYING(end));
      productFile.track(thread);
      const [first, ...later] = world.accounts;
      await expect(collect(thread, first!)).rejects.toThrow(message);
      for (const account of later) expect(await collect(thread, account)).toEqual(await collect(here, account));
    });
  }

  it('drops a cancelled account, and answers the next one with its own rows only', async () => {
    const world = await seedWorld(db, new Prng(12), 'text');
    const product = new StorageDb(db, resolveMapping(MAPPING));
    const thread = open(product);
    const here = new InThreadDiffer(product);
    for (const account of world.accounts) {
      const controller = new AbortController();
      const iterator = thread.chunks(account.userId, account.provider, account.listing, controller.signal)[Symbol.asyncIterator]();
      controller.abort(new Error('cancelled by the test'));
      await expect(iterator.next()).rejects.toThrow('cancelled by the test');
      expect(await collect(thread, account)).toEqual(await collect(here, account));
    }
  });

  it('diffs on this thread where the product lives in memory, and reports a missing table as the host does', async () => {
    const memory = openSqliteAppDb({ path: ':memory:', create: true });
    try {
      expect(memory.file).toBeUndefined();
      expect(open(new StorageDb(memory, resolveMapping(MAPPING)))).toBeInstanceOf(InThreadDiffer);
    } finally {
      await memory.close();
    }
    // No such table: the thread's connection cannot prepare its reads, so the host's diff runs and fails as it always did.
    const thread = open(new StorageDb(db, resolveMapping(MAPPING)));
    const account = { userId: 'u', provider: 'google' as const, listing: { present: new Set<string>(), trashed: new Set<string>(), coveredPrefix: undefined } };
    await expect(collect(thread, account)).rejects.toThrow(/no such table: media/);
  });

  it('refuses, on either thread, an account whose rows have no id past a chunk (a keyset cannot go on from NULL)', async () => {
    // SQLite lets a non-integer primary key hold NULLs; they sort first, and `id > NULL` matches nothing.
    await db.execute('CREATE TABLE media (fid TEXT PRIMARY KEY, owner TEXT NOT NULL, cloud TEXT NOT NULL, cloud_id TEXT, title TEXT, bytes INTEGER)');
    const rows = Array.from({ length: 2001 }, (_, n) => [null, 'u', 'google', `id:${n}`, null, null]);
    await db.transaction((tx) => tx.executeMany('INSERT INTO media (fid, owner, cloud, cloud_id, title, bytes) VALUES (?, ?, ?, ?, ?, ?)', rows));
    const product = new StorageDb(db, resolveMapping(MAPPING));
    const account = { userId: 'u', provider: 'google' as const, listing: { present: new Set<string>(), trashed: new Set<string>(), coveredPrefix: undefined } };
    for (const differ of [new InThreadDiffer(product), open(product)]) await expect(collect(differ, account)).rejects.toThrow(NULL_KEY);
  });

  it('ends its thread on close; asked again after, it diffs on this thread', async () => {
    await seedWorld(db, new Prng(13), 'integer');
    const thread = open(new StorageDb(db, resolveMapping(MAPPING)));
    const exited = new Promise<number>((resolve) => workerOf(thread).once('exit', resolve));
    await collect(thread, { userId: 'nobody', provider: 'google', listing: { present: new Set(), trashed: new Set(), coveredPrefix: undefined } });
    await thread.close();
    await exited;
    await expect(collect(thread, { userId: 'nobody', provider: 'google', listing: { present: new Set(), trashed: new Set(), coveredPrefix: undefined } })).resolves.toEqual([]);
  });
});
