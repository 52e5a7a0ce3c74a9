import { join } from 'node:path';
import pg from 'pg';
import { createSyncwarden, type Syncwarden } from '../core/app/app';
import { EnvSecretStore } from '../core/secrets/env.secret-store';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { RunQueue } from '../core/queue/run-queue';
import { QUEUE_TEST_SCHEMA } from '../tests/helpers/queue-test-executor';
import { eachLimited } from './harness';
import { TEST_CLIENT } from '../tests/emulators/google/test-support';
import { GOOGLE_CONNECTION, PRODUCT_CONNECTION, type WorkersRound, type WorkersWorld } from './workers-world';

/**
 * The team's connections, as an admin adds them on a headless set-up: no
 * secret values (every process reads them from its environment,
 * SYNCWARDEN_SECRET_NAME_<NAME>_<FIELD>), so workers on any machine use them.
 */
export async function addTeamConnections(app: Syncwarden, world: WorkersWorld, round: WorkersRound): Promise<void> {
  await app.connections.create({ kind: 'appdb', name: PRODUCT_CONNECTION, config: { driver: 'postgres', url: round.productUrl, sslMode: 'disable' }, secrets: {} });
  await app.connections.create({ kind: 'google', name: GOOGLE_CONNECTION, config: { clientId: TEST_CLIENT.clientId, rootUrl: world.google.rootUrl, tokenUrl: world.google.tokenUrl }, secrets: {} });
}

/** A console on the team store: it enqueues the round's jobs and says how a worker joins. */
export interface TeamConsole {
  /** What runs the round's workers (named in the figures). */
  readonly kind: 'syncwarden worker' | 'team worker child' | 'stand-in';
  /** Enqueues one mail-import job per user u0..u(jobs-1), as the schedules' tick does; resolves once all are queued. */
  enqueue(jobs: number): Promise<void>;
  /** The node arguments of one worker process on this store. */
  workerCommand(concurrency: number): string[];
  /** Environment a worker process needs beyond the world's (the store's location). */
  readonly workerEnv?: Record<string, string>;
  close(): Promise<void>;
}

/**
 * The stand-in team (workers-standin.child.ts): the product's queue and
 * QueueWorker with the real engine, each worker on a run store of its own;
 * its finished runs land in the round's `runs` table. Jobs are sent as a
 * console's runs.start sends them (RunQueue.enqueue, key per engine+scope).
 */
export async function openStandInTeam(world: WorkersWorld, round: WorkersRound): Promise<TeamConsole> {
  const admin = new pg.Client({ connectionString: round.storeUrl });
  await admin.connect();
  await admin.query(QUEUE_TEST_SCHEMA);
  await admin.query(`CREATE TABLE runs (id serial PRIMARY KEY, engine text NOT NULL, scope text NOT NULL, state text NOT NULL, started_at text, finished_at text)`);
  await admin.end();
  const queue = new RunQueue({ connectionString: round.storeUrl });
  await queue.start();
  await queue.ensureEngine('mail-import');
  return {
    kind: 'stand-in',
    async enqueue(jobs) {
      await eachLimited(Array.from({ length: jobs }, (_, i) => i), 8, async (i) => {
        const sent = await queue.enqueue({ runId: i + 1, engine: 'mail-import', scope: `user:u${i}` });
        if (!sent.queued) throw new Error(`job of user:u${i} refused: ${JSON.stringify(sent)}`);
      });
    },
    workerCommand: (concurrency) => ['--import', 'tsx', join(__dirname, 'workers-standin.child.ts'), JSON.stringify({ storeUrl: round.storeUrl, concurrency, google: world.google, round })],
    close: () => queue.stop({ graceful: false, timeoutMs: 1000 }),
  };
}

/**
 * Team mode as the product runs it: the store on PostgreSQL, a console that
 * starts each user's run in the queue (runs.startInQueue: the queued run row,
 * then its pg-boss job), and worker processes whose run managers adopt and
 * execute the runs (workers-team-worker.child.ts, composed as `syncwarden
 * worker` is). The console's password comes from PGPASSWORD, as a worker's does.
 */
export async function openTeam(world: WorkersWorld, round: WorkersRound): Promise<TeamConsole> {
  const storeUrl = withoutPassword(round.storeUrl);
  // The console reads the store's password as every team process does: PGPASSWORD (this cluster's, throwaway).
  process.env.PGPASSWORD = world.env.PGPASSWORD;
  const dataDir = mkdtempSync(join(tmpdir(), 'syncwarden-team-console-'));
  const queue = new RunQueue({ connectionString: round.storeUrl });
  await queue.start();
  await queue.ensureEngine('mail-import');
  // A console in team mode: every runs.start queues the run for a worker (RunManagerDeps.teamQueue).
  const teamQueue = async (run: { runId: number; engine: string; scope: string }) => void (await queue.enqueueQueuedRun(run));
  const app = await createSyncwarden({ dataDir, host: 'browser', store: storeUrl, teamQueue, secrets: new EnvSecretStore({ ...process.env, ...world.env }) });
  await addTeamConnections(app, world, round);
  const cli = existsSync(CLI_ENTRY) && !process.argv.includes('--worker-child');
  return {
    kind: cli ? 'syncwarden worker' : 'team worker child',
    async enqueue(jobs) {
      await eachLimited(Array.from({ length: jobs }, (_, i) => i), 8, async (i) => {
        const started = await app.runs.start('mail-import', { mode: 'import', user: `u${i}` }, 'schedule');
        if (started.alreadyRunning) throw new Error(`user u${i} joined a run already queued: the round's store is not fresh`);
      });
    },
    // The store URL reaches the worker as SYNCWARDEN_STORE (worker-env); its password as PGPASSWORD.
    workerCommand: (concurrency) =>
      cli
        ? [BIN, 'worker', '--concurrency', String(concurrency), '--engines', 'mail-import']
        : ['--import', 'tsx', join(__dirname, 'workers-team-worker.child.ts'), storeUrl, round.storeUrl, String(concurrency)],
    workerEnv: { SYNCWARDEN_STORE: storeUrl, SYNCWARDEN_HOME: dataDir },
    async close() {
      await queue.stop({ graceful: false, timeoutMs: 1000 });
      await app.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

const BIN = join(__dirname, '..', 'bin', 'syncwarden.js');
/** What bin/syncwarden.js loads: `npm run build` makes it (the benchmark uses the composed child without it). */
const CLI_ENTRY = join(__dirname, '..', 'out', 'main', 'cli.js');

function withoutPassword(url: string): string {
  const parsed = new URL(url);
  parsed.password = '';
  return parsed.toString();
}
