import { z } from 'zod';
import { ScheduleTriggerSchema } from './schedules';

/**
 * A product that runs its per-user auto-sync as one pg_cron job per user (the
 * seed-003 pattern): what the console finds, and moving those jobs to console
 * per-user schedules (the queue, in team mode) in one confirmed step that can
 * be undone. Types and zod only (the renderer imports it).
 */
export const CronRunDetailSchema = z.object({
  runId: z.string(),
  status: z.string().nullable(),
  message: z.string().nullable(),
  startedAt: z.string().nullable(),
  endedAt: z.string().nullable(),
});

export const CronUserJobSchema = z.object({
  userId: z.string(),
  jobId: z.string().nullable(),
  jobName: z.string().nullable(),
  schedule: z.string().nullable(),
  command: z.string().nullable(),
  /** pg_cron's own switch for the job. */
  active: z.boolean(),
  /** The product's switch (its auto-sync table). */
  enabled: z.boolean(),
  /** Ours to migrate: the job calls the auto-sync function for exactly this user. */
  matched: z.boolean(),
  /** Why a job is left alone. */
  reason: z.string().nullable(),
  trigger: ScheduleTriggerSchema.nullable(),
  /** The latest runs from cron.job_run_details, newest first. */
  lastRuns: z.array(CronRunDetailSchema),
});

export const CronMigrationSummarySchema = z.object({
  id: z.number().int(),
  state: z.enum(['preparing', 'migrated', 'undoing', 'undone', 'failed']),
  jobs: z.number().int(),
  schedules: z.number().int(),
  message: z.string().nullable(),
  createdBy: z.string(),
  createdAt: z.string(),
  updatedAt: z.string(),
});

export const CronDetectInputSchema = z.strictObject({
  limit: z.number().int().min(1).max(500).default(50),
  offset: z.number().int().min(0).default(0),
  /** Only the jobs left alone (or only the ones to migrate). */
  matched: z.boolean().optional(),
});

export const CronDetectionSchema = z.object({
  present: z.boolean(),
  /** Why there is nothing to show (no pg_cron, no auto-sync table, a SQLite product). */
  reason: z.string().nullable(),
  total: z.number().int(),
  matched: z.number().int(),
  unmatched: z.number().int(),
  /** One page of users (after the filter), by user id. */
  users: z.array(CronUserJobSchema),
  /** Users after the filter, for paging. */
  filtered: z.number().int(),
  /** The latest migration, whatever its state (undo offers itself while it is "migrated"). */
  migration: CronMigrationSummarySchema.nullable(),
});

export const CronMigrateInputSchema = z.strictObject({
  /** The number of jobs the admin confirmed: a product that changed since refuses rather than migrating other jobs. */
  expectJobs: z.number().int().min(1),
});

export const CronMigrateResultSchema = z.object({
  migration: CronMigrationSummarySchema,
  migrated: z.number().int(),
  alreadyScheduled: z.number().int(),
  leftAlone: z.number().int(),
});

export type CronDetection = z.infer<typeof CronDetectionSchema>;
export type CronUserJob = z.infer<typeof CronUserJobSchema>;
export type CronMigrationSummary = z.infer<typeof CronMigrationSummarySchema>;
export type CronMigrateResult = z.infer<typeof CronMigrateResultSchema>;
