import { existsSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSyncwarden, type Syncwarden } from '../core/app/app';
import { mailImportEngine } from '../core/engines/mail-import';
import { RunQueue } from '../core/queue/run-queue';
import { EnvSecretStore } from '../core/secrets/env.secret-store';
import { TEST_CLIENT } from '../tests/emulators/google/test-support';
import { eachLimited } from './harness';
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
  /** Enqueues one mail-import job per user u0..u(jobs-1), as the schedules' tick does; resolves once all are queued. */
  enqueue(jobs: number): Promise<void>;
  /** The node arguments of one worker process on this store. */
  workerCommand(concurrency: number): string[];
  /** Environment a worker process needs beyond the world's (the store's location). */
  readonly workerEnv?: Record<string, string>;
  close(): Promise<void>;
}

/**
 * Team mode as the product runs it: the store on PostgreSQL, a console that
 * starts each user's run in the queue (runs.startInQueue: the queued run row,
 * then its pg-boss job), and worker processes whose run managers adopt and
 * execute the runs (`syncwarden worker`, the built CLI: `npm run build`
 * first; a build older than core/ is refused, so a round never measures stale
 * code). The console's password comes from PGPASSWORD, as a worker's does.
 */
export async function openTeam(world: WorkersWorld, round: WorkersRound): Promise<TeamConsole> {
  assertFreshBuild();
  const storeUrl = withoutPassword(round.storeUrl);
  // The console reads the store's password as every team process does: PGPASSWORD (this cluster's, throwaway).
  process.env.PGPASSWORD = world.env.PGPASSWORD;
  const dataDir = mkdtempSync(join(tmpdir(), 'syncwarden-team-console-'));
  const queue = new RunQueue({ connectionString: round.storeUrl });
  await queue.start();
  await queue.ensureEngine(mailImportEngine.id);
  // A console in team mode: every runs.start queues the run for a worker (RunManagerDeps.teamQueue).
  const teamQueue = async (run: { runId: number; engine: string; scope: string }) => void (await queue.enqueueQueuedRun(run));
  const app = await createSyncwarden({ dataDir, host: 'browser', store: storeUrl, teamQueue, secrets: new EnvSecretStore({ ...process.env, ...world.env }) });
  await addTeamConnections(app, world, round);
  return {
    async enqueue(jobs) {
      await eachLimited(Array.from({ length: jobs }, (_, i) => i), 8, async (i) => {
        const started = await app.runs.start(mailImportEngine.id, { mode: 'import', user: `u${i}` }, 'schedule');
        if (started.alreadyRunning) throw new Error(`user u${i} joined a run already queued: the round's store is not fresh`);
      });
    },
    // The store URL reaches the worker as SYNCWARDEN_STORE (worker-env); its password as PGPASSWORD.
    workerCommand: (concurrency) => [BIN, 'worker', '--concurrency', String(concurrency), '--engines', mailImportEngine.id],
    workerEnv: { SYNCWARDEN_STORE: storeUrl, SYNCWARDEN_HOME: dataDir },
    async close() {
      await queue.stop({ graceful: false, timeoutMs: 1000 });
      await app.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

const BIN = join(__dirname, '..', 'bin', 'syncwarden.js');
/** What bin/syncwarden.js loads: `npm run build` makes it. */
const CLI_ENTRY = join(__dirname, '..', 'out', 'main', 'cli.js');

/** The workers run the built CLI: refuse a missing build, or one older than a file of core/. */
function assertFreshBuild(): void {
  if (!existsSync(CLI_ENTRY)) throw new Error('workers bench: the CLI is not built (npm run build): the workers are `syncwarden worker` processes');
  const built = statSync(CLI_ENTRY).mtimeMs;
  const newer = readdirSync(join(__dirname, '..', 'core'), { recursive: true, encoding: 'utf8' }).find((file) => file.endsWith('.ts') && statSync(join(__dirname, '..', 'core', file)).mtimeMs > built);
  if (newer) throw new Error(`workers bench: core/${newer} is newer than the CLI build: run npm run build, or the workers would run old code`);
}

function withoutPassword(url: string): string {
  const parsed = new URL(url);
  parsed.password = '';
  return parsed.toString();
}
