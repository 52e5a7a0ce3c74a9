import type { RunJobData } from './run-job';

/** One attempt of a run job, as a worker hands it to the executor. */
export interface RunAttempt extends RunJobData {
  /** The queue's job id. */
  readonly jobId: string;
  /** 1 for the first attempt, 2 after one retry, ... */
  readonly attempt: number;
  /**
   * The job was put back from the dead-letter queue by a human (console retry):
   * its run already ended failed, so the executor starts a new run of the same
   * engine+scope (joining one already active) rather than re-opening history.
   */
  readonly redriven: boolean;
  /** The worker executing it (workers table id), for the run's events. */
  readonly workerId: string;
  /**
   * Aborted when the worker drains past its grace period or pg-boss finds the
   * job's claim gone (its heartbeat lapsed and another worker may hold it):
   * stop writing and return.
   */
  readonly signal: AbortSignal;
}

/**
 * Executes a run the store already holds. Contract, which the queue relies on:
 * - Resolves once the run is finished in the store (succeeded, partial,
 *   failed as the engine's own outcome, cancelled): the job completes.
 * - Throws for a failure worth another attempt (the run's lease is still held
 *   by a live owner, the store or a service is unreachable): pg-boss retries
 *   with backoff, and after the last retry the job goes to the dead-letter queue
 *   with this error.
 * - Attempt 2+ of a job whose earlier worker was lost reclaims the same run id
 *   once the run's own owner lease expired, and records an event naming the
 *   attempt, this host and the lost worker; a run already finished is left as
 *   it is (the job just completes), so a crash between finishing the run and
 *   completing the job never runs it twice.
 * - Engines' writes are idempotent (unique keys, DESIGN.md §4.8), so the work
 *   a lost attempt already did is not written twice by the next.
 */
export interface RunExecutor {
  execute(attempt: RunAttempt): Promise<void>;
  /**
   * Called once when the job failed for the last time (it goes to the dead
   * letter queue), so the run row ends `failed` with the error instead of
   * waiting in `queued` or `running`.
   */
  giveUp?(attempt: RunJobData & { readonly jobId: string }, error: string): Promise<void>;
  /**
   * Ends the queued runs that no live job has carried (`carriers`: what an engine's live jobs carry,
   * RunQueue.liveCarriers) for `graceMs`, as this executor saw them on its earlier calls: times are `nowMs` of
   * one monotonic clock, so no two machines' clocks are ever compared (a run's created_at is the console's).
   * giveUp is best effort: a store unreachable at that moment, or a start that died between its INSERT and its
   * send, leaves a queued run nobody will take, holding its scope's single flight. Every worker checks on its
   * heartbeat. Returns the run ids it ended.
   */
  endStranded?(graceMs: number, carriers: (engine: string) => Promise<JobCarriers>, nowMs: number): Promise<number[]>;
}

/** What an engine's live jobs carry: their engine+scope keys (runJobKey) and run ids. */
export interface JobCarriers {
  readonly keys: ReadonlySet<string>;
  readonly runIds: ReadonlySet<number>;
}

/**
 * Thrown by an attempt whose run another worker took over (this worker stalled past its lease): the attempt
 * stops quietly. The worker neither gives the job up (a dead letter would fail the other worker's run) nor
 * reports it as done; pg-boss fences this stale attempt's settle on its retry count.
 */
export class AttemptSupersededError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'AttemptSupersededError';
  }
}
