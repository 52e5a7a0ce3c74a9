import pg from 'pg';
import { QueueWorker, runWorkerUntilSignal } from '../../core/queue/queue-worker';
import { RunQueue } from '../../core/queue/run-queue';
import { WorkersRepo } from '../../core/queue/workers.repo';
import { pgStoreQueries } from './pg-store-queries';
import { testExecutor } from './queue-test-executor';

/**
 * A worker process for the queue tests: the same QueueWorker and drain as
 * `syncwarden worker`, with the test executor. Env: QUEUE_URL, ENGINES,
 * CONCURRENCY, WORK_MS, ITEMS, DRAIN_MS, HEARTBEAT_S. Prints READY <id>.
 */
const env = (name: string, fallback?: string): string => {
  const value = process.env[name] ?? fallback;
  if (value === undefined) throw new Error(`${name} is not set`);
  return value;
};

async function main(): Promise<void> {
  const url = env('QUEUE_URL');
  const pool = new pg.Pool({ connectionString: url, max: 4 });
  pool.on('error', () => undefined); // a terminated idle connection: the pool replaces it
  const queue = new RunQueue({
    connectionString: url,
    timing: { heartbeatSeconds: Number(env('HEARTBEAT_S', '10')), retryLimit: Number(env('RETRY_LIMIT', '2')), retryDelaySeconds: 1, retryDelayMaxSeconds: 2 },
    superviseIntervalSeconds: 2,
    onError: (error) => process.stderr.write(`queue error: ${error.message}\n`),
  });
  const worker = new QueueWorker({
    queue,
    workers: new WorkersRepo(pgStoreQueries(pool)),
    executor: testExecutor(pool, { workMs: Number(env('WORK_MS', '200')), itemsPerRun: Number(env('ITEMS', '5')) }),
    engines: env('ENGINES', 'toy').split(','),
    concurrency: Number(env('CONCURRENCY', '2')),
    heartbeatMs: 500,
    pollingIntervalSeconds: 0.5,
    log: (line) => process.stdout.write(`${line}\n`),
  });
  const done = runWorkerUntilSignal(worker, Number(env('DRAIN_MS', '10000')));
  // start() ran inside runWorkerUntilSignal; report readiness once the row exists.
  const started = Date.now();
  while (Date.now() - started < 30_000) {
    const row = await pool.query(`SELECT 1 FROM workers WHERE id = $1`, [worker.id]).catch(() => ({ rowCount: 0 }));
    if (row.rowCount) break;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  process.stdout.write(`READY ${worker.id}\n`);
  await done;
  await pool.end();
  process.stdout.write('EXITED\n');
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`worker failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  },
);
