import { afterEach, describe, expect, it } from 'vitest';
import { openStore, type Store } from '../../core/store/store';
import { rawSqlite } from '../helpers/sqlite-store';
import { makeTempDir } from '../helpers/temp-dir';

/**
 * The disk fills up (SQLITE_FULL, emulated with max_page_count) in the middle of a store transaction. SQLite then
 * rolls the whole transaction back on its own and leaves the connection in autocommit: a statement the work
 * issues after catching the failure would be committed alone, and the earlier ones lost (a half write).
 */
const opened: Store[] = [];
const dirs: ReturnType<typeof makeTempDir>[] = [];
afterEach(async () => {
  for (const store of opened.splice(0)) await store.close().catch(() => undefined);
  for (const dir of dirs.splice(0)) dir.remove();
});

const T0 = '2026-12-02T10:00:00.000Z';

async function fullStore(): Promise<Store> {
  const dir = makeTempDir();
  dirs.push(dir);
  const store = await openStore(dir.path);
  opened.push(store);
  const raw = rawSqlite(store);
  raw.pragma(`max_page_count = ${Number(raw.pragma('page_count', { simple: true })) + 4}`);
  return store;
}

describe('attack: disk full mid-transaction on the SQLite store', () => {
  it('work that catches a failed savepoint batch and goes on: the batch is undone, the rest commits', async () => {
    const store = await fullStore();
    const { id: run } = await store.runs.insertQueued({ engine: 'storage', scope: 'all', trigger: 'cli', params: {}, ownerPid: 1, now: T0 });
    const big = Array.from({ length: 400 }, (_, i) => ({ subject: `file:${i}`, kind: 'orphan', reason: 'r'.repeat(500), proposedAction: 'p' }));
    await store.transaction(async (tx) => {
      await tx.runEvents.append(run, 'message', 'before', T0);
      await expect(tx.findings.insertMany(run, 'storage', big, T0)).rejects.toMatchObject({ code: 'SQLITE_FULL' });
      await tx.runEvents.append(run, 'message', 'after', T0);
    });
    expect((await store.runEvents.list(run)).map((e) => e.message)).toEqual(['before', 'after']);
    expect(await store.findings.countOpen('storage')).toBe(0);
  });

  it('work that catches a failed plain statement and goes on: never a half write', async () => {
    const store = await fullStore();
    const { id: run } = await store.runs.insertQueued({ engine: 'storage', scope: 'all', trigger: 'cli', params: {}, ownerPid: 1, now: T0 });
    const attempt = store.db.transaction(async (tx) => {
      await tx.run(`INSERT INTO run_events (run_id, at, kind, message) VALUES (?, ?, 'message', 'before')`, [run, T0]);
      let failure: { code?: string } | undefined;
      for (let i = 0; i < 400 && !failure; i++) {
        await tx.run(`INSERT INTO run_events (run_id, at, kind, message) VALUES (?, ?, 'message', ?)`, [run, T0, 'x'.repeat(2000)]).catch((error: unknown) => {
          failure = error as { code?: string };
        });
      }
      expect(failure?.code).toBe('SQLITE_FULL');
      await tx.run(`INSERT INTO run_events (run_id, at, kind, message) VALUES (?, ?, 'message', 'after')`, [run, T0]).catch(() => undefined);
    });
    const settled = await attempt.then(
      () => 'committed',
      (error: Error) => (/rolled this store transaction back/.test(error.message) ? 'failed' : error.message),
    );
    const messages = (await store.runEvents.list(run)).map((e) => e.message);
    const kept = ['before', 'after'].filter((m) => messages.includes(m));
    // All of it or none of it: a commit keeps both, a failure neither.
    expect({ settled, kept }).toSatisfy(({ settled: s, kept: k }: { settled: string; kept: string[] }) => (s === 'committed' ? k.length === 2 : k.length === 0));
    rawSqlite(store).pragma('max_page_count = 1073741823');
    await store.transaction(async (tx) => tx.runEvents.append(run, 'message', 'later', T0));
    expect((await store.runEvents.list(run)).map((e) => e.message)).toContain('later');
  });

  it('work that lets the failure throw: rolled back, the mutex freed, plain calls queued behind it run', async () => {
    const store = await fullStore();
    const { id: run } = await store.runs.insertQueued({ engine: 'storage', scope: 'all', trigger: 'cli', params: {}, ownerPid: 1, now: T0 });
    const big = Array.from({ length: 400 }, (_, i) => ({ subject: `file:${i}`, kind: 'orphan', reason: 'r'.repeat(500), proposedAction: 'p' }));
    const attempt = store.transaction(async (tx) => {
      await tx.runEvents.append(run, 'message', 'before', T0);
      await tx.findings.insertMany(run, 'storage', big, T0);
    });
    // Another caller, while the transaction holds the connection: it waits, then runs.
    const queued = store.runs.get(run);
    await expect(attempt).rejects.toMatchObject({ code: 'SQLITE_FULL' });
    await expect(queued).resolves.toMatchObject({ id: run });
    expect((await store.runEvents.list(run)).map((e) => e.message)).not.toContain('before');
  });
});
