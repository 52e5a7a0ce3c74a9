import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openCliApp } from '../../core/cli/context';
import type { RunQueueTiming } from '../../core/queue/queue-config';
import { QueueWorker } from '../../core/queue/queue-worker';
import { runHostExecutor } from '../../core/queue/run-host-executor';
import { runManagerHost } from '../../core/queue/run-manager-host';
import { RunQueue } from '../../core/queue/run-queue';
import { WorkersRepo } from '../../core/queue/workers.repo';

/**
 * A team-mode worker inside the test process: what `syncwarden worker` wires (its own app on the team store with
 * team mode off, its own pg-boss connection, QueueWorker over the run manager), in a data dir of its own as on
 * another machine. For tests whose subject is a console's run on a PostgreSQL store, not the worker process.
 */
export async function startInProcessWorker(options: { store: string; engines?: readonly string[]; timing?: Partial<RunQueueTiming>; strandedAfterMs?: number }): Promise<{ stop(): Promise<void> }> {
  const dataDir = mkdtempSync(join(tmpdir(), 'sw-worker-'));
  const app = await openCliApp({ dataDir, store: options.store, withDemoEngine: true, teamMode: false }, 'cli');
  const queue = new RunQueue({ connectionString: options.store, ...(options.timing ? { timing: options.timing } : {}), superviseIntervalSeconds: 2 });
  const worker = new QueueWorker({
    queue,
    workers: new WorkersRepo(app.store.db),
    executor: runHostExecutor(runManagerHost(app.runs, app.store)),
    engines: options.engines ?? ['demo'],
    concurrency: 2,
    pollingIntervalSeconds: 1,
    ...(options.strandedAfterMs === undefined ? {} : { strandedAfterMs: options.strandedAfterMs }),
  });
  await worker.start();
  return {
    async stop() {
      await worker.drain(5_000);
      await app.dispose();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
