import { z } from 'zod';
import { pageOf, RunIdSchema } from './models';

/**
 * Team mode as the console sees it (issue 20): workers, queue depth per engine,
 * throughput and dead letters. These schemas mirror core/team/team-status.ts
 * (TeamStatusSource), which the queue module implements; the handler table's
 * typing checks that what the source returns fits them.
 */
export const StoreDialectSchema = z.enum(['sqlite', 'postgres']);

export const TeamStatusSchema = z.object({
  /** True when this host reads a job queue (a PostgreSQL store with `syncwarden worker` processes). */
  enabled: z.boolean(),
  /** Where the console store lives. */
  store: StoreDialectSchema,
  /** One sentence saying which, for a banner or the CLI. */
  message: z.string(),
});
export type TeamStatus = z.infer<typeof TeamStatusSchema>;

const instant = z.string();

export const TeamWorkerSchema = z.object({
  id: z.string(),
  host: z.string(),
  pid: z.number().int(),
  engines: z.array(z.string()).readonly(),
  concurrency: z.number().int().min(0),
  running: z.number().int().min(0),
  startedAt: instant,
  heartbeatAt: instant,
  alive: z.boolean(),
  draining: z.boolean(),
});
export type TeamWorkerInfo = z.infer<typeof TeamWorkerSchema>;

export const TeamQueueDepthSchema = z.object({
  engine: z.string(),
  queued: z.number().int().min(0),
  active: z.number().int().min(0),
  deadLetter: z.number().int().min(0),
});

export const TeamThroughputBucketSchema = z.object({
  at: instant,
  engine: z.string(),
  completed: z.number().int().min(0),
  failed: z.number().int().min(0),
});
export type TeamThroughputPoint = z.infer<typeof TeamThroughputBucketSchema>;

export const TeamDeadLetterSchema = z.object({
  jobId: z.string(),
  engine: z.string(),
  scope: z.string(),
  runId: RunIdSchema.nullable(),
  attempts: z.number().int().min(0),
  error: z.string(),
  failedAt: instant,
});
export type TeamDeadLetterInfo = z.infer<typeof TeamDeadLetterSchema>;

/** Bounds of `team.throughput`: at most 31 days back, buckets of 1 minute to 1 day, at most this many per engine. */
export const THROUGHPUT_MAX_DAYS = 31;
export const THROUGHPUT_MAX_BUCKETS = 2_000;

export const TeamThroughputInputSchema = z.strictObject({
  /** ISO start of the window (at most THROUGHPUT_MAX_DAYS ago). */
  since: z.iso.datetime({ offset: true }).max(40),
  bucketMinutes: z.number().int().min(1).max(24 * 60).default(15),
});

export const TeamDeadLettersInputSchema = z.strictObject({
  limit: z.number().int().min(1).max(200).default(50),
  offset: z.number().int().min(0).max(1_000_000).default(0),
});

export const TeamRetryInputSchema = z.strictObject({ jobId: z.string().min(1).max(200) });
export const TeamRetryResultSchema = z.object({
  jobId: z.string(),
  /** False when the job was no longer dead (another console retried it first): nothing changed. */
  retried: z.boolean(),
});

export const TeamDeadLettersPageSchema = pageOf(TeamDeadLetterSchema);

/**
 * The typed refusal of every team method but `team.status` when the store is
 * SQLite: an `unavailable` ApiError whose details carry this reason, so the
 * renderer and the CLI can tell "team mode is off" from a queue that failed.
 */
export const TEAM_MODE_OFF = 'team-mode-off';
export const TeamModeOffDetailsSchema = z.object({ reason: z.literal(TEAM_MODE_OFF), store: StoreDialectSchema });

/** The reason in an `unavailable` error's details when the queue's database could not be read (the driver's words are in the message). */
export const TEAM_QUEUE_UNREACHABLE = 'queue-unreachable';

/** Whether an error body (or a client error carrying one) is the team-mode-off refusal. */
export function isTeamModeOff(error: { code: string; details?: unknown } | null | undefined): boolean {
  return error?.code === 'unavailable' && TeamModeOffDetailsSchema.safeParse(error.details).success;
}
