import { renameSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import type { AppDbAdapter } from '../../core/appdb/adapter';
import { resolveMapping } from '../../core/appdb/mapping';
import { openSqliteAppDb } from '../../core/appdb/sqlite.adapter';
import { InThreadDiffer, type ChunkDiff, type ListingDiffer, type ListingSets } from '../../core/engines/storage-orphans/listing-diff';
import { ThreadDiffer } from '../../core/engines/storage-orphans/listing-diff-thread';
import { StorageDb } from '../../core/engines/storage-orphans/storage-db';
import type { StorageProvider } from '../../core/api/storage';
import { openFilesUnder } from '../helpers/open-files';
import { expectNoUnhandledRejection } from '../helpers/unhandled';
import { productFilePerTest } from '../helpers/product-file-per-test';

/**
 * Attack s21: the diff thread (fc97c92) against the host's own diff, with data the existing test does not
 * seed: an id column with no declared type mixing integers, text, REAL, BLOB and NULL; reserved-word names;
 * writes and checkpoints while the thread reads; close() with diffs pending; the same account twice at once;
 * a product file renamed over after the host opened it; descriptors after close.
 */

const MAPPING = (table = 'media', id = 'fid', pid = 'cloud_id') => ({ files: { table, columns: { id, userId: 'owner', provider: 'cloud', providerFileId: pid, name: 'title', size: 'bytes' } } });
const EMPTY: ListingSets = { present: new Set(), trashed: new Set(), coveredPrefix: undefined };

/** Bounded: a keyset that never advances would loop for ever, so more than `max` chunks is reported, not waited on. */
async function collect(differ: ListingDiffer, userId: string, provider: StorageProvider, listing: ListingSets, max = 200, signal = new AbortController().signal): Promise<ChunkDiff[] | 'runaway'> {
  const chunks: ChunkDiff[] = [];
  const controller = new AbortController();
  const onAbort = () => controller.abort(signal.reason);
  signal.addEventListener('abort', onAbort);
  try {
    for await (const chunk of differ.chunks(userId, provider, listing, controller.signal)) {
      chunks.push(chunk);
      if (chunks.length > max) {
        controller.abort(new Error('runaway'));
        return 'runaway';
      }
    }
  } catch (error) {
    if (chunks.length > max) return 'runaway';
    throw error;
  } finally {
    signal.removeEventListener('abort', onAbort);
  }
  return chunks;
}

const rowsOf = (chunks: ChunkDiff[] | 'runaway') => (chunks === 'runaway' ? -1 : chunks.reduce((n, c) => n + c.listed + c.uncovered.length, 0));

describe('attack s21: the diff thread against hostile data', () => {
  const world = productFilePerTest('syncwarden-s21-');
  const open = world.open;
  let db: AppDbAdapter;
  beforeEach(() => (db = world.db));

  it('an untyped id column mixing integers, big integers, REAL, text and NULL cloud ids: thread equals host', async () => {
    await db.execute('CREATE TABLE media (fid, owner TEXT, cloud TEXT, cloud_id, title TEXT, bytes INTEGER)');
    const rows: unknown[][] = [];
    // Fewer than a chunk: one keyset read, whatever the comparison of mixed types does.
    for (let n = 0; n < 300; n++) {
      const id = [BigInt(n), 2n ** 63n - 1n - BigInt(n), -(2n ** 53n) - BigInt(n), n + 0.5, `t${n}\u0000:\n😀`, `${n}`][n % 6];
      const pid = [`id:${n}`, null, 12345678901234567890n % 2n ** 62n + BigInt(n), n + 0.25, `p${n}\u0000x`][n % 5];
      rows.push([id, 'u', 'google', pid, `f${n}`, 1]);
    }
    await db.transaction((tx) => tx.executeMany('INSERT INTO media (fid, owner, cloud, cloud_id, title, bytes) VALUES (?, ?, ?, ?, ?, ?)', rows as never));
    const product = new StorageDb(db, resolveMapping(MAPPING()));
    const thread = open(product);
    expect(thread).toBeInstanceOf(ThreadDiffer);
    const here = new InThreadDiffer(product);
    const listing: ListingSets = { present: new Set(['id:0', 'null', String(2n ** 62n)]), trashed: new Set(['0.25']), coveredPrefix: undefined };
    const expected = await collect(here, 'u', 'google', listing);
    expect(await collect(thread, 'u', 'google', listing)).toEqual(expected);
    expect(rowsOf(expected)).toBe(300);
  });

  it('an untyped id column with more than a chunk of integer ids then text ids: every row is read (keyset past a chunk)', async () => {
    await db.execute('CREATE TABLE media (fid, owner TEXT, cloud TEXT, cloud_id TEXT, title TEXT, bytes INTEGER)');
    const rows: unknown[][] = [];
    for (let n = 0; n < 2500; n++) rows.push([n, 'u', 'google', `id:${n}`, `f${n}`, 1]);
    for (let n = 0; n < 10; n++) rows.push([`t${n}`, 'u', 'google', `id:t${n}`, `t${n}`, 1]);
    await db.transaction((tx) => tx.executeMany('INSERT INTO media (fid, owner, cloud, cloud_id, title, bytes) VALUES (?, ?, ?, ?, ?, ?)', rows as never));
    const product = new StorageDb(db, resolveMapping(MAPPING()));
    const thread = open(product);
    const here = new InThreadDiffer(product);
    const expected = await collect(here, 'u', 'google', EMPTY);
    const actual = await collect(thread, 'u', 'google', EMPTY);
    // The two paths agree with each other...
    expect(actual).toEqual(expected);
    // ...and every one of the 2,510 rows is diffed once (a row never read is never examined nor concluded on).
    expect(rowsOf(actual)).toBe(2510);
  });

  it('BLOB ids past a chunk: the keyset read ends (no endless loop on the thread)', async () => {
    await db.execute('CREATE TABLE media (fid BLOB PRIMARY KEY, owner TEXT, cloud TEXT, cloud_id TEXT, title TEXT, bytes INTEGER)');
    const rows: unknown[][] = [];
    for (let n = 0; n < 2100; n++) rows.push([Buffer.from(`b${String(n).padStart(5, '0')}`), 'u', 'google', `id:${n}`, `f${n}`, 1]);
    await db.transaction((tx) => tx.executeMany('INSERT INTO media (fid, owner, cloud, cloud_id, title, bytes) VALUES (?, ?, ?, ?, ?, ?)', rows as never));
    const product = new StorageDb(db, resolveMapping(MAPPING()));
    const thread = open(product);
    const actual = await collect(thread, 'u', 'google', EMPTY, 20);
    expect(actual).not.toBe('runaway');
    expect(rowsOf(actual)).toBe(2100);
  });

  it('reserved-word table and column names: thread equals host', async () => {
    await db.execute('CREATE TABLE "order" ("select" INTEGER PRIMARY KEY, owner TEXT, cloud TEXT, "from" TEXT, title TEXT, bytes INTEGER)');
    const rows = Array.from({ length: 4100 }, (_, n) => [n * 7 - 10_000, 'u', 'dropbox', n % 3 ? `id:${n}` : `/path/${n}`, `f${n}`, 1]);
    await db.transaction((tx) => tx.executeMany('INSERT INTO "order" ("select", owner, cloud, "from", title, bytes) VALUES (?, ?, ?, ?, ?, ?)', rows as never));
    const product = new StorageDb(db, resolveMapping(MAPPING('order', 'select', 'from')));
    const thread = open(product);
    expect(thread).toBeInstanceOf(ThreadDiffer);
    const listing: ListingSets = { present: new Set(rows.filter((_, n) => n % 5).map((r) => String(r[3]))), trashed: new Set(['id:1']), coveredPrefix: 'id:' };
    const expected = await collect(new InThreadDiffer(product), 'u', 'dropbox', listing);
    expect(await collect(thread, 'u', 'dropbox', listing)).toEqual(expected);
    expect(rowsOf(expected)).toBe(4100);
  });

  it('the same account asked twice at once, and other accounts between: each answer is its own and whole', async () => {
    await db.execute('CREATE TABLE media (fid INTEGER PRIMARY KEY, owner TEXT, cloud TEXT, cloud_id TEXT, title TEXT, bytes INTEGER)');
    await db.execute('CREATE INDEX media_by_owner ON media(owner, cloud, fid, cloud_id)');
    const rows: unknown[][] = [];
    let serial = 0;
    for (const [owner, n] of [['a', 5000], ['b', 2000], ['c', 1]] as const) for (let i = 0; i < n; i++) rows.push([++serial, owner, 'google', `id:${owner}${i}`, 'x', 1]);
    await db.transaction((tx) => tx.executeMany('INSERT INTO media (fid, owner, cloud, cloud_id, title, bytes) VALUES (?, ?, ?, ?, ?, ?)', rows as never));
    const product = new StorageDb(db, resolveMapping(MAPPING()));
    const thread = open(product);
    const here = new InThreadDiffer(product);
    const listings = { a: { present: new Set(['id:a1']), trashed: new Set<string>(), coveredPrefix: undefined }, b: EMPTY, c: { present: new Set(['id:c0']), trashed: new Set<string>(), coveredPrefix: undefined } };
    const asks = ['a', 'b', 'a', 'c', 'a', 'b'] as const;
    const actual = await Promise.all(asks.map((o) => collect(thread, o, 'google', listings[o])));
    const expected = await Promise.all(asks.map((o) => collect(here, o, 'google', listings[o])));
    expect(actual).toEqual(expected);
  });

  it('rows inserted, re-pointed and deleted by the host, and WAL checkpoints, while the thread reads: no row read twice, none of the untouched rows lost', async () => {
    await db.execute('CREATE TABLE media (fid INTEGER PRIMARY KEY, owner TEXT, cloud TEXT, cloud_id TEXT, title TEXT, bytes INTEGER)');
    await db.execute('CREATE INDEX media_by_owner ON media(owner, cloud, fid, cloud_id)');
    const N = 60_000;
    const rows = Array.from({ length: N }, (_, n) => [n * 2, 'u', 'google', `id:${n}`, 'x', 1]);
    await db.transaction((tx) => tx.executeMany('INSERT INTO media (fid, owner, cloud, cloud_id, title, bytes) VALUES (?, ?, ?, ?, ?, ?)', rows as never));
    const product = new StorageDb(db, resolveMapping(MAPPING()));
    const thread = open(product);
    const present = new Set(rows.map((r) => String(r[3])));
    let writing = true;
    const touched = new Set<string>();
    const writer = (async () => {
      let k = 0;
      while (writing) {
        k++;
        const at = (k * 7919) % N;
        // Odd ids are new rows between the existing ones; even ids are re-pointed or deleted.
        await db.execute('INSERT OR IGNORE INTO media VALUES (?, ?, ?, ?, ?, ?)', [at * 2 + 1, 'u', 'google', `id:new${k}`, 'x', 1]);
        touched.add(String(at * 2 + 1));
        const victim = ((k * 104729) % N) * 2;
        touched.add(String(victim));
        if (k % 2) await db.execute('UPDATE media SET cloud_id = ? WHERE fid = ?', [`id:moved${k}`, victim]);
        else await db.execute('DELETE FROM media WHERE fid = ?', [victim]);
        if (k % 50 === 0) await db.query('PRAGMA wal_checkpoint(TRUNCATE)');
        await new Promise((r) => setImmediate(r));
      }
    })();
    const chunks = await collect(thread, 'u', 'google', { present, trashed: new Set(), coveredPrefix: undefined }, 1000);
    writing = false;
    await writer;
    expect(chunks).not.toBe('runaway');
    const ids = (chunks as ChunkDiff[]).flatMap((c) => c.examined.map((key) => key.slice(key.indexOf(':') + 1, key.indexOf(':') + 1 + Number(key.slice(0, key.indexOf(':'))))));
    expect(new Set(ids).size).toBe(ids.length);
    const read = new Set(ids);
    const lost = rows.map((r) => String(r[0])).filter((id) => !touched.has(id) && !read.has(id));
    expect(lost).toEqual([]);
    // Every drifted row is a row the host touched (a re-pointed or new row): no untouched present row is called an orphan.
    const drifted = (chunks as ChunkDiff[]).flatMap((c) => c.drifted.map(([id]) => id));
    expect(drifted.filter((id) => !touched.has(id))).toEqual([]);
  });

  it('close() with diffs pending and queued: every pending diff fails (none hangs, none ends as if complete), no unhandled rejection', async () => {
    await db.execute('CREATE TABLE media (fid INTEGER PRIMARY KEY, owner TEXT, cloud TEXT, cloud_id TEXT, title TEXT, bytes INTEGER)');
    const rows = Array.from({ length: 100_000 }, (_, n) => [n, `u${n % 4}`, 'google', `id:${n}`, 'x', 1]);
    await db.transaction((tx) => tx.executeMany('INSERT INTO media (fid, owner, cloud, cloud_id, title, bytes) VALUES (?, ?, ?, ?, ?, ?)', rows as never));
    const product = new StorageDb(db, resolveMapping(MAPPING()));
    await expectNoUnhandledRejection(async () => {
      const thread = new ThreadDiffer(db.file!, product, new InThreadDiffer(product));
      const outcomes = [0, 1, 2, 3].map((u) =>
        collect(thread, `u${u}`, 'google', EMPTY, 10_000).then(
          (c) => (c === 'runaway' ? 'runaway' : `complete:${rowsOf(c)}`),
          (e: Error) => `failed:${e.message}`,
        ),
      );
      // Let the first chunks arrive, then close.
      await new Promise((r) => setTimeout(r, 30));
      const closed = thread.close();
      const settled = await Promise.race([Promise.all(outcomes), new Promise<'hang'>((r) => setTimeout(() => r('hang'), 10_000))]);
      await closed;
      expect(settled).not.toBe('hang');
      // A diff either completed with all its 25,000 rows or failed; never a partial diff that ended quietly.
      for (const outcome of settled as string[]) expect(outcome === 'complete:25000' || outcome.startsWith('failed:')).toBe(true);
    });
  });

  it('no descriptor of the product file is left by the thread after close (success, failure, cancel)', async () => {
    await db.execute('CREATE TABLE media (fid INTEGER PRIMARY KEY, owner TEXT, cloud TEXT, cloud_id TEXT, title TEXT, bytes INTEGER)');
    const rows = Array.from({ length: 50_000 }, (_, n) => [n, 'u', 'google', `id:${n}`, 'x', 1]);
    await db.transaction((tx) => tx.executeMany('INSERT INTO media (fid, owner, cloud, cloud_id, title, bytes) VALUES (?, ?, ?, ?, ?, ?)', rows as never));
    const before = openFilesUnder(world.dir).length;
    const product = new StorageDb(db, resolveMapping(MAPPING()));
    const counts: number[] = [];
    for (let round = 0; round < 6; round++) {
      const thread = new ThreadDiffer(db.file!, product, new InThreadDiffer(product));
      const controller = new AbortController();
      const running = collect(thread, 'u', 'google', EMPTY, 10_000, controller.signal).catch(() => 'cancelled');
      if (round % 2) setTimeout(() => controller.abort(new Error('cancel')), 5);
      await running;
      await thread.close();
      counts.push(openFilesUnder(world.dir).length);
    }
    // SQLite (unix VFS) keeps a closed connection's descriptor while another connection of the process holds a lock
    // on the same file, and reuses it: at most one more, never one per thread.
    expect(Math.max(...counts)).toBeLessThanOrEqual(before + 1);
    await db.close();
    expect(openFilesUnder(world.dir)).toEqual([]);
    // The helper closes it again after the test: a no-op on a closed connection.
  });

  it('an account of BLOB ids past a chunk ends (it once read its first chunk for ever), and the next account is answered', async () => {
    await db.execute('CREATE TABLE media (fid BLOB PRIMARY KEY, owner TEXT, cloud TEXT, cloud_id TEXT, title TEXT, bytes INTEGER)');
    const rows: unknown[][] = [];
    for (let n = 0; n < 2100; n++) rows.push([Buffer.from(`b${String(n).padStart(5, '0')}`), 'bad', 'google', `id:${n}`, `f${n}`, 1]);
    rows.push([Buffer.from('ok'), 'good', 'google', 'id:ok', 'ok', 1]);
    await db.transaction((tx) => tx.executeMany('INSERT INTO media (fid, owner, cloud, cloud_id, title, bytes) VALUES (?, ?, ?, ?, ?, ?)', rows as never));
    const product = new StorageDb(db, resolveMapping(MAPPING()));
    const here = new InThreadDiffer(product);
    const blobs = await collect(here, 'bad', 'google', EMPTY, 5);
    expect(blobs).not.toBe('runaway');
    expect(rowsOf(blobs)).toBe(2100);
    const expected = await collect(here, 'good', 'google', EMPTY);
    const thread = open(product);
    expect(await collect(thread, 'bad', 'google', EMPTY, 5)).toEqual(blobs);
    const next = await Promise.race([collect(thread, 'good', 'google', EMPTY), new Promise<'hang'>((r) => setTimeout(() => r('hang'), 5_000))]);
    expect(next).toEqual(expected);
  });

  it('a cancelled 100k-row account: the next account is answered promptly and with its own rows', async () => {
    await db.execute('CREATE TABLE media (fid INTEGER PRIMARY KEY, owner TEXT, cloud TEXT, cloud_id TEXT, title TEXT, bytes INTEGER)');
    await db.execute('CREATE INDEX media_by_owner ON media(owner, cloud, fid, cloud_id)');
    const rows: unknown[][] = Array.from({ length: 100_000 }, (_, n) => [n, 'big', 'google', `id:${n}`, 'x', 1]);
    rows.push([200_000, 'small', 'google', 'id:small', 'x', 1]);
    await db.transaction((tx) => tx.executeMany('INSERT INTO media (fid, owner, cloud, cloud_id, title, bytes) VALUES (?, ?, ?, ?, ?, ?)', rows as never));
    const product = new StorageDb(db, resolveMapping(MAPPING()));
    const thread = open(product);
    const controller = new AbortController();
    const big = collect(thread, 'big', 'google', EMPTY, 10_000, controller.signal).catch((e: Error) => e.message);
    await new Promise((r) => setTimeout(r, 10));
    controller.abort(new Error('cancelled'));
    expect(await big).toBe('cancelled');
    const started = performance.now();
    expect(await collect(thread, 'small', 'google', EMPTY)).toEqual([
      {
        listed: 1,
        examined: ['6:200000id:small'],
        drifted: [['200000', 'orphan', 'id:small']],
        uncovered: [],
        driftedRows: [{ row: { id: '200000', userId: 'small', provider: 'google', providerFileId: 'id:small', name: 'x', size: 1 }, kind: 'orphan' }],
      },
    ]);
    console.log(`s21: next account after a cancelled 100k account answered in ${Math.round(performance.now() - started)} ms`);
  });

  for (const how of ['deleted', 'replaced by junk'] as const) {
    it(`the product file ${how} after the host opened it: the host's diff runs (the thread cannot open), the same answer`, async () => {
      await db.execute('CREATE TABLE media (fid INTEGER PRIMARY KEY, owner TEXT, cloud TEXT, cloud_id TEXT, title TEXT, bytes INTEGER)');
      await db.execute("INSERT INTO media VALUES (1, 'u', 'google', 'id:live', 'x', 1), (2, 'u', 'google', 'id:gone', 'x', 1)");
      await db.query('PRAGMA wal_checkpoint(TRUNCATE)');
      if (how === 'deleted') unlinkSync(db.file!.path);
      else {
        unlinkSync(db.file!.path);
        writeFileSync(db.file!.path, 'not a database at all, just text '.repeat(200));
      }
      const product = new StorageDb(db, resolveMapping(MAPPING()));
      const listing: ListingSets = { present: new Set(['id:live']), trashed: new Set(), coveredPrefix: undefined };
      const here = await collect(new InThreadDiffer(product), 'u', 'google', listing);
      expect(here).toEqual([
        {
          listed: 2,
          examined: ['1:1id:live', '1:2id:gone'],
          drifted: [['2', 'orphan', 'id:gone']],
          uncovered: [],
          driftedRows: [{ row: { id: '2', userId: 'u', provider: 'google', providerFileId: 'id:gone', name: 'x', size: 1 }, kind: 'orphan' }],
        },
      ]);
      await expectNoUnhandledRejection(async () => {
        expect(await collect(open(product), 'u', 'google', listing)).toEqual(here);
      });
    });
  }

  for (const checkpointed of [true, false]) {
    it(`the product file renamed over (a restore) after the host opened it${checkpointed ? ', after a checkpoint (WAL empty)' : ''}: the thread reads the host’s database, not another`, async () => {
      await db.execute('CREATE TABLE media (fid INTEGER PRIMARY KEY, owner TEXT, cloud TEXT, cloud_id TEXT, title TEXT, bytes INTEGER)');
      await db.execute("INSERT INTO media VALUES (1, 'u', 'google', 'id:live', 'x', 1)");
      if (checkpointed) await db.query('PRAGMA wal_checkpoint(TRUNCATE)');
      // Another database with the same row id pointing elsewhere, renamed over the product's path.
      const otherPath = join(world.dir, 'restored.db');
      const other = openSqliteAppDb({ path: otherPath, create: true });
      await other.execute('CREATE TABLE media (fid INTEGER PRIMARY KEY, owner TEXT, cloud TEXT, cloud_id TEXT, title TEXT, bytes INTEGER)');
      await other.execute("INSERT INTO media VALUES (1, 'u', 'google', 'id:gone', 'x', 1)");
      await other.close();
      renameSync(otherPath, db.file!.path);
      const product = new StorageDb(db, resolveMapping(MAPPING()));
      const listing: ListingSets = { present: new Set(['id:live']), trashed: new Set(), coveredPrefix: undefined };
      const here = await collect(new InThreadDiffer(product), 'u', 'google', listing);
      expect(here).toEqual([{ listed: 1, examined: ['1:1id:live'], drifted: [], uncovered: [], driftedRows: [] }]);
      // The thread opens the path afresh: if it read the restored file, row 1 would be called an orphan while the host's row 1 is live.
      expect(await collect(open(product), 'u', 'google', listing)).toEqual(here);
    });
  }
});
