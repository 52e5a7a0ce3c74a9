import type { Queue } from 'pg-boss';

/**
 * Names and policies of the run queues. One queue per engine, so depth,
 * throughput and dead letters read per engine, and `--engines` picks queues.
 */
const RUN_QUEUE_PREFIX = 'sw.run.';
const DEAD_QUEUE_PREFIX = 'sw.dead.';

export function runQueueName(engine: string): string {
  return RUN_QUEUE_PREFIX + engine;
}

export function deadQueueName(engine: string): string {
  return DEAD_QUEUE_PREFIX + engine;
}

/** The engine id of a run or dead-letter queue name, or undefined for another queue. */
export function engineOfQueue(name: string): { engine: string; dead: boolean } | undefined {
  if (name.startsWith(RUN_QUEUE_PREFIX)) return { engine: name.slice(RUN_QUEUE_PREFIX.length), dead: false };
  if (name.startsWith(DEAD_QUEUE_PREFIX)) return { engine: name.slice(DEAD_QUEUE_PREFIX.length), dead: true };
  return undefined;
}

/**
 * The job key of a run: one per engine and scope. Engine ids never hold ':',
 * so the first ':' splits it back.
 */
export function runJobKey(engine: string, scope: string): string {
  return `${engine}:${scope}`;
}

export interface RunQueueTiming {
  /**
   * The job's lease: a worker refreshes it every half of this; a job whose
   * heartbeat is older is failed and retried by another worker (pg-boss
   * minimum 10 s). A killed worker's job is picked up after at most this plus
   * the supervisor interval.
   */
  heartbeatSeconds: number;
  /** Hard bound on one attempt, heartbeat or not (a run that hangs while heartbeating). */
  expireInSeconds: number;
  /** Attempts after the first before the job goes to its dead-letter queue. */
  retryLimit: number;
  /** First retry delay in seconds, doubled with jitter per attempt (retryBackoff). */
  retryDelaySeconds: number;
  retryDelayMaxSeconds: number;
}

export const DEFAULT_RUN_QUEUE_TIMING: RunQueueTiming = {
  heartbeatSeconds: 30,
  expireInSeconds: 6 * 60 * 60,
  retryLimit: 3,
  retryDelaySeconds: 10,
  retryDelayMaxSeconds: 600,
};

/**
 * Policy `exclusive`: at most one job per singletonKey that is queued, waiting
 * for a retry or active (pg-boss's unique index job_i6 on (name, singleton_key)
 * WHERE state <= 'active'). A second `send` for the same engine+scope then
 * inserts nothing and resolves null: it is refused at the database, whichever
 * machine sends it, and the caller joins the run the first job carries.
 * `stately` would let one queued job wait behind an active one, a second run
 * of the same scope, which the store's single flight refuses anyway.
 */
export function runQueueOptions(engine: string, timing: RunQueueTiming): Omit<Queue, 'name'> {
  return {
    policy: 'exclusive',
    // Wakes listening workers when a job is sent, instead of after their polling interval.
    notify: true,
    deadLetter: deadQueueName(engine),
    heartbeatSeconds: timing.heartbeatSeconds,
    expireInSeconds: timing.expireInSeconds,
    retryLimit: timing.retryLimit,
    retryDelay: timing.retryDelaySeconds,
    retryBackoff: true,
    retryDelayMax: timing.retryDelayMaxSeconds,
  };
}

/** Dead letters wait for a human: kept 30 days, never retried on their own, never worked. */
export function deadQueueOptions(): Omit<Queue, 'name'> {
  return { policy: 'standard', retryLimit: 0, retentionSeconds: 30 * 24 * 3600, deleteAfterSeconds: 30 * 24 * 3600 };
}
