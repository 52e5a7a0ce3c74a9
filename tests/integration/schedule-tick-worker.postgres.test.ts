import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSyncwarden, type Syncwarden } from '../../core/app/app';
import { runQueueName } from '../../core/queue/queue-config';
import { QueueWorker } from '../../core/queue/queue-worker';
import { runHostExecutor } from '../../core/queue/run-host-executor';
import { runManagerHost } from '../../core/queue/run-manager-host';
import { RunQueue } from '../../core/queue/run-queue';
import { WorkersRepo } from '../../core/queue/workers.repo';
import { teamTick } from '../../core/team/team-tick';
import { PG_PASSWORD, usePostgres } from '../helpers/postgres';
import { makeTempDir } from '../helpers/temp-dir';
import { until } from '../helpers/wait';

/**
 * A job the SQL tick (syncwarden_enqueue_due) inserts is the same job the
 * queue module sends from JS (same queue, key, data, policy, retries, dead
 * letter, lease), and a real QueueWorker over a real PostgreSQL store takes
 * it on its next poll (the queue opens no LISTEN connection: run-queue.ts) and executes the run
 * through the registry. A cron-expression schedule keeps firing: the JS fill before each
 * tick gives it its next slot.
 */
const server = usePostgres();
const dir = makeTempDir();
let url = '';
let app: Syncwarden;
let queue: RunQueue;
let worker: QueueWorker;
let db: pg.Client;

const JOB_COLUMNS = `name, singleton_key, priority, policy, dead_letter, retry_limit, retry_delay, retry_backoff, retry_delay_max,
  expire_seconds, deletion_seconds, heartbeat_seconds, blocked, blocking, pending_dependencies, group_id, group_tier, singleton_on,
  extract(epoch FROM keep_until - start_after)::integer AS keep_seconds, (SELECT array_agg(k ORDER BY k) FROM jsonb_object_keys(data) k) AS data_keys`;

beforeAll(async () => {
  url = await server().createDatabase('tick_worker');
  process.env.PGPASSWORD = PG_PASSWORD;
  app = await createSyncwarden({ dataDir: dir.path, host: 'cli', withDemoEngine: true, heartbeatMs: 100, store: `postgres://postgres@127.0.0.1:${server().port}/tick_worker` });
  db = new pg.Client({ connectionString: url });
  await db.connect();
  queue = new RunQueue({ connectionString: url, superviseIntervalSeconds: 2 });
  await queue.start();
  worker = new QueueWorker({
    queue,
    workers: new WorkersRepo(app.store.db),
    executor: runHostExecutor(runManagerHost(app.runs, app.store)),
    engines: ['demo'],
    // Room for every job at once: none waits for a free slot.
    concurrency: 4,
    heartbeatMs: 200,
    // The only wake-up (no LISTEN connection): the tick's NOTIFY stays for a listener, none listens now.
    pollingIntervalSeconds: 1,
  });
  await worker.start();
}, 90_000);

afterAll(async () => {
  await worker?.drain(2_000); // stops its queue too
  await db?.end();
  await app?.close();
  dir.remove();
});

const runOfSchedule = async (id: number) => (await db.query<{ run: number | null }>(`SELECT last_run_id::integer AS run FROM schedules WHERE id = $1`, [id])).rows[0]?.run ?? null;

describe('team mode: a schedule fired by SQL is executed by a real worker like a run sent from JS', () => {
  it('the SQL job has the JS job’s shape; the worker takes it at once and the run succeeds; a cron schedule fires again after the fill', async () => {
    const long = new Date(Date.now() - 10 * 60_000).toISOString();
    const interval = await app.store.schedules.insert(
      { engine: 'demo', scope: { kind: 'all' }, trigger: { kind: 'interval', minutes: 5 }, timeZone: 'UTC', enabled: true, autoRepair: false, params: { items: 4, scope: 'interval-scope' } },
      'manual',
      long,
    );
    // A job sent from JS, for comparison (another scope).
    const js = await app.runs.startInQueue('demo', { items: 1, scope: 'from-js' }, 'manual', async (run) => void (await queue.enqueueQueuedRun(run)));

    const tick = await teamTick({ store: app.store, engines: app.engines, nowMs: () => Date.now() });
    expect(tick).toMatchObject({ filled: 1, invalid: 0, enqueued: 1 });
    const intervalRun = await runOfSchedule(interval);
    expect(intervalRun).not.toBeNull();

    // Same columns as pg-boss's own insert for the queue module's send (the JS job may already be taken: its
    // state and timestamps differ, its contract does not).
    const shapes = (await db.query(`SELECT data->>'runId' AS run_id, ${JOB_COLUMNS} FROM pgboss.job WHERE name = $1 ORDER BY created_on`, [runQueueName('demo')])).rows as Array<Record<string, unknown>>;
    const byRun = new Map(shapes.map(({ run_id, ...shape }) => [Number(run_id), shape]));
    const jsShape = byRun.get(js.runId);
    expect(jsShape).toMatchObject({ policy: 'exclusive', dead_letter: 'sw.dead.demo', retry_backoff: true });
    expect(byRun.get(Number(intervalRun))).toEqual({ ...jsShape, singleton_key: expect.stringMatching(/^demo:/) as string });

    // The worker takes the SQL job on its next poll and the run manager executes it.
    for (const runId of [js.runId, Number(intervalRun)]) {
      await until(async () => (await app.store.runs.get(runId))?.state === 'succeeded', 20_000, `run ${runId} executed by the worker`);
    }
    const events = (await app.store.runEvents.list(Number(intervalRun))).map((e) => e.message);
    expect(events).toEqual(expect.arrayContaining(['queued by schedule (team mode: waiting for a worker)', 'running', 'succeeded']));

    // A cron-expression schedule: its slot comes from the JS fill (SQL has no cron reader), it fires, it runs.
    const cron = await app.store.schedules.insert(
      { engine: 'demo', scope: { kind: 'all' }, trigger: { kind: 'cron', expression: '* * * * *' }, timeZone: 'Europe/Paris', enabled: true, autoRepair: false, params: { items: 2, scope: 'cron-scope' } },
      'manual',
      long,
    );
    expect(await teamTick({ store: app.store, engines: app.engines, nowMs: () => Date.now() })).toMatchObject({ filled: 1, enqueued: 1 });
    const cronRun = Number(await runOfSchedule(cron));
    await until(async () => (await app.store.runs.get(cronRun))?.state === 'succeeded', 20_000, `run ${cronRun} executed by the worker`);

    // The SQL left the cron schedule without a slot; the fill before the next tick gives it the next minute.
    expect((await db.query(`SELECT next_run_at FROM schedules WHERE id = $1`, [cron])).rows[0]).toEqual({ next_run_at: null });
    const again = await teamTick({ store: app.store, engines: app.engines, nowMs: () => Date.now() });
    expect(again.filled).toBe(1);
    const next = (await db.query<{ next_run_at: string }>(`SELECT next_run_at FROM schedules WHERE id = $1`, [cron])).rows[0]?.next_run_at ?? '';
    expect(Date.parse(next)).toBeGreaterThan(Date.now() - 60_000);
    expect(Date.parse(next) % 60_000).toBe(0);
  }, 90_000);
});
