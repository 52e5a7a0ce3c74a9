import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { JobWithMetadata } from 'pg-boss';
import { runQueueName } from './queue-config';
import { AttemptSupersededError, type RunExecutor } from './run-executor';
import { parseRunJobData } from './run-job';
import type { RunQueue } from './run-queue';
import type { WorkersRepo } from './workers.repo';

export interface QueueWorkerOptions {
  queue: RunQueue;
  workers: WorkersRepo;
  executor: RunExecutor;
  /** Engine ids whose queues this worker takes jobs from. */
  engines: readonly string[];
  /** Jobs held at once per engine queue. */
  concurrency: number;
  /** How often the workers-table row is refreshed (default 5 s). */
  heartbeatMs?: number;
  /**
   * How long this worker must see a queued run with no live job (on its own monotonic clock) before it ends it as
   * stranded (default 60 s): longer than a start takes from its INSERT to its send.
   */
  strandedAfterMs?: number;
  /** How often an idle worker polls each queue (pg-boss minimum 0.5 s; default 1 s). */
  pollingIntervalSeconds?: number;
  log?: (line: string) => void;
  now?: () => Date;
}

/**
 * One `syncwarden worker` process's job loop: pg-boss `work()` per engine
 * queue, the workers-table row with its heartbeat, and the drain SIGTERM asks
 * for. Everything about leases, retries and dead letters is pg-boss's.
 */
export class QueueWorker {
  readonly id: string;
  private running = 0;
  private heartbeatTimer: NodeJS.Timeout | undefined;
  private draining: Promise<void> | undefined;
  private readonly log: (line: string) => void;
  private readonly now: () => Date;

  constructor(private readonly options: QueueWorkerOptions) {
    if (options.engines.length === 0) throw new Error('a worker needs at least one engine');
    if (!Number.isInteger(options.concurrency) || options.concurrency < 1) throw new Error('concurrency must be a whole number of at least 1');
    this.id = `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`;
    this.log = options.log ?? (() => undefined);
    this.now = options.now ?? (() => new Date());
  }

  get held(): number {
    return this.running;
  }

  async start(): Promise<void> {
    const { queue, workers, engines, concurrency } = this.options;
    await queue.start();
    for (const engine of engines) await queue.ensureEngine(engine);
    await workers.register({ id: this.id, host: hostname(), pid: process.pid, engines, concurrency }, this.now().toISOString());
    this.heartbeatTimer = setInterval(() => void this.beat(), this.options.heartbeatMs ?? 5_000);
    this.heartbeatTimer.unref();
    for (const engine of engines) {
      await queue.boss.work(
        runQueueName(engine),
        {
          batchSize: 1,
          localConcurrency: concurrency,
          includeMetadata: true,
          // The only wake-up: the queue opens no LISTEN connection (run-queue.ts says why).
          pollingIntervalSeconds: this.options.pollingIntervalSeconds ?? 1,
          // With a backlog, a worker that just got a job fetches the next at once instead of waiting out
          // its polling interval (pg-boss ends the burst at the first empty fetch).
          burstWhenReadyExceeds: 1,
        },
        async (jobs: JobWithMetadata<unknown>[]) => {
          for (const job of jobs) await this.handle(job);
        },
      );
    }
    this.log(`worker ${this.id} takes ${engines.join(', ')} (concurrency ${concurrency} per engine)`);
  }

  /**
   * Stops taking jobs, gives held jobs `timeoutMs` to finish, then fails the
   * rest back to the queue (pg-boss's graceful stop: another worker retries
   * them) and marks this worker stopped. Safe to call twice.
   */
  drain(timeoutMs: number): Promise<void> {
    this.draining ??= this.doDrain(timeoutMs);
    return this.draining;
  }

  private async doDrain(timeoutMs: number): Promise<void> {
    const { queue, workers } = this.options;
    this.log(`worker ${this.id} draining (${this.running} job(s) held, up to ${Math.round(timeoutMs / 1000)} s)`);
    await workers.setDraining(this.id, this.now().toISOString()).catch((error: unknown) => this.log(`could not mark draining: ${String(error)}`));
    await queue.stop({ graceful: true, timeoutMs });
    clearInterval(this.heartbeatTimer);
    await workers.stopped(this.id, this.now().toISOString()).catch((error: unknown) => this.log(`could not mark stopped: ${String(error)}`));
    this.log(`worker ${this.id} stopped`);
  }

  private async beat(): Promise<void> {
    // The store is unreachable for a moment (a killed connection, a failover): the next beat retries each.
    try {
      await this.options.workers.heartbeat(this.id, this.running, this.now().toISOString());
    } catch (error) {
      this.log(`worker heartbeat failed: ${error instanceof Error ? error.message : String(error)}`);
      return;
    }
    try {
      await this.endStranded();
    } catch (error) {
      this.log(`the check for queued runs no job carries failed: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  /** Ends queued runs that no live job carries (RunExecutor.endStranded); each beat, so within seconds of the store coming back. */
  async endStranded(): Promise<number[]> {
    const { executor, queue } = this.options;
    if (!executor.endStranded) return [];
    const ended = await executor.endStranded(this.options.strandedAfterMs ?? 60_000, (engine) => queue.liveCarriers(engine), performance.now());
    for (const runId of ended) this.log(`run ${runId} ended failed: no job in the queue carried it any more`);
    return ended;
  }

  private async handle(job: JobWithMetadata<unknown>): Promise<void> {
    const data = parseRunJobData(job.data);
    const attempt = { ...data, jobId: job.id, attempt: job.retryCount + 1, redriven: job.sourceRootId !== null, workerId: this.id, signal: job.signal };
    this.running += 1;
    try {
      await this.options.executor.execute(attempt);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      if (error instanceof AttemptSupersededError) {
        // Another worker owns the run now: this stale attempt stops quietly (its settle is fenced by pg-boss).
        this.log(`job ${job.id}: ${message}`);
        throw error;
      }
      if (job.retryCount >= job.retryLimit) {
        // The last attempt: pg-boss moves the job to the dead-letter queue with this error.
        await this.options.executor.giveUp?.({ ...data, jobId: job.id }, message).catch(() => undefined);
      }
      throw error;
    } finally {
      this.running -= 1;
    }
  }
}

/**
 * Runs a worker until SIGTERM or SIGINT, then drains and resolves. A second
 * signal while draining is ignored (the drain has its own deadline).
 */
export async function runWorkerUntilSignal(worker: QueueWorker, drainTimeoutMs: number): Promise<void> {
  await worker.start();
  await new Promise<void>((resolve) => {
    const onSignal = () => {
      process.off('SIGTERM', onSignal);
      process.off('SIGINT', onSignal);
      resolve();
    };
    process.on('SIGTERM', onSignal);
    process.on('SIGINT', onSignal);
  });
  await worker.drain(drainTimeoutMs);
}
