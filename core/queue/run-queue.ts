import type pg from 'pg';
import { lazyModule } from '../base/lazy-module';
import { guardedClient, loadPg, withPassword } from '../base/pg-driver';
import type * as PgBossModule from 'pg-boss';
import type { PgBoss, ConstructorOptions } from 'pg-boss';
import { DEFAULT_RUN_QUEUE_TIMING, deadQueueName, deadQueueOptions, runJobKey, runQueueName, runQueueOptions, type RunQueueTiming } from './queue-config';
import type { JobCarriers } from './run-executor';
import type { RunJobData } from './run-job';

/** pg-boss, required when a queue is opened (team mode only). */
const loadPgBoss = lazyModule<typeof PgBossModule>('pg-boss');

/**
 * The team-mode job queue: pg-boss in the store's PostgreSQL database (its own
 * `pgboss` schema), one queue per engine plus its dead-letter queue. Nothing
 * here is home-made: leases are pg-boss heartbeats, fetching is its
 * `FOR UPDATE SKIP LOCKED`, dedup is its `exclusive` policy's unique index.
 */
export interface RunQueueOptions {
  /** postgres://… of the team store. */
  connectionString: string;
  /** The store's password when it is not in PGPASSWORD (a desktop console's keychain). */
  password?: string;
  timing?: Partial<RunQueueTiming>;
  /**
   * How often pg-boss's supervisor looks for jobs whose heartbeat or expiry
   * lapsed (default 10 s; pg-boss's own default is 60 s, too slow for a
   * killed worker's job to be picked up "after its lease").
   */
  superviseIntervalSeconds?: number;
  /** Connections in this process's pool (default 10). */
  poolSize?: number;
  /** Name shown in pg-boss's instance registry. */
  instanceName?: string;
  onError?: (error: Error) => void;
}

export type EnqueueOutcome =
  /** A new job now carries the run. */
  | { readonly queued: true; readonly jobId: string }
  /** A job for this engine+scope is already queued or active; it carries `heldByRunId` (null when unreadable). */
  | { readonly queued: false; readonly heldByJobId: string | null; readonly heldByRunId: number | null };

export class RunQueue {
  readonly boss: PgBoss;
  readonly timing: RunQueueTiming;
  /** A small pool of our own for reads of pg-boss's tables that its API does not answer (team status). */
  readonly reads: pg.Pool;
  private readonly ensured = new Set<string>();

  constructor(options: RunQueueOptions) {
    this.timing = { ...DEFAULT_RUN_QUEUE_TIMING, ...options.timing };
    const supervise = options.superviseIntervalSeconds ?? 10;
    // `Client` is passed through to pg-boss's own pool: every pooled connection has an 'error' listener from birth
    // (pg-driver.ts guardedClient).
    const config: ConstructorOptions & { Client: typeof pg.Client } = {
      Client: guardedClient(),
      // In the URL, not beside it: pg drops a separate password next to a URL without one (withPassword).
      connectionString: withPassword(options.connectionString, options.password),
      max: options.poolSize ?? 10,
      superviseIntervalSeconds: supervise,
      monitorIntervalSeconds: supervise,
      // The console's own schedules (pg_cron) start runs; pg-boss's cron stays off.
      schedule: false,
      instanceName: options.instanceName ?? 'syncwarden',
      // The queue stats cache feeds the workers' burst mode (queue-worker.ts): refreshed often.
      queueCacheIntervalSeconds: 5,
      // No LISTEN connection: pg-boss makes it a plain pg.Client (the guarded `Client` above never reaches it) and
      // strips its listeners before ending it, so a FATAL 57P01 arriving then (a restart, a terminated session) was
      // an unheard 'error' that crashed a draining worker (outside attack, session 14). Workers poll every second
      // (pollingIntervalSeconds) instead: a new job waits at most that long.
      useListenNotify: false,
    };
    this.boss = new (loadPgBoss().PgBoss)(config);
    this.reads = new (loadPg().Pool)({ Client: guardedClient(), connectionString: withPassword(options.connectionString, options.password), max: 2, application_name: 'syncwarden-queue-reads' });
    this.reads.on('error', (error: Error) => options.onError?.(error));
    // pg-boss emits 'error' for a lost connection, a failed heartbeat, a failed poll; it
    // retries by itself, and an 'error' with no listener would crash the process.
    this.boss.on('error', (error: Error) => options.onError?.(error));
  }

  /** Installs or migrates pg-boss's schema (idempotent, advisory-locked) and starts its timers. */
  async start(): Promise<void> {
    await this.boss.start();
  }

  /** Creates an engine's run queue and dead-letter queue once; safe from any number of machines. */
  async ensureEngine(engine: string): Promise<void> {
    if (this.ensured.has(engine)) return;
    const dead = deadQueueName(engine);
    const name = runQueueName(engine);
    if (!(await this.boss.getQueue(dead))) await this.createIgnoringRace(dead, deadQueueOptions());
    if (!(await this.boss.getQueue(name))) await this.createIgnoringRace(name, runQueueOptions(engine, this.timing));
    this.ensured.add(engine);
  }

  /**
   * Sends the job that carries a queued run. The queue refuses a second job
   * for the same engine+scope while one is queued, waiting for a retry or
   * active; the caller then joins that job's run (the store's single flight
   * normally answered first: this is the second line, across machines).
   */
  async enqueue(run: RunJobData): Promise<EnqueueOutcome> {
    await this.ensureEngine(run.engine);
    const key = runJobKey(run.engine, run.scope);
    const jobId = await this.boss.send(runQueueName(run.engine), { ...run }, { singletonKey: key });
    if (jobId) return { queued: true, jobId };
    // The job that holds the key (it may finish meanwhile: then nothing holds it and the caller may send again).
    const held = await this.reads.query<{ id: string; run_id: unknown }>(
      `SELECT id, data->'runId' AS run_id FROM pgboss.job WHERE name = $1 AND singleton_key = $2 AND state <= 'active' LIMIT 1`,
      [runQueueName(run.engine), key],
    );
    const holder = held.rows[0];
    const runId = holder?.run_id;
    return { queued: false, heldByJobId: holder?.id ?? null, heldByRunId: typeof runId === 'number' ? runId : null };
  }

  /**
   * What this engine's live jobs (waiting, waiting for a retry, or being worked: pg-boss states before
   * `completed`) carry: their engine+scope keys and run ids. A queued run matching neither has no job that
   * will ever hand it to a worker.
   */
  async liveCarriers(engine: string): Promise<JobCarriers> {
    const live = await this.reads.query<{ singleton_key: string | null; run_id: unknown }>(
      `SELECT singleton_key, data->'runId' AS run_id FROM pgboss.job WHERE name = $1 AND state < 'completed'`,
      [runQueueName(engine)],
    );
    const keys = new Set<string>();
    const runIds = new Set<number>();
    for (const row of live.rows) {
      if (row.singleton_key !== null) keys.add(row.singleton_key);
      if (typeof row.run_id === 'number') runIds.add(row.run_id);
    }
    return { keys, runIds };
  }

  /**
   * Sends the job of a run the store has just queued. The store's single flight
   * already made this the only active run of its engine+scope, so a job still
   * holding the key belongs to a run that has just finished and is being
   * completed by its worker: wait for it (bounded) instead of leaving this run
   * queued with no job. A refusal by this same run's job means it was sent
   * already (a retried request). Throws when the key stays held, so the caller
   * can fail the run with that reason rather than strand it.
   */
  async enqueueQueuedRun(run: RunJobData, options: { waitMs?: number } = {}): Promise<{ jobId: string | null }> {
    const deadline = Date.now() + (options.waitMs ?? 5_000);
    for (let delay = 50; ; delay = Math.min(delay * 2, 1_000)) {
      const outcome = await this.enqueue(run);
      if (outcome.queued) return { jobId: outcome.jobId };
      if (outcome.heldByRunId === run.runId) return { jobId: outcome.heldByJobId };
      // heldByJobId null: the holder completed between the refusal and the read; send again now.
      if (outcome.heldByJobId !== null && Date.now() + delay > deadline) {
        throw new Error(`the queue still holds job ${outcome.heldByJobId} (run ${outcome.heldByRunId ?? '?'}) for ${run.engine} ${run.scope}`);
      }
      if (outcome.heldByJobId !== null) await new Promise((resolve) => setTimeout(resolve, delay));
    }
  }

  async stop(options: { graceful: boolean; timeoutMs: number }): Promise<void> {
    try {
      await this.boss.stop({ graceful: options.graceful, timeout: options.timeoutMs, close: true });
    } finally {
      await this.reads.end();
    }
  }

  private async createIgnoringRace(name: string, options: Parameters<PgBoss['createQueue']>[1]): Promise<void> {
    try {
      await this.boss.createQueue(name, options);
    } catch (error) {
      // Two machines creating the same queue at once: the loser finds it there.
      if (!(await this.boss.getQueue(name))) throw error;
    }
  }
}
