import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSyncwarden, type Syncwarden } from '../../core/app/app';
import { RunQueue } from '../../core/queue/run-queue';
import { teamTick } from '../../core/team/team-tick';
import { startPgProxy, type PgProxy } from '../helpers/pg-proxy';
import { PG_PASSWORD, usePostgres } from '../helpers/postgres';
import { makeTempDir } from '../helpers/temp-dir';

/*
 * Outside attack (session 13) on 99d7fe3: PostgresStoreDb.all retries any statement matching /^\s*SELECT\b/ after a connection
 * loss. `SELECT syncwarden_enqueue_due(…)` (team-tick.ts, the `schedules tick` command) is a SELECT that WRITES
 * (runs, pgboss.job, schedule_firings, schedules.next_run_at). When the connection goes after the statement
 * committed (its answer lost on the way), the retry runs the tick a second time on a new connection.
 */
const server = usePostgres();
const dir = makeTempDir();
let app: Syncwarden;
let db: pg.Client;
let proxy: PgProxy;

beforeAll(async () => {
  const url = await server().createDatabase('s13_tick');
  process.env.PGPASSWORD = PG_PASSWORD;
  proxy = await startPgProxy(server().port);
  // The console's store goes through the proxy; the test's own client does not.
  app = await createSyncwarden({ dataDir: dir.path, host: 'cli', withDemoEngine: true, store: `postgres://postgres@127.0.0.1:${proxy.port}/s13_tick` });
  db = new pg.Client({ connectionString: url });
  await db.connect();
  const queue = new RunQueue({ connectionString: url });
  await queue.start();
  await queue.ensureEngine('demo');
  await queue.stop({ graceful: false, timeoutMs: 1000 });
}, 90_000);

afterAll(async () => {
  await db?.end();
  await app?.close();
  await proxy?.close();
  dir.remove();
});

describe('a SELECT that writes is retried after a connection loss (attack s13 on 99d7fe3)', () => {
  it('schedules tick: the answer of a committed syncwarden_enqueue_due lost on the way; the tick must not report 0 enqueued while it enqueued a run', async () => {
    const due = new Date(Date.now() - 10 * 60_000).toISOString();
    await app.store.schedules.insert(
      { engine: 'demo', scope: { kind: 'all' }, trigger: { kind: 'interval', minutes: 5 }, timeZone: 'UTC', enabled: true, autoRepair: false, params: { items: 4 } },
      'manual',
      due,
    );
    proxy.cutAfterAnswer('syncwarden_enqueue_due');
    let outcome: unknown;
    try {
      outcome = await teamTick({ store: app.store, engines: app.engines, nowMs: () => Date.now() });
    } catch (error) {
      outcome = { threw: (error as Error).message };
    }
    expect(proxy.cuts).toBe(1);
    const queued = Number((await db.query(`SELECT count(*) AS n FROM runs WHERE state = 'queued' AND trigger = 'schedule'`)).rows[0]?.n);
    const jobs = Number((await db.query(`SELECT count(*) AS n FROM pgboss.job WHERE name LIKE '%demo'`)).rows[0]?.n);
    const firings = (await db.query<{ outcome: string }>(`SELECT outcome FROM schedule_firings ORDER BY id`)).rows.map((r) => r.outcome);
    // What happened in the store: one run queued, one job, one firing.
    expect({ queued, jobs, firings }).toEqual({ queued: 1, jobs: 1, firings: ['started'] });
    // What the tick says: it must either report that one run, or fail saying the connection was lost.
    // Before the fix: the statement ran twice (retry on a new connection), the second found nothing due, and the
    // tick reported { enqueued: 0 }: a lie about what it did.
    expect(outcome).not.toMatchObject({ enqueued: 0 });
  }, 60_000);
});
