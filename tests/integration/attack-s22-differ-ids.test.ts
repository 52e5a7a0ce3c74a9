import { beforeEach, describe, expect, it } from 'vitest';
import type { AppDbAdapter } from '../../core/appdb/adapter';
import { resolveMapping } from '../../core/appdb/mapping';
import { InThreadDiffer, type ChunkDiff, type ListingDiffer, type ListingSets } from '../../core/engines/storage-orphans/listing-diff';
import { ThreadDiffer } from '../../core/engines/storage-orphans/listing-diff-thread';
import { StorageDb } from '../../core/engines/storage-orphans/storage-db';
import type { StorageProvider } from '../../core/api/storage';
import { productFilePerTest } from '../helpers/product-file-per-test';

/**
 * Attack s22 on the differs directly: what each hands on as `driftedRows` (the rows findings are made of) when ids of
 * different storage classes read the same text, or read as something keysIn does not bind (blob, Infinity).
 * Safe: every drifted row is handed on once, and only rows of the account asked about that drifted.
 */

const MAPPING = { files: { table: 'media', columns: { id: 'fid', userId: 'owner', provider: 'cloud', providerFileId: 'cloud_id', name: 'title', size: 'bytes' } } };

async function collect(differ: ListingDiffer, userId: string, provider: StorageProvider, listing: ListingSets): Promise<ChunkDiff[]> {
  const chunks: ChunkDiff[] = [];
  for await (const chunk of differ.chunks(userId, provider, listing, new AbortController().signal)) chunks.push(chunk);
  return chunks;
}

const driftedOf = (chunks: ChunkDiff[]) => chunks.flatMap((c) => c.driftedRows.map(({ row: r }) => `${r.userId}/${r.provider}/${r.id}/${r.providerFileId}`)).sort();
const idsOf = (chunks: ChunkDiff[]) => chunks.flatMap((c) => c.drifted.map(([id, kind]) => `${id}:${kind}`)).sort();

describe('attack s22: the differs\' drifted rows', () => {
  const world = productFilePerTest('syncwarden-s22-');
  let db: AppDbAdapter;
  beforeEach(() => (db = world.db));

  async function seed(rows: unknown[][]): Promise<StorageDb> {
    await db.execute('CREATE TABLE media (fid PRIMARY KEY, owner TEXT, cloud TEXT, cloud_id TEXT, title TEXT, bytes INTEGER)');
    await db.transaction((tx) => tx.executeMany('INSERT INTO media (fid, owner, cloud, cloud_id, title, bytes) VALUES (?, ?, ?, ?, ?, 1)', rows as never));
    return new StorageDb(db, resolveMapping(MAPPING));
  }

  const both = (product: StorageDb) => {
    const thread = world.open(product);
    expect(thread).toBeInstanceOf(ThreadDiffer);
    return [
      ['thread', thread],
      ['host', new InThreadDiffer(product)],
    ] as const;
  };

  it('another user\'s live row whose id reads the same text (7 and "7") is never handed on as this account\'s drift', async () => {
    const product = await seed([
      [7n, 'bob', 'google', 'g-bob-live', 'b'],
      ['7', 'ada', 'google', 'g-ada-gone', 'a'],
    ]);
    const listing: ListingSets = { present: new Set(['g-bob-live']), trashed: new Set(), coveredPrefix: undefined };
    for (const [name, differ] of both(product)) {
      const chunks = await collect(differ, 'ada', 'google', listing);
      expect(idsOf(chunks), name).toEqual(['7:orphan']);
      expect(driftedOf(chunks), name).toEqual(['ada/google/7/g-ada-gone']);
    }
  });

  it('one account holding live 7 and gone "7": only the gone row is handed on', async () => {
    const product = await seed([
      [7n, 'ada', 'google', 'g-ada-live', 'b'],
      ['7', 'ada', 'google', 'g-ada-gone', 'a'],
    ]);
    const listing: ListingSets = { present: new Set(['g-ada-live']), trashed: new Set(), coveredPrefix: undefined };
    for (const [name, differ] of both(product)) expect(driftedOf(await collect(differ, 'ada', 'google', listing)), name).toEqual(['ada/google/7/g-ada-gone']);
  });

  it('a blob id that drifted is handed on (not dropped between the diff and the read by id)', async () => {
    const product = await seed([[Buffer.from('ABCD'), 'ada', 'google', 'g-ada-gone', 'a']]);
    const listing: ListingSets = { present: new Set(), trashed: new Set(), coveredPrefix: undefined };
    for (const [name, differ] of both(product)) {
      const chunks = await collect(differ, 'ada', 'google', listing);
      expect(chunks.flatMap((c) => c.drifted).length, name).toBe(1);
      expect(chunks.flatMap((c) => c.driftedRows).length, `${name}: ${JSON.stringify(idsOf(chunks))}`).toBe(1);
    }
  });

  it('an Infinity id that drifted is handed on by both differs', async () => {
    const product = await seed([[Infinity, 'ada', 'google', 'g-ada-gone', 'a']]);
    const listing: ListingSets = { present: new Set(), trashed: new Set(), coveredPrefix: undefined };
    for (const [name, differ] of both(product)) expect(driftedOf(await collect(differ, 'ada', 'google', listing)), name).toEqual(['ada/google/Infinity/g-ada-gone']);
  });

  it('rowsByIds gives only rows whose String(id) was asked, each once (REAL 2^60 beside INTEGER 2^60, text 7.0, REAL 7.5)', async () => {
    await db.execute('CREATE TABLE media (fid, owner TEXT, cloud TEXT, cloud_id TEXT, title TEXT, bytes INTEGER)');
    const rows = [
      [2 ** 60, 'ada', 'google', 'real', 'a'],
      [2n ** 60n, 'bob', 'google', 'int', 'b'],
      ['7.0', 'ada', 'google', 'text-7.0', 'c'],
      [7.5, 'ada', 'google', 'real-7.5', 'd'],
    ];
    await db.transaction((tx) => tx.executeMany('INSERT INTO media (fid, owner, cloud, cloud_id, title, bytes) VALUES (?, ?, ?, ?, ?, 1)', rows as never));
    const product = new StorageDb(db, resolveMapping(MAPPING));
    const found = await product.rowsByIds(['1152921504606847000', '7.5', '7']);
    expect(found.map((r) => `${r.id}/${r.providerFileId}`).sort()).toEqual(['1152921504606847000/real', '7.5/real-7.5']);
  });
});
