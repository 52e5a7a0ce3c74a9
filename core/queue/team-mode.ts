import type { Logger } from '../logging/logger';
import type { StoreQueries } from '../store/store-db';
import type { TeamStatusSource } from '../team/team-status';
import { PgBossTeamStatus } from './pgboss-team-status';
import { RunQueue } from './run-queue';
import { WorkersRepo } from './workers.repo';

/** What a host hands createSyncwarden for team mode (SyncwardenOptions.teamMode). */
export interface TeamModeParts {
  /** Queues a run for the workers; the receipt's notice is shown where the run was started. */
  teamQueue: (run: { runId: number; engine: string; scope: string }) => Promise<TeamQueueReceipt>;
  team: TeamStatusSource;
  /** Stops this process's queue connection (after the app's runs stopped, before the store closes). */
  close(): Promise<void>;
}

export interface TeamQueueReceipt {
  /** Set when no live worker takes the run's engine: the run waits, and the admin must know why. */
  notice?: string;
}

export const NO_WORKER_NOTICE = 'queued — no worker is running; start one with `syncwarden worker`';

export interface StartTeamModeOptions {
  /** postgres://… of the team store (no password in it). */
  url: string;
  password?: string;
  /** The store's own queries: the workers table lives in the store. */
  db: StoreQueries;
  log: Logger;
  /** A worker row older than this is forgotten (default 1 day); pruned when this process starts and hourly. */
  pruneAfterMs?: number;
  /** Heartbeat age after which a worker counts as lost (default 30 s, PgBossTeamStatus's). */
  workerLeaseMs?: number;
}

/**
 * Team mode for one console process (desktop, `syncwarden serve`, a CLI command):
 * ONE pg-boss connection per process, started with the app and stopped on its
 * close. Consoles only send jobs and read status; `syncwarden worker` works them
 * with its own RunQueue. Errors of the connection (a killed backend, a restart)
 * are logged, never thrown into the process: pg-boss reconnects by itself, and a
 * start that failed is tried again at the next send.
 */
export async function startTeamMode(options: StartTeamModeOptions): Promise<TeamModeParts> {
  const log = options.log.child({ module: 'team-queue' });
  const queue = new RunQueue({
    connectionString: options.url,
    ...(options.password === undefined ? {} : { password: options.password }),
    instanceName: 'syncwarden-console',
    poolSize: 3,
    onError: (error) => log.warn({ err: error }, 'job queue connection error (it reconnects)'),
  });
  const workers = new WorkersRepo(options.db);
  const team = new PgBossTeamStatus({ queue, workers, ...(options.workerLeaseMs === undefined ? {} : { workerLeaseMs: options.workerLeaseMs }) });

  let started: Promise<void> | undefined;
  const ensureStarted = (): Promise<void> => {
    started ??= queue.start().catch((error: unknown) => {
      started = undefined;
      throw error;
    });
    return started;
  };
  try {
    await ensureStarted();
  } catch (error) {
    // The store answered, the queue did not (its schema being migrated by another machine, a cut): the
    // console opens anyway; a run started meanwhile tries again and fails loudly if the queue still refuses.
    log.error({ err: error }, 'the job queue did not start; runs will try again when started');
  }

  const pruneAfterMs = options.pruneAfterMs ?? 24 * 60 * 60_000;
  const prune = async () => {
    try {
      const pruned = await workers.prune(new Date(Date.now() - pruneAfterMs).toISOString());
      if (pruned) log.info({ pruned }, 'forgot workers not heard of for a day');
    } catch (error) {
      log.warn({ err: error }, 'pruning the workers table failed; the next hour tries again');
    }
  };
  await prune();
  const pruneTimer = setInterval(() => void prune(), 60 * 60_000);
  pruneTimer.unref();

  return {
    team,
    async teamQueue(run) {
      await ensureStarted();
      await queue.enqueueQueuedRun(run);
      const live = (await team.workers()).filter((worker) => worker.alive && !worker.draining && worker.engines.includes(run.engine));
      return live.length ? {} : { notice: NO_WORKER_NOTICE };
    },
    async close() {
      clearInterval(pruneTimer);
      try {
        await queue.stop({ graceful: false, timeoutMs: 5_000 });
      } catch (error) {
        log.warn({ err: error }, 'stopping the job queue failed');
      }
    },
  };
}
