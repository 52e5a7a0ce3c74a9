import { join } from 'node:path';
import pg from 'pg';
import { mailImportEngine } from '../core/engines/mail-import';
import { runQueueName } from '../core/queue/queue-config';
import { RunQueue } from '../core/queue/run-queue';
import { QUEUE_TEST_SCHEMA } from '../tests/helpers/queue-test-executor';
import type { TestPostgres } from '../tests/helpers/postgres-server';
import { eachLimited } from './harness';
import { startChild } from './emulator-child';
import { processFigures } from './workers-figures';

/**
 * The queue alone: `jobs` run jobs through pg-boss into one worker process
 * whose executor does nothing (queue-floor-worker.child.ts). What one slot
 * spends per job there is the queue's own cost per job: the figure the
 * scaling formula calls queue overhead. Also measured: how fast jobs are
 * enqueued (what a schedule tick or a console can send).
 */
export interface QueueFloorFigures {
  jobs: number;
  concurrency: number;
  enqueuePerSecond: number;
  jobsPerSecond: number;
  /** Window × concurrency / jobs: a slot's time per job with an empty handler, over the whole round (ramp and tail included). */
  slotMsPerJob: number;
  /** The same between the 10th and 90th percentile completion: a worker working through a backlog, without its start and end. */
  steadySlotMsPerJob: number;
  /** pg-boss's own started_on → completed_on, mean: what a held job costs beyond the handler. */
  heldMsMean: number;
  workerCpuMsPerJob: number;
  workerPeakRssMb: number;
}

export async function runQueueFloor(pgServer: TestPostgres, name: string, jobs: number, concurrency: number, pollingSeconds?: number): Promise<QueueFloorFigures> {
  const url = await pgServer.createDatabase(`queue_floor_${name}`);
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  await admin.query(QUEUE_TEST_SCHEMA);
  // The same engine's queue as the measured rounds; its id and queue name from the product, never spelled here.
  const engine = mailImportEngine.id;
  const queueName = runQueueName(engine);
  const queue = new RunQueue({ connectionString: url });
  try {
    await queue.start();
    await queue.ensureEngine(engine);
    const enqueueStart = performance.now();
    await eachLimited(Array.from({ length: jobs }, (_, i) => i), 8, async (i) => {
      await queue.enqueue({ runId: i + 1, engine, scope: `user:u${i}` });
    });
    const enqueueSeconds = (performance.now() - enqueueStart) / 1000;
    const { child } = await startChild<{ id: string }>(join(__dirname, 'queue-floor-worker.child.ts'), [url, engine, String(concurrency), ...(pollingSeconds ? [String(pollingSeconds)] : [])]);
    try {
      const count = async () => Number((await admin.query<{ n: string }>(`SELECT count(*) AS n FROM pgboss.job WHERE name = $1 AND state = 'completed'`, [queueName])).rows[0]?.n ?? 0);
      const deadline = performance.now() + 30 * 60_000;
      while ((await count()) < jobs && performance.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 500));
      const kernel = child.pid === undefined ? undefined : processFigures(child.pid);
      const [timing] = (
        await admin.query<{ window_ms: number; held_ms: number; done: string; steady_ms: number }>(
          `SELECT extract(epoch FROM max(completed_on) - min(started_on)) * 1000 AS window_ms,
                  avg(extract(epoch FROM completed_on - started_on)) * 1000 AS held_ms, count(*) AS done,
                  (percentile_cont(0.9) WITHIN GROUP (ORDER BY extract(epoch FROM completed_on))
                   - percentile_cont(0.1) WITHIN GROUP (ORDER BY extract(epoch FROM completed_on))) * 1000 AS steady_ms
             FROM pgboss.job WHERE name = $1 AND state = 'completed'`,
          [queueName],
        )
      ).rows;
      const windowMs = Number(timing?.window_ms ?? 0);
      const done = Number(timing?.done ?? 0);
      const round1 = (value: number) => Math.round(value * 10) / 10;
      return {
        jobs: done,
        concurrency,
        enqueuePerSecond: Math.round(jobs / enqueueSeconds),
        jobsPerSecond: round1(done / Math.max(windowMs / 1000, 0.001)),
        slotMsPerJob: round1((windowMs * concurrency) / Math.max(1, done)),
        steadySlotMsPerJob: round1((Number(timing?.steady_ms ?? 0) * concurrency) / Math.max(1, done * 0.8)),
        heldMsMean: round1(Number(timing?.held_ms ?? 0)),
        workerCpuMsPerJob: round1(((kernel?.cpuSeconds ?? 0) * 1000) / Math.max(1, done)),
        workerPeakRssMb: kernel?.peakRssMb ?? 0,
      };
    } finally {
      child.kill('SIGTERM');
    }
  } finally {
    await queue.stop({ graceful: false, timeoutMs: 1000 });
    await admin.end();
  }
}
