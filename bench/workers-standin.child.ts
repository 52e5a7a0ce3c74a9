import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { createSyncwarden } from '../core/app/app';
import { QueueWorker, runWorkerUntilSignal } from '../core/queue/queue-worker';
import { RunQueue } from '../core/queue/run-queue';
import { WorkersRepo } from '../core/queue/workers.repo';
import { EnvSecretStore } from '../core/secrets/env.secret-store';
import { pgStoreQueries } from '../tests/helpers/pg-store-queries';
import { addTeamConnections } from './workers-team';
import type { WorkersRound, WorkersWorld } from './workers-world';

/**
 * A stand-in for `syncwarden worker` until team mode's run host lands: the
 * product's QueueWorker and RunQueue (pg-boss, the same work() options) with
 * an executor that runs the real mail-import engine through this process's
 * run manager, on a store of its own (SQLite), and records each finished run
 * in the round's `runs` table, which the benchmark reads as it reads the team
 * store's. A failed run throws, so pg-boss retries it as it would the real one.
 * Args: JSON of { storeUrl, concurrency, google, round }. Secrets from the environment.
 */
interface StandInArgs {
  storeUrl: string;
  concurrency: number;
  google: WorkersWorld['google'];
  round: WorkersRound;
}

async function main(): Promise<void> {
  const args = JSON.parse(process.argv[2] ?? '{}') as StandInArgs;
  const dataDir = mkdtempSync(join(tmpdir(), 'syncwarden-standin-'));
  const app = await createSyncwarden({ dataDir, host: 'browser', secrets: new EnvSecretStore(process.env) });
  await addTeamConnections(app, { google: args.google } as WorkersWorld, args.round);
  const pool = new pg.Pool({ connectionString: args.storeUrl, max: 4 });
  pool.on('error', () => undefined);
  const queue = new RunQueue({ connectionString: args.storeUrl, onError: (error) => process.stderr.write(`queue error: ${error.message}\n`) });
  const worker = new QueueWorker({
    queue,
    workers: new WorkersRepo(pgStoreQueries(pool)),
    engines: ['mail-import'],
    concurrency: args.concurrency,
    executor: {
      async execute(attempt) {
        const user = attempt.scope.replace(/^user:/, '');
        const run = await app.runs.waitFor((await app.runs.start('mail-import', { mode: 'import', user }, 'schedule')).runId);
        await pool.query(`INSERT INTO runs (engine, scope, state, started_at, finished_at) VALUES ('mail-import', $1, $2, $3, $4)`, [attempt.scope, run?.state ?? 'lost', run?.startedAt ?? null, run?.finishedAt ?? null]);
        if (run?.state !== 'succeeded' && run?.state !== 'partial') throw new Error(`run ${run?.id} of ${attempt.scope} ended ${run?.state}: ${run?.error?.message ?? ''}`);
      },
    },
  });
  await runWorkerUntilSignal(worker, 30_000);
  await app.close();
  await pool.end();
  rmSync(dataDir, { recursive: true, force: true });
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`stand-in worker failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  },
);
