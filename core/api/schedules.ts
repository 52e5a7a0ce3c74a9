import { z } from 'zod';
import { boundedJsonObject, MAX_PARAMS_BYTES } from './limits';
import { EngineIdSchema, RunIdSchema, RunStateSchema, RunTriggerSchema } from './models';

/**
 * Schedules: what runs in the background, when. Console schedules live in the
 * console store and are edited here; per-user schedules are derived from the
 * product database (mail settings, storage auto-sync) and are read-only in the
 * console (origin "app-db"): the product's own users change them.
 *
 * This file is types and zod only (the renderer imports it): trigger
 * validation that needs node-cron happens in core/scheduler, and its message
 * comes back as an `invalid-input` error or from `schedules.describe`.
 */
/** The storage providers a per-provider schedule names (the renderer offers this list). */
export const SCHEDULE_PROVIDERS = ['google', 'dropbox'] as const;

export const ScheduleScopeSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('all') }),
  z.strictObject({ kind: z.literal('user'), userId: z.string().trim().min(1, 'the user id is required').max(200) }),
  z.strictObject({
    kind: z.literal('provider'),
    userId: z.string().trim().min(1, 'the user id is required').max(200),
    provider: z.enum(SCHEDULE_PROVIDERS),
  }),
  z.strictObject({ kind: z.literal('source'), sourceId: z.number().int().positive() }),
]);
export type ScheduleScope = z.infer<typeof ScheduleScopeSchema>;

/** A week: longer intervals are better written as a cron expression. */
export const MAX_INTERVAL_MINUTES = 7 * 24 * 60;

export const ScheduleTriggerSchema = z.discriminatedUnion('kind', [
  z.strictObject({
    kind: z.literal('interval'),
    minutes: z.number().int('whole minutes only').min(1, 'at least 1 minute').max(MAX_INTERVAL_MINUTES, `at most ${MAX_INTERVAL_MINUTES} minutes (a week)`),
  }),
  z.strictObject({ kind: z.literal('cron'), expression: z.string().trim().min(1, 'the cron expression is required').max(120) }),
]);
export type ScheduleTrigger = z.infer<typeof ScheduleTriggerSchema>;

export const ScheduleSpecSchema = z.strictObject({
  engine: EngineIdSchema,
  scope: ScheduleScopeSchema.default({ kind: 'all' }),
  trigger: ScheduleTriggerSchema,
  /** IANA zone the cron expression is read in; absent: the host's zone. */
  timeZone: z.string().trim().min(1).max(64).optional(),
  enabled: z.boolean().default(true),
  /** Scheduled checks may repair too, always inside the safety guard (DESIGN.md §4.3). */
  autoRepair: z.boolean().default(false),
  /** More engine parameters passed to every run (the scope and autoRepair are added by the scheduler). */
  params: boundedJsonObject(MAX_PARAMS_BYTES).default({}),
});
export type ScheduleSpec = z.output<typeof ScheduleSpecSchema>;
export type ScheduleSpecInput = z.input<typeof ScheduleSpecSchema>;

export const SCHEDULE_ORIGINS = ['console', 'app-db'] as const;
export const FIRING_OUTCOMES = ['started', 'skipped', 'failed'] as const;
export type FiringOutcome = (typeof FIRING_OUTCOMES)[number];

export const ScheduleSchema = z.object({
  id: z.number().int().positive(),
  engine: z.string(),
  scope: ScheduleScopeSchema,
  trigger: ScheduleTriggerSchema,
  /** The trigger in words: "every 30 minutes", "at 02:00 every day". */
  triggerText: z.string(),
  timeZone: z.string(),
  enabled: z.boolean(),
  autoRepair: z.boolean(),
  params: z.record(z.string(), z.unknown()),
  origin: z.enum(SCHEDULE_ORIGINS),
  /** Null when disabled, paused indefinitely, or the scheduler is not running in this host. */
  nextRunAt: z.string().nullable(),
  lastRun: z.object({ runId: RunIdSchema, state: RunStateSchema, at: z.string() }).nullable(),
  /** The latest firing, whatever its outcome (a skipped firing has the active run's id). */
  lastFiring: z.object({ at: z.string(), outcome: z.enum(FIRING_OUTCOMES), runId: RunIdSchema.nullable(), message: z.string().nullable() }).nullable(),
  /** Consecutive failed firings or runs; reset by a successful run. */
  failures: z.number().int().min(0),
  updatedBy: z.string(),
  updatedAt: z.string(),
});
export type Schedule = z.infer<typeof ScheduleSchema>;

export const SchedulerStatusSchema = z.object({
  state: z.enum(['idle', 'running', 'attention', 'paused']),
  activeRuns: z.number().int().min(0),
  /** Schedules that failed their retries (see Schedule.failures). */
  attention: z.number().int().min(0),
  nextRun: z.object({ scheduleId: z.number().int(), engine: z.string(), at: z.string() }).nullable(),
  pausedUntil: z.string().nullable(),
  pausedIndefinitely: z.boolean(),
});
export type SchedulerStatus = z.infer<typeof SchedulerStatusSchema>;

/**
 * `{}` lists every schedule. With 10,000 per-user schedules that is megabytes:
 * a page can filter by origin or text (engine, user id) and take a slice.
 */
export const ScheduleListInputSchema = z.strictObject({
  origin: z.enum(SCHEDULE_ORIGINS).optional(),
  search: z.string().trim().max(200).optional(),
  limit: z.number().int().min(1).max(10_000).optional(),
  offset: z.number().int().min(0).default(0),
});

export const ScheduleListSchema = z.object({
  schedules: z.array(ScheduleSchema),
  /** How many schedules match the filter (the page may hold fewer). */
  total: z.number().int().min(0),
  pausedUntil: z.string().nullable(),
  pausedIndefinitely: z.boolean(),
});

export const DescribeTriggerInputSchema = z.strictObject({
  /** Loose on purpose: the form sends what the admin typed, valid or not. */
  trigger: z.discriminatedUnion('kind', [
    z.strictObject({ kind: z.literal('interval'), minutes: z.number() }),
    z.strictObject({ kind: z.literal('cron'), expression: z.string().max(200) }),
  ]),
  timeZone: z.string().max(64).optional(),
});
export const TriggerDescriptionSchema = z.object({
  valid: z.boolean(),
  text: z.string(),
  error: z.string().nullable(),
  /** The next few firing times (ISO), empty when invalid. */
  next: z.array(z.string()),
});
export type TriggerDescription = z.infer<typeof TriggerDescriptionSchema>;

export const MailSettingRowSchema = z.object({
  userId: z.string(),
  email: z.string().nullable(),
  enabled: z.boolean(),
  intervalMinutes: z.number().int(),
  historyId: z.string().nullable(),
  lastImportAt: z.string().nullable(),
  /** The user's name in the product (null: none, or no users row). */
  name: z.string().nullable().optional(),
  /** Rows of the emails entity for this user: what imports brought in. */
  importedCount: z.number().int().min(0).optional(),
  /** The Google account's needs-reconnect flag; null when the user never connected Google. */
  needsReconnect: z.boolean().nullable().optional(),
});
export type MailSettingRow = z.infer<typeof MailSettingRowSchema>;

/** `mail.settings.update`: the Mail page's switch and interval of one user (the product's own mail_settings row). */
export const MailSettingsUpdateInputSchema = z
  .strictObject({
    userId: z.string().trim().min(1).max(200),
    enabled: z.boolean().optional(),
    /** As the scheduler accepts it: 1 minute to one week. */
    intervalMinutes: z.number().int().min(1).max(7 * 24 * 60).optional(),
  })
  .refine((v) => v.enabled !== undefined || v.intervalMinutes !== undefined, { error: 'Give enabled, intervalMinutes or both.' });
export type MailSettingsUpdateInput = z.infer<typeof MailSettingsUpdateInputSchema>;

export const RunStatsInputSchema = z.strictObject({
  days: z.number().int().min(1).max(90).default(7),
  trigger: RunTriggerSchema.optional(),
});
export const RunStatsSchema = z.object({
  runs: z.array(
    z.object({
      id: RunIdSchema,
      engine: z.string(),
      trigger: RunTriggerSchema,
      state: RunStateSchema,
      startedAt: z.string(),
      /** Null while the run is still active. */
      durationMs: z.number().int().min(0).nullable(),
    }),
  ),
});
export type RunStats = z.infer<typeof RunStatsSchema>;
