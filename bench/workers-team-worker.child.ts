import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSyncwarden } from '../core/app/app';
import { QueueWorker, runWorkerUntilSignal } from '../core/queue/queue-worker';
import { runHostExecutor } from '../core/queue/run-host-executor';
import { runManagerHost } from '../core/queue/run-manager-host';
import { RunQueue } from '../core/queue/run-queue';
import { WorkersRepo } from '../core/queue/workers.repo';
import { EnvSecretStore } from '../core/secrets/env.secret-store';

/**
 * A team-mode worker process composed as `syncwarden worker` composes one,
 * for as long as the CLI command is not on this branch: the app on the
 * PostgreSQL store (PGPASSWORD from the environment), its run manager as the
 * queue's run host, the QueueWorker over pg-boss in the store's database.
 * Args: store URL (no password), queue URL (with it), concurrency.
 * Secrets from the environment; drains and exits on SIGTERM.
 */
async function main(): Promise<void> {
  const [, , storeUrl, queueUrl, concurrencyArg] = process.argv;
  if (!storeUrl || !queueUrl) throw new Error('usage: workers-team-worker.child.ts <store url> <queue url> <concurrency>');
  const dataDir = mkdtempSync(join(tmpdir(), 'syncwarden-team-worker-'));
  const app = await createSyncwarden({ dataDir, host: 'cli', store: storeUrl, secrets: new EnvSecretStore(process.env) });
  const queue = new RunQueue({ connectionString: queueUrl, onError: (error) => process.stderr.write(`queue error: ${error.message}\n`) });
  const worker = new QueueWorker({
    queue,
    workers: new WorkersRepo(app.store.db),
    executor: runHostExecutor(runManagerHost(app.runs, app.store)),
    engines: ['mail-import'],
    concurrency: Number(concurrencyArg ?? 4),
    log: (line) => process.stderr.write(`${line}\n`),
  });
  await runWorkerUntilSignal(worker, 30_000);
  await app.close();
  rmSync(dataDir, { recursive: true, force: true });
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`team worker failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  },
);
