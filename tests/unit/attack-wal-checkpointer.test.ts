import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PACE_BYTES, SqliteStoreDb } from '../../core/store/sqlite-store-db';
import { openStore, type Store } from '../../core/store/store';
import type { WalCheckpointer } from '../../core/store/wal-checkpointer';
import { makeTempDir } from '../helpers/temp-dir';

const NOW = '2026-12-03T10:00:00.000Z';

/** The store's checkpointer (private to SqliteStoreDb), to make sure its worker has opened its connection. */
function checkpointerOf(store: Store): WalCheckpointer {
  if (!(store.db instanceof SqliteStoreDb)) throw new Error('this test needs the SQLite store');
  return (store.db as unknown as { checkpointer: WalCheckpointer }).checkpointer;
}

describe('attack: closing a store whose WAL checkpointer runs', () => {
  let dir: ReturnType<typeof makeTempDir>;
  let store: Store;
  beforeEach(async () => {
    dir = makeTempDir();
    store = await openStore(dir.path);
    await store.engineState.set('identity', 'seed', 'x'.repeat(100_000), NOW);
    // Answered only once the worker has opened its own connection to the store.
    await checkpointerOf(store).checkpoint();
    expect(checkpointerOf(store).running).toBe(true);
  });
  afterEach(async () => {
    await store.close();
    dir.remove();
  });

  it('a second close() resolves only once the store is closed (as the first one does: after the worker has stopped)', async () => {
    let firstDone = false;
    const first = store.close().then(() => {
      firstDone = true;
    });
    // A shutdown path that closes twice (a signal handler and the normal exit): the second close() returns at once
    // (closed is already true) while the first still awaits the worker, which holds its connection to the file.
    await store.close();
    expect(firstDone).toBe(true);
    await first;
  });

  it('a write made before close() is committed, even when it falls on a pacing point', async () => {
    // Before the change a plain write on an idle connection ran at once; now one that crosses PACE_BYTES is queued
    // behind a checkpoint, and close(), called after it, closes the connection under it.
    const big = 'y'.repeat(PACE_BYTES);
    const write = store.engineState.set('identity', 'last-words', big, NOW);
    const small = store.engineState.set('identity', 'after-it', 'small', NOW);
    const outcome = Promise.allSettled([write, small]);
    await store.close();
    const [w, s] = await outcome;
    store = await openStore(dir.path);
    expect({ big: w.status, small: s.status }).toEqual({ big: 'fulfilled', small: 'fulfilled' });
    expect((await store.engineState.get<string>('identity', 'last-words'))?.length).toBe(PACE_BYTES);
    expect(await store.engineState.get('identity', 'after-it')).toBe('small');
  });
});
