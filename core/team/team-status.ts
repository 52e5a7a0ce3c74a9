/**
 * What team mode (a PostgreSQL store, a job queue, N `syncwarden worker`
 * processes) tells a console about its machinery. The queue module implements
 * it; the contract's team methods and the Workers page only read through it,
 * so neither knows which job queue library sits underneath.
 */
export interface TeamWorker {
  /** Unique per worker process (host, pid and a random part). */
  readonly id: string;
  readonly host: string;
  readonly pid: number;
  /** Engine ids this worker takes jobs for. */
  readonly engines: readonly string[];
  readonly concurrency: number;
  /** Jobs it holds right now. */
  readonly running: number;
  readonly startedAt: string;
  readonly heartbeatAt: string;
  /** False once its heartbeat lease has expired (a killed or partitioned worker). */
  readonly alive: boolean;
  /** Set while it drains after SIGTERM: it takes no new jobs. */
  readonly draining: boolean;
}

export interface TeamQueueDepth {
  readonly engine: string;
  /** Waiting to be taken (including retries waiting out their delay). */
  readonly queued: number;
  readonly active: number;
  readonly deadLetter: number;
}

/** Jobs finished per engine in one time bucket: the throughput and failure charts. */
export interface TeamThroughputBucket {
  /** ISO start of the bucket. */
  readonly at: string;
  readonly engine: string;
  readonly completed: number;
  readonly failed: number;
}

export interface TeamDeadLetter {
  /** The queue's own job id. */
  readonly jobId: string;
  readonly engine: string;
  readonly scope: string;
  /** The console run the job carried, when one was created. */
  readonly runId: number | null;
  readonly attempts: number;
  /** The last attempt's error, in the service's or engine's own words. */
  readonly error: string;
  readonly failedAt: string;
}

export interface TeamStatusSource {
  workers(): Promise<TeamWorker[]>;
  depth(): Promise<TeamQueueDepth[]>;
  throughput(sinceIso: string, bucketMinutes: number): Promise<TeamThroughputBucket[]>;
  deadLetters(page: { limit: number; offset: number }): Promise<{ items: TeamDeadLetter[]; total: number }>;
  /** Puts a dead-letter job back in its queue; false when it is no longer dead (retried by someone else). */
  retryDeadLetter(jobId: string): Promise<boolean>;
}
