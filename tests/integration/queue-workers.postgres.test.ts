import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runQueueName } from '../../core/queue/queue-config';
import { RunQueue } from '../../core/queue/run-queue';
import { usePostgres } from '../helpers/postgres';
import { insertQueuedRun, QUEUE_TEST_SCHEMA } from '../helpers/queue-test-executor';
import { startWorker, type WorkerChild } from '../helpers/queue-workers';
import { until } from '../helpers/wait';

/**
 * Team mode's job queue (pg-boss 12.38) with real PostgreSQL 15 and real
 * worker processes: dedup per engine+scope, sharing, drain, crash, dead letters.
 */
const server = usePostgres();
let url = '';
let pool: pg.Pool;
let queue: RunQueue;
const workers: WorkerChild[] = [];
const ENGINE = 'toy';

async function enqueueRun(engine: string, scope: string) {
  const { runId, joined } = await insertQueuedRun(pool, engine, scope);
  if (joined) return { runId, joined, outcome: undefined };
  return { runId, joined, outcome: await queue.enqueue({ runId, engine, scope }) };
}

const count = async (sql: string, params: unknown[] = []) => Number((await pool.query<{ n: string }>(sql, params)).rows[0]?.n ?? 0);

beforeAll(async () => {
  url = await server().createDatabase('queue_workers');
  pool = new pg.Pool({ connectionString: url, max: 4 });
  await pool.query(QUEUE_TEST_SCHEMA);
  queue = new RunQueue({ connectionString: url, timing: { heartbeatSeconds: 10, retryLimit: 2, retryDelaySeconds: 1, retryDelayMaxSeconds: 2 }, superviseIntervalSeconds: 2 });
  await queue.start();
  await queue.ensureEngine(ENGINE);
}, 60_000);

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

  it('three worker processes share 120 jobs: none lost, none run twice, no duplicate product row', async () => {
    const env = { QUEUE_URL: url, ENGINES: ENGINE, CONCURRENCY: '3', WORK_MS: '100', ITEMS: '4' };
    workers.push(...(await Promise.all([startWorker(env), startWorker(env), startWorker(env)])));
    for (let i = 0; i < 120; i += 1) await enqueueRun(ENGINE, `user:u${i}@example.com`);
    await until(async () => (await count(`SELECT count(*) AS n FROM test_runs WHERE state = 'succeeded'`)) === 120, 90_000, 'all 120 runs succeeded');
    expect(await count(`SELECT count(*) AS n FROM executions`)).toBe(120);
    expect(await count(`SELECT count(DISTINCT run_id) AS n FROM executions WHERE finished_at IS NOT NULL`)).toBe(120);
    expect(await count(`SELECT count(DISTINCT worker) AS n FROM executions`)).toBe(3);
    expect(await count(`SELECT count(*) AS n FROM product_rows`)).toBe(480);
    await until(async () => (await count(`SELECT count(*) AS n FROM pgboss.job WHERE name = $1 AND state = 'completed'`, [runQueueName(ENGINE)])) === 120, 10_000, 'jobs completed');
  }, 120_000);
});
