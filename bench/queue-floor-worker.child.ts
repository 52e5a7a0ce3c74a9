import pg from 'pg';
import { QueueWorker, runWorkerUntilSignal } from '../core/queue/queue-worker';
import { RunQueue } from '../core/queue/run-queue';
import { WorkersRepo } from '../core/queue/workers.repo';
import { pgStoreQueries } from '../tests/helpers/pg-store-queries';

/**
 * The queue floor's worker process: the product's QueueWorker and RunQueue
 * (pg-boss, the same work() options as `syncwarden worker`) with an empty
 * executor, so a job costs only what the queue costs: fetch, heartbeat set-up,
 * complete, and the worker loop's own waits. Args: store URL, engine id, concurrency,
 * polling interval in seconds (the worker's default when omitted).
 * Prints READY once registered; drains and exits on SIGTERM.
 */
async function main(): Promise<void> {
  const [, , url, engine, concurrencyArg, pollArg] = process.argv;
  if (!url || !engine) throw new Error('usage: queue-floor-worker.child.ts <store url> <engine id> <concurrency> [polling seconds]');
  const pool = new pg.Pool({ connectionString: url, max: 2 });
  pool.on('error', () => undefined);
  const queue = new RunQueue({ connectionString: url, onError: (error) => process.stderr.write(`queue error: ${error.message}\n`) });
  const worker = new QueueWorker({
    queue,
    workers: new WorkersRepo(pgStoreQueries(pool)),
    executor: { execute: async () => undefined },
    engines: [engine],
    concurrency: Number(concurrencyArg ?? 4),
    ...(pollArg ? { pollingIntervalSeconds: Number(pollArg) } : {}),
  });
  const done = runWorkerUntilSignal(worker, 10_000);
  while (!(await pool.query('SELECT 1 FROM workers WHERE id = $1', [worker.id])).rowCount) await new Promise((resolve) => setTimeout(resolve, 50));
  process.stdout.write(`${JSON.stringify({ id: worker.id })}\n`);
  await done;
  await pool.end();
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`queue floor worker failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  },
);
