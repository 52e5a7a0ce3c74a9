import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PgBossTeamStatus } from '../../core/queue/pgboss-team-status';
import { deadQueueName, runQueueName } from '../../core/queue/queue-config';
import { RunQueue } from '../../core/queue/run-queue';
import { WorkersRepo } from '../../core/queue/workers.repo';
import { pgStoreQueries } from '../helpers/pg-store-queries';
import { usePostgres } from '../helpers/postgres';
import { insertQueuedRun, QUEUE_TEST_SCHEMA } from '../helpers/queue-test-executor';
import { startWorker, type WorkerChild } from '../helpers/queue-workers';
import { until, untilEvery } from '../helpers/wait';

/**
 * Team mode's job queue (pg-boss 12.38) with real PostgreSQL 15 and real
 * worker processes: dedup per engine+scope, sharing, drain, crash, dead letters.
 */
const server = usePostgres();
let url = '';
let pool: pg.Pool;
let queue: RunQueue;
let team: PgBossTeamStatus;
const workers: WorkerChild[] = [];
const ENGINE = 'toy';

async function enqueueRun(engine: string, scope: string) {
  const { runId, joined } = await insertQueuedRun(pool, engine, scope);
  if (joined) return { runId, joined, job: undefined };
  return { runId, joined, job: await queue.enqueueQueuedRun({ runId, engine, scope }) };
}

const count = async (sql: string, params: unknown[] = []) => Number((await pool.query<{ n: string }>(sql, params)).rows[0]?.n ?? 0);

beforeAll(async () => {
  url = await server().createDatabase('queue_workers');
  // Named, so the connection-killing test can spare the test's own reads.
  pool = new pg.Pool({ connectionString: url, max: 4, application_name: 'queue-test' });
  pool.on('error', () => undefined);
  await pool.query(QUEUE_TEST_SCHEMA);
  queue = new RunQueue({ connectionString: url, timing: { heartbeatSeconds: 10, retryLimit: 2, retryDelaySeconds: 1, retryDelayMaxSeconds: 2 }, superviseIntervalSeconds: 2 });
  await queue.start();
  await queue.ensureEngine(ENGINE);
  team = new PgBossTeamStatus({ queue, workers: new WorkersRepo(pgStoreQueries(pool)), workerLeaseMs: 3_000 });
}, 60_000);

// NODE_COMPILE_CACHE: Node's compile cache for the worker processes, which all load the same modules (child-node.ts).
const baseEnv = () => ({ QUEUE_URL: url, CONCURRENCY: '2', WORK_MS: '100', ITEMS: '4', DRAIN_MS: '10000' });
async function spawnWorker(env: Record<string, string>): Promise<WorkerChild> {
  const worker = await startWorker({ ...baseEnv(), ...env });
  workers.push(worker);
  return worker;
}
const runOf = async (runId: number) =>
  (await pool.query<{ state: string; owner: string | null; attempt: number; events: string[]; error: string | null }>(`SELECT state, owner, attempt, events, error FROM test_runs WHERE id = $1`, [runId])).rows[0];

afterAll(async () => {
  await Promise.all(workers.map((w) => w.stop('SIGKILL')));
  await queue?.stop({ graceful: false, timeoutMs: 1000 });
  await pool?.end();
});

describe('run jobs in pg-boss', () => {
  it('a second request for one engine+scope joins the first run: one job, one run, even from two senders at once', async () => {
    const [a, b] = await Promise.all([enqueueRun(ENGINE, 'user:dedup@example.com'), enqueueRun(ENGINE, 'user:dedup@example.com')]);
    expect(a?.runId).toBe(b?.runId);
    expect(await count(`SELECT count(*) AS n FROM test_runs WHERE scope = 'user:dedup@example.com'`)).toBe(1);
    // The queue's own refusal, apart from the store's: a second job for the key is not inserted.
    const again = await queue.enqueue({ runId: a.runId, engine: ENGINE, scope: 'user:dedup@example.com' });
    expect(again).toMatchObject({ queued: false, heldByRunId: a.runId });
    expect(await count(`SELECT count(*) AS n FROM pgboss.job WHERE name = $1 AND singleton_key = $2`, [runQueueName(ENGINE), `${ENGINE}:user:dedup@example.com`])).toBe(1);
    await pool.query(`DELETE FROM pgboss.job WHERE name = $1`, [runQueueName(ENGINE)]);
    await pool.query(`DELETE FROM test_runs`);
  });

  it('the queue alone refuses a second job for an engine+scope, whichever of two racing senders wins', async () => {
    const scope = 'user:race@example.com';
    const outcomes = await Promise.all([901, 902, 903].map((runId) => queue.enqueue({ runId, engine: ENGINE, scope })));
    const winners = outcomes.filter((o) => o.queued);
    expect(winners).toHaveLength(1);
    const jobs = await pool.query<{ run_id: number }>(`SELECT (data->>'runId')::int AS run_id FROM pgboss.job WHERE name = $1 AND singleton_key = $2`, [runQueueName(ENGINE), `${ENGINE}:${scope}`]);
    expect(jobs.rows).toHaveLength(1);
    for (const loser of outcomes.filter((o) => !o.queued)) expect(loser).toMatchObject({ heldByRunId: jobs.rows[0]?.run_id });
    await pool.query(`DELETE FROM pgboss.job WHERE name = $1`, [runQueueName(ENGINE)]);
  });

  it('a new run whose scope key is still held by the job of the run that just finished waits for that job, then is sent; a key that stays held fails loudly', async () => {
    const scope = 'user:handover@example.com';
    await queue.enqueue({ runId: 950, engine: ENGINE, scope });
    // The old run's worker completes its job a moment later.
    setTimeout(() => void pool.query(`UPDATE pgboss.job SET state = 'completed', completed_on = now() WHERE name = $1 AND (data->>'runId')::int = 950`, [runQueueName(ENGINE)]), 300);
    const sent = await queue.enqueueQueuedRun({ runId: 951, engine: ENGINE, scope });
    expect(sent.jobId).toMatch(/^[0-9a-f-]{36}$/);
    // Sending the same run again joins its own job.
    expect(await queue.enqueueQueuedRun({ runId: 951, engine: ENGINE, scope })).toEqual(sent);
    await expect(queue.enqueueQueuedRun({ runId: 952, engine: ENGINE, scope }, { waitMs: 300 })).rejects.toThrow(/still holds job .* \(run 951\)/);
    await pool.query(`DELETE FROM pgboss.job WHERE name = $1`, [runQueueName(ENGINE)]);
  });

  it('three worker processes share 1,000 per-user jobs: none lost, none run twice, no duplicate product row', async () => {
    const jobs = 1000;
    const env = { ENGINES: ENGINE, CONCURRENCY: '3', WORK_MS: '30', ITEMS: '2' };
    // The jobs are sent while the workers start (they wait in the queue), rather than after.
    const fleet = Promise.all([spawnWorker(env), spawnWorker(env), spawnWorker(env)]);
    const started = Date.now();
    for (let i = 0; i < jobs; i += 1) await enqueueRun(ENGINE, `user:u${i}@example.com`);
    await fleet;
    // Every 100 ms: a count over the runs every 10 ms took CPU from the workers it waits for.
    await untilEvery(100, async () => (await count(`SELECT count(*) AS n FROM test_runs WHERE state = 'succeeded'`)) === jobs, 180_000, `all ${jobs} runs succeeded`);
    console.log(`queue: ${jobs} jobs enqueued and run by 3 workers in ${Date.now() - started} ms (workers started meanwhile)`);
    expect(await count(`SELECT count(*) AS n FROM executions`)).toBe(jobs);
    expect(await count(`SELECT count(DISTINCT run_id) AS n FROM executions WHERE finished_at IS NOT NULL`)).toBe(jobs);
    expect(await count(`SELECT count(DISTINCT worker) AS n FROM executions`)).toBe(3);
    expect(await count(`SELECT count(*) AS n FROM product_rows`)).toBe(2 * jobs);
    await until(async () => (await count(`SELECT count(*) AS n FROM pgboss.job WHERE name = $1 AND state = 'completed'`, [runQueueName(ENGINE)])) === jobs, 10_000, 'jobs completed');

    // What the console's Workers page reads.
    const alive = (await team.workers()).filter((w) => w.alive);
    expect(alive.map((w) => w.id).sort()).toEqual(workers.map((w) => w.id).sort());
    expect(alive.every((w) => w.engines.join() === ENGINE && w.concurrency === 3 && !w.draining)).toBe(true);
    expect((await team.depth()).find((d) => d.engine === ENGINE)).toEqual({ engine: ENGINE, queued: 0, active: 0, deadLetter: 0 });
    const buckets = await team.throughput(new Date(Date.now() - 600_000).toISOString(), 5);
    expect(buckets.filter((b) => b.engine === ENGINE).reduce((sum, b) => sum + b.completed, 0)).toBe(jobs);
    await Promise.all(workers.splice(0).map((w) => w.stop('SIGTERM')));
  }, 240_000);

  // The next four tests run side by side: each has its own engine (so its own queue and workers), scope and rows, and
  // each reads only those. This one waits out a 10 s lease; the other three fit in that wait.
  it.concurrent('SIGKILL of a worker mid-job: another worker takes the job after its lease and finishes the same run', async ({ expect }) => {
    const engine = 'crash';
    await queue.ensureEngine(engine);
    // An item a second: the first row comes after 1 s (3 s before, at 40 items in 120 s); killed as soon as it is
    // seen, the worker is gone long before a fifth item (the rows must stay the rescuer's 4).
    const doomed = await spawnWorker({ ENGINES: engine, WORK_MS: '40000', ITEMS: '40' });
    const { runId } = await enqueueRun(engine, 'user:crash@example.com');
    await until(async () => (await count(`SELECT count(*) AS n FROM product_rows WHERE scope = 'user:crash@example.com'`)) >= 1, 60_000, 'the doomed worker wrote part of the run');
    const killedAt = Date.now();
    expect(await doomed.stop('SIGKILL')).toBe(null);
    const rescuer = await spawnWorker({ ENGINES: engine, WORK_MS: '400' });
    await until(async () => (await runOf(runId))?.state === 'succeeded', 60_000, 'the run finished by another worker');
    const run = await runOf(runId);
    expect(run).toMatchObject({ owner: rescuer.id, attempt: 2 });
    expect(run?.events).toEqual([`attempt 2 on ${rescuer.id}; worker ${doomed.id} lost`]);
    // After the job's lease, not before: heartbeatSeconds 10 counted from the last refresh, which
    // came at most 5 s (half of it) before the kill.
    expect(Date.now() - killedAt).toBeGreaterThanOrEqual(5_000);
    // Idempotent writes: the rows the killed attempt wrote are not doubled.
    expect(await count(`SELECT count(*) AS n FROM product_rows WHERE scope = 'user:crash@example.com'`)).toBe(4);
    expect(await count(`SELECT count(*) AS n FROM executions WHERE run_id = $1`, [runId])).toBe(2);
    // The killed worker shows lost on the Workers page.
    await until(async () => (await team.workers()).some((w) => w.id === doomed.id && !w.alive), 10_000, 'killed worker shown lost');
  }, 120_000);

  it.concurrent('SIGTERM drains: the worker takes no new job, finishes the one it holds, marks itself stopped and exits 0', async ({ expect }) => {
    const engine = 'drain';
    await queue.ensureEngine(engine);
    const worker = await spawnWorker({ ENGINES: engine, CONCURRENCY: '1', WORK_MS: '3000', DRAIN_MS: '20000' });
    const first = await enqueueRun(engine, 'user:first@example.com');
    await until(async () => (await runOf(first.runId))?.state === 'running', 30_000, 'first run taken');
    const second = await enqueueRun(engine, 'user:second@example.com');
    const exitCode = await worker.stop('SIGTERM');
    expect(exitCode).toBe(0);
    expect(await runOf(first.runId)).toMatchObject({ state: 'succeeded', owner: worker.id });
    expect(await runOf(second.runId)).toMatchObject({ state: 'queued', owner: null });
    const row = (await team.workers()).find((w) => w.id === worker.id);
    expect(row).toMatchObject({ draining: true, alive: false, running: 0 });
    expect((await team.depth()).find((d) => d.engine === engine)).toMatchObject({ queued: 1, active: 0 });
    // The job it never took is there for the next worker.
    const next = await spawnWorker({ ENGINES: engine, WORK_MS: '100' });
    await until(async () => (await runOf(second.runId))?.state === 'succeeded', 30_000, 'second run done by the next worker');
    expect((await runOf(second.runId))?.owner).toBe(next.id);
  }, 120_000);

  it.concurrent('SIGTERM past the drain deadline releases the held job: another worker retries it, the same run', async ({ expect }) => {
    const engine = 'release';
    await queue.ensureEngine(engine);
    const slow = await spawnWorker({ ENGINES: engine, CONCURRENCY: '1', WORK_MS: '120000', DRAIN_MS: '1500' });
    const { runId } = await enqueueRun(engine, 'user:release@example.com');
    await until(async () => (await runOf(runId))?.state === 'running', 30_000, 'run taken');
    expect(await slow.stop('SIGTERM')).toBe(0);
    const job = await pool.query<{ state: string; output: string }>(`SELECT state::text AS state, output::text AS output FROM pgboss.job WHERE name = $1`, [runQueueName(engine)]);
    expect(job.rows[0]?.state).toBe('retry');
    expect(job.rows[0]?.output).toMatch(/shut down while active/);
    const other = await spawnWorker({ ENGINES: engine, WORK_MS: '200' });
    await until(async () => (await runOf(runId))?.state === 'succeeded', 30_000, 'released run finished by another worker');
    expect(await runOf(runId)).toMatchObject({ owner: other.id, attempt: 2 });
  }, 120_000);

  it.concurrent('a job that keeps failing lands in the dead-letter queue with its error; retry puts it back and it runs', async ({ expect }) => {
    const engine = 'dead';
    await queue.ensureEngine(engine);
    const scope = 'user:broken@example.com';
    await pool.query(`INSERT INTO failing_scopes (scope) VALUES ($1)`, [scope]);
    await spawnWorker({ ENGINES: engine });
    const { runId } = await enqueueRun(engine, scope);
    await until(async () => (await team.depth()).find((d) => d.engine === engine)?.deadLetter === 1, 60_000, 'job dead-lettered');
    expect(await count(`SELECT count(*) AS n FROM executions WHERE run_id = $1`, [runId])).toBe(3); // first try + retryLimit 2
    expect(await runOf(runId)).toMatchObject({ state: 'failed', error: `the service refused ${scope} (HTTP 500)` });
    const page = await team.deadLetters({ limit: 10, offset: 0 });
    const dead = page.items.find((d) => d.engine === engine);
    expect(dead).toMatchObject({ engine, scope, runId, attempts: 3, error: `the service refused ${scope} (HTTP 500)` });
    const buckets = await team.throughput(new Date(Date.now() - 600_000).toISOString(), 60);
    expect(buckets.find((b) => b.engine === engine)).toMatchObject({ failed: 1, completed: 0 });

    // The service is fixed; the admin retries the dead letter.
    await pool.query(`DELETE FROM failing_scopes WHERE scope = $1`, [scope]);
    expect(await team.retryDeadLetter(dead?.jobId ?? '')).toBe(true);
    expect(await team.retryDeadLetter(dead?.jobId ?? '')).toBe(false); // no longer dead
    await until(async () => (await count(`SELECT count(*) AS n FROM test_runs WHERE scope = $1 AND state = 'succeeded'`, [scope])) === 1, 30_000, 'retried run succeeded');
    const retried = await pool.query<{ events: string[] }>(`SELECT events FROM test_runs WHERE scope = $1 AND state = 'succeeded'`, [scope]);
    expect(retried.rows[0]?.events).toEqual([`retry of run ${runId}`]);
    expect((await team.depth()).find((d) => d.engine === engine)).toMatchObject({ deadLetter: 0, queued: 0 });
    expect(await count(`SELECT count(*) AS n FROM pgboss.job WHERE name = $1`, [deadQueueName(engine)])).toBe(0);
  }, 120_000);

  it('database connections killed (pg_terminate_backend) while workers run: they recover, nothing lost or doubled', async () => {
    const engine = 'chaos';
    await queue.ensureEngine(engine);
    const env = { ENGINES: engine, CONCURRENCY: '2', WORK_MS: '300', ITEMS: '3', RETRY_LIMIT: '10' };
    const fleet = await Promise.all([spawnWorker(env), spawnWorker(env), spawnWorker(env)]);
    const runIds: number[] = [];
    for (let i = 0; i < 60; i += 1) runIds.push((await enqueueRun(engine, `user:chaos${i}@example.com`)).runId);
    for (let round = 0; round < 4; round += 1) {
      await new Promise((resolve) => setTimeout(resolve, 700));
      const killed = await pool.query(
        `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid() AND application_name <> 'queue-test' AND backend_type = 'client backend'`,
      );
      expect(killed.rowCount).toBeGreaterThan(0);
    }
    await until(async () => (await count(`SELECT count(*) AS n FROM test_runs WHERE engine = $1 AND state = 'succeeded'`, [engine])) === 60, 90_000, 'all 60 runs succeeded');
    expect(fleet.every((w) => w.child.exitCode === null && w.child.signalCode === null)).toBe(true);
    expect(await count(`SELECT count(*) AS n FROM product_rows WHERE scope LIKE 'user:chaos%'`)).toBe(180);
    // Each run finished exactly once, whatever attempts the killed connections cost.
    expect(await count(`SELECT count(*) AS n FROM (SELECT run_id FROM executions WHERE run_id = ANY($1) AND finished_at IS NOT NULL GROUP BY run_id HAVING count(*) > 1) d`, [runIds])).toBe(0);
    // A job whose run finished while its connection was killed, before pg-boss heard of it, goes back to the queue as
    // a retry after its retry delay (1-2 s here): a worker then finds its run finished and completes it without running
    // it again (the exactly-once count, asked again below). CI once read the queue in that delay (queued: 1).
    await until(async () => {
      const depth = (await team.depth()).find((d) => d.engine === engine);
      return depth?.active === 0 && depth.queued === 0;
    }, 60_000, 'the queue drained');
    expect((await team.depth()).find((d) => d.engine === engine)).toEqual({ engine, queued: 0, active: 0, deadLetter: 0 });
    expect(await count(`SELECT count(*) AS n FROM (SELECT run_id FROM executions WHERE run_id = ANY($1) AND finished_at IS NOT NULL GROUP BY run_id HAVING count(*) > 1) d`, [runIds])).toBe(0);
    await Promise.all(fleet.map(async (w) => expect(await w.stop('SIGTERM')).toBe(0)));
  }, 240_000);
});
