import pg from 'pg';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { openStore, type Store } from '../../core/store/store';
import { PG_PASSWORD, usePostgres } from '../helpers/postgres';
import { storeSuite } from './store-suite';

const server = usePostgres();
let url = '';
const opened: Store[] = [];

beforeAll(async () => {
  await server().createDatabase('store_suite');
  url = `postgres://postgres@127.0.0.1:${server().port}/store_suite`;
  const first = await openStore(url, { password: PG_PASSWORD });
  await first.close();
}, 120_000);
afterEach(async () => {
  for (const store of opened.splice(0)) await store.close().catch(() => undefined);
});

const TABLES = 'runs, run_events, findings, audit_log, settings, connections, engine_state, sheet_sources, schedules, schedule_firings, run_items, run_item_counts';

storeSuite({
  dialect: 'postgres',
  async fresh() {
    const store = await openStore(url, { password: PG_PASSWORD });
    opened.push(store);
    await store.db.exec(`TRUNCATE ${TABLES} RESTART IDENTITY CASCADE`);
    return store;
  },
  // Another pool, as another machine's console or worker would have.
  async twin() {
    return openStore(url, { password: PG_PASSWORD });
  },
});

describe('chaos: the store’s backend connections killed mid-transaction', () => {
  async function killStore(): Promise<number> {
    const admin = new pg.Client({ connectionString: server().url() });
    await admin.connect();
    try {
      const result = await admin.query(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'syncwarden' AND datname = 'store_suite' AND pid <> pg_backend_pid()`);
      return result.rowCount ?? 0;
    } finally {
      await admin.end();
    }
  }

  it('a findings batch and its run event killed half-way: nothing of it is kept, the next calls work, no crash', async () => {
    const store = await openStore(url, { password: PG_PASSWORD });
    opened.push(store);
    await store.db.exec(`TRUNCATE ${TABLES} RESTART IDENTITY CASCADE`);
    const { id: run } = await store.runs.insertQueued({ engine: 'storage', scope: 'all', trigger: 'cli', params: {}, ownerPid: 1, now: '2026-12-02T10:00:00.000Z' });
    const batch = Array.from({ length: 400 }, (_, i) => ({ subject: `file:${i}`, kind: 'orphan', reason: 'r', proposedAction: 'p' }));
    const attempt = store.transaction(async (tx) => {
      await tx.runEvents.append(run, 'message', 'writing findings', '2026-12-02T10:00:01.000Z');
      await tx.findings.insertMany(run, 'storage', batch.slice(0, 200), '2026-12-02T10:00:01.000Z');
      expect(await killStore()).toBeGreaterThan(0);
      await new Promise((resolve) => setTimeout(resolve, 100));
      await tx.findings.insertMany(run, 'storage', batch.slice(200), '2026-12-02T10:00:01.000Z');
    });
    await expect(attempt).rejects.toThrow();
    expect(await store.findings.countOpen()).toBe(0);
    expect(await store.runEvents.list(run)).toEqual([]);
    // The next calls reconnect, and a whole batch commits.
    await store.findings.insertMany(run, 'storage', batch, '2026-12-02T10:00:02.000Z');
    expect(await store.findings.countOpen('storage')).toBe(400);
  });

  it('backends killed while several calls are in flight: each fails or succeeds whole, the store keeps working', async () => {
    const store = await openStore(url, { password: PG_PASSWORD });
    opened.push(store);
    await store.db.exec(`TRUNCATE ${TABLES} RESTART IDENTITY CASCADE`);
    const calls = Array.from({ length: 20 }, (_, i) =>
      store.transaction(async (tx) => {
        const { id } = await tx.runs.insertQueued({ engine: 'toy', scope: `s${i}`, trigger: 'cli', params: {}, ownerPid: i, now: '2026-12-02T10:00:00.000Z' });
        await tx.runEvents.append(id, 'message', 'queued', '2026-12-02T10:00:00.000Z');
        await new Promise((resolve) => setTimeout(resolve, 20 * (i % 5)));
        await tx.runEvents.append(id, 'message', 'second', '2026-12-02T10:00:00.000Z');
        return id;
      }),
    );
    // Settled from the start: a call failing while we wait is not an unhandled rejection.
    const settled = Promise.allSettled(calls);
    await new Promise((resolve) => setTimeout(resolve, 30));
    await killStore();
    const outcomes = await settled;
    const committed = outcomes.flatMap((o) => (o.status === 'fulfilled' ? [o.value] : []));
    expect(outcomes.some((o) => o.status === 'rejected')).toBe(true);
    const runs = await store.runs.list({ limit: 100, offset: 0 });
    expect(runs.items.map((r) => r.id).sort()).toEqual([...committed].sort());
    for (const id of committed) expect((await store.runEvents.list(id)).map((e) => e.message)).toEqual(['queued', 'second']);
    expect((await store.runs.insertQueued({ engine: 'toy', scope: 'after', trigger: 'cli', params: {}, ownerPid: 1, now: '2026-12-02T10:00:00.000Z' })).alreadyRunning).toBe(false);
  });
});
