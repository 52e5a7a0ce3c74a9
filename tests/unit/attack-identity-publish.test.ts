import { describe, expect, it } from 'vitest';
import { localOnlyRow } from '../helpers/identity-world';
import { readSnapshotRows, SNAPSHOT_META_KEY, SnapshotWriter, updateSnapshotRows, writeSnapshot, type SnapshotMeta, type StateAccess } from '../../core/engines/identity/identity-snapshot';

/**
 * An outside attack on issue 19's sync table: the new table is written chunk
 * by chunk while the check classifies, with a yield (and a commit) between
 * chunks. A process that dies half-way must leave the previous check's table
 * whole, not its first chunks replaced by another check's rows under the old
 * meta (whose row indexes the old findings, and a repair of them, still
 * address); and what it wrote must not stay in the state for ever.
 */
const row = localOnlyRow;

function memoryState(): StateAccess & { map: Map<string, unknown>; failAfter: number } {
  const map = new Map<string, unknown>();
  const state = {
    map,
    failAfter: Number.POSITIVE_INFINITY,
    get: <T>(key: string) => Promise.resolve(map.get(key) as T | undefined),
    async set(key: string, value: unknown) {
      if (state.failAfter-- <= 0) throw new Error('killed');
      map.set(key, JSON.parse(JSON.stringify(value)));
    },
    delete: (key: string) => Promise.resolve(void map.delete(key)),
  };
  return state;
}

const emails = async (state: StateAccess) => {
  const meta = await state.get<SnapshotMeta>(SNAPSHOT_META_KEY) as SnapshotMeta;
  return (await readSnapshotRows(state, meta)).map((r) => r.local?.email);
};

describe('publishing the users sync table (attack on issue 19)', () => {
  it('a check that dies while publishing leaves the previous table whole', async () => {
    const state = memoryState();
    const old = Array.from({ length: 5000 }, (_, n) => row(n, 'old'));
    await writeSnapshot(state, old, { runId: 1, checkedAt: 'then', sourceOfTruth: 'appdb' });
    const before = await emails(state);

    const writer = await SnapshotWriter.begin(state);
    for (let n = 0; n < 5000; n++) writer.add(row(n, 'new'));
    state.failAfter = 1; // one chunk written, then the process dies
    await expect(writer.publish({ runId: 2, checkedAt: 'now', sourceOfTruth: 'appdb' })).rejects.toThrow('killed');
    state.failAfter = Number.POSITIVE_INFINITY;

    expect((await state.get<SnapshotMeta>(SNAPSHOT_META_KEY) as SnapshotMeta).runId).toBe(1);
    expect(await emails(state)).toEqual(before);
    // A repair of an old finding rewrites the old table's row, the user the finding named.
    expect(await updateSnapshotRows(state, 1, new Map([[0, { ...row(0, 'old'), status: 'in-sync' as const }]]))).toBe(true);
    expect((await emails(state))[0]).toBe('old0@example.com');
  });

  it('chunks a dead check left are removed by the next publish into that buffer; a failed check removes its own', async () => {
    const state = memoryState();
    await writeSnapshot(state, Array.from({ length: 1200 }, (_, n) => row(n, 'old')), { runId: 1, checkedAt: 'then', sourceOfTruth: 'appdb' });
    const chunkKeys = () => [...state.map.keys()].filter((key) => key.includes(':chunk:')).sort();
    const oldKeys = chunkKeys();

    // A check that wrote 8 chunks of the other buffer and then died (killed: nothing ran after).
    const dead = await SnapshotWriter.begin(state);
    for (let n = 0; n < 4000; n++) dead.add(row(n, 'dead'));
    await dead.drain();
    expect(chunkKeys().length).toBe(oldKeys.length + 8);

    // The next check is smaller: after it, the state holds its table and nothing else.
    await writeSnapshot(state, Array.from({ length: 700 }, (_, n) => row(n, 'next')), { runId: 3, checkedAt: 'now', sourceOfTruth: 'appdb' });
    expect(await emails(state)).toEqual(Array.from({ length: 700 }, (_, n) => `next${n}@example.com`));
    expect(chunkKeys()).toEqual(['sync-table:b:chunk:0', 'sync-table:b:chunk:1']);

    // A check that fails (an error, a cancel) removes what it wrote; the published table is untouched.
    const failed = await SnapshotWriter.begin(state);
    for (let n = 0; n < 1600; n++) failed.add(row(n, 'failed'));
    await failed.drain();
    expect(chunkKeys()).toHaveLength(5);
    await failed.abandon();
    expect(chunkKeys()).toEqual(['sync-table:b:chunk:0', 'sync-table:b:chunk:1']);
    expect(await emails(state)).toEqual(Array.from({ length: 700 }, (_, n) => `next${n}@example.com`));
  });

  it('a check whose last step fails after the table was published does not remove the published table', async () => {
    const state = memoryState();
    const writer = await SnapshotWriter.begin(state);
    for (let n = 0; n < 900; n++) writer.add(row(n, 'new'));
    await writer.publish({ runId: 5, checkedAt: 'now', sourceOfTruth: 'appdb' });
    await writer.abandon();
    expect(await emails(state)).toEqual(Array.from({ length: 900 }, (_, n) => `new${n}@example.com`));
  });

  it('the next publish after it, and the one after, each give exactly their own rows', async () => {
    const state = memoryState();
    for (const [runId, count] of [[1, 5000], [2, 2500], [3, 4100], [4, 10]] as const) {
      await writeSnapshot(state, Array.from({ length: count }, (_, n) => row(n, `r${runId}-`)), { runId, checkedAt: 'x', sourceOfTruth: 'appdb' });
      expect(await emails(state)).toEqual(Array.from({ length: count }, (_, n) => `r${runId}-${n}@example.com`));
    }
  });
});
