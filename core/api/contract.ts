import { z } from 'zod';
import {
  AppInfoSchema,
  AuditEntrySchema,
  EngineIdSchema,
  FINDING_SORT_KEYS,
  FindingSchema,
  FindingStatusSchema,
  ProgressSnapshotSchema,
  RunDetailSchema,
  RunIdSchema,
  RunLogPageSchema,
  RUN_STATES,
  RUN_TRIGGERS,
  RunSchema,
  RunStateSchema,
  RunTriggerSchema,
  SettingsSchema,
  pageOf,
} from './models';
import { boundedJsonObject, MAX_PARAMS_BYTES } from './limits';
import { ConnectionCheckSchema, ConnectionCreateSchema, ConnectionDeleteResultSchema, ConnectionSchema, ConnectionUpdateSchema, OAuthFlowIdSchema, OAuthFlowSchema } from './connections';
import type { EventName, MethodName } from './names';
import { NotificationSchema } from './notifications';
import { SheetCachePreviewSchema, SheetSourceSchema, SheetSourceSpecSchema } from './sheets';
import { MediaImportedSchema, MediaOverviewSchema } from './media';
import { IdentityPlanInputSchema, IdentityPlanSchema, IdentityRevertRunInputSchema, IdentitySummarySchema, IdentityUsersInputSchema, IdentityUsersPageSchema } from './identity';
import { IdentityUserDetailSchema, IdentityUserInputSchema } from './identity-user';
import { UpdateStatusSchema } from './updates';
import { StoreInfoSchema, StoreSwitchInputSchema, StoreSwitchResultSchema } from './store';
import { CronDetectInputSchema, CronDetectionSchema, CronMigrateInputSchema, CronMigrateResultSchema, CronMigrationSummarySchema } from './cron-migration';
import {
  StorageAccountsInputSchema,
  StorageAccountsPageSchema,
  StorageCheckIfStaleInputSchema,
  StorageCheckIfStaleResultSchema,
  StorageRestorabilitySchema,
  StorageRestoreInputSchema,
  StorageRestoreResultSchema,
  StorageSummarySchema,
} from './storage';
import {
  DescribeTriggerInputSchema,
  MailSettingRowSchema,
  MailSettingsUpdateInputSchema,
  RunStatsInputSchema,
  RunStatsSchema,
  ScheduleListInputSchema,
  ScheduleListSchema,
  ScheduleSchema,
  ScheduleSpecSchema,
  SchedulerStatusSchema,
  TriggerDescriptionSchema,
} from './schedules';
import {
  TeamDeadLettersInputSchema,
  TeamDeadLettersPageSchema,
  TeamQueueDepthSchema,
  TeamRetryInputSchema,
  TeamRetryResultSchema,
  TeamStatusSchema,
  TeamThroughputBucketSchema,
  TeamThroughputInputSchema,
  TeamWorkerSchema,
} from './team';
import { UsersLookupInputSchema, UsersLookupSchema, UsersSearchInputSchema, UsersSearchSchema } from './users';

interface MethodSpec {
  input: z.ZodType;
  output: z.ZodType;
  summary: string;
}

/**
 * The contract: every method and event, declared once. Both hosts (Electron IPC
 * and the browser-mode WebSocket) validate input with these schemas and share
 * one handler table; the renderer's client is typed from these declarations.
 */

const paging = {
  limit: z.number().int().min(1).max(500).default(50),
  offset: z.number().int().min(0).default(0),
};
const noInput = z.strictObject({});

function method<I extends z.ZodType, O extends z.ZodType>(input: I, output: O, summary: string) {
  return { input, output, summary };
}

export const methods = {
  'app.info': method(noInput, AppInfoSchema, 'Version, host, data directory and the engines this host offers.'),
  'runs.list': method(
    z.strictObject({
      engine: EngineIdSchema.optional(),
      states: z.array(RunStateSchema).max(RUN_STATES.length).optional(),
      triggers: z.array(RunTriggerSchema).max(RUN_TRIGGERS.length).optional(),
      /** Exact scope, e.g. "all" or "user:ada@example.com" (a user's history). */
      scope: z.string().min(1).max(400).optional(),
      /** Any of these exact scopes: a user's history across engines that key runs by id or by email. */
      scopes: z.array(z.string().min(1).max(400)).min(1).max(10).optional(),
      /** Only runs a firing of this schedule started (a schedule's history). */
      scheduleId: z.number().int().positive().optional(),
      /** Created at or after / before (ISO 8601 instants). */
      from: z.iso.datetime({ offset: true }).max(40).optional(),
      to: z.iso.datetime({ offset: true }).max(40).optional(),
      ...paging,
    }),
    pageOf(RunSchema),
    'Run history, newest first, filtered by engine, state, trigger, scope, schedule and date.',
  ),
  'runs.get': method(z.strictObject({ id: RunIdSchema }), RunDetailSchema, 'One run with its event log.'),
  'runs.start': method(
    z.strictObject({
      engine: EngineIdSchema,
      params: boundedJsonObject(MAX_PARAMS_BYTES).default({}),
    }),
    z.object({
      runId: RunIdSchema,
      alreadyRunning: z.boolean(),
      /** Team mode: why the run may wait (no worker alive for its engine). */
      notice: z.string().max(500).optional(),
    }),
    'Start a run, or return the run already active for the same engine and scope.',
  ),
  'runs.cancel': method(
    z.strictObject({ id: RunIdSchema }),
    z.object({ id: RunIdSchema, state: RunStateSchema, cancelRequested: z.boolean() }),
    'Ask a queued or running run to stop; a finished run is returned unchanged.',
  ),
  'findings.list': method(
    z.strictObject({
      engine: EngineIdSchema.optional(),
      runId: RunIdSchema.optional(),
      status: FindingStatusSchema.optional(),
      kind: z.string().max(64).optional(),
      search: z.string().max(200).optional(),
      sort: z.enum(FINDING_SORT_KEYS).default('createdAt'),
      direction: z.enum(['asc', 'desc']).default('desc'),
      ...paging,
    }),
    pageOf(FindingSchema),
    'Findings, paged, filtered and sorted.',
  ),
  'audit.list': method(
    z.strictObject({
      engine: EngineIdSchema.optional(),
      actor: RunTriggerSchema.optional(),
      /** A user's email or id (case-insensitive): entries whose subject names it, or whose before/after holds it as a whole value. */
      user: z.string().trim().min(1).max(320).optional(),
      /** Part of the subject (case-insensitive): "row:12", "file:", a source name. */
      subject: z.string().trim().min(1).max(200).optional(),
      /** Only the changes one run made. */
      runId: RunIdSchema.optional(),
      ...paging,
    }),
    pageOf(AuditEntrySchema),
    'The audit log, newest first; filtered by engine, actor, user, subject or run.',
  ),
  'settings.get': method(noInput, SettingsSchema, 'The console settings.'),
  'settings.update': method(SettingsSchema.partial().strict(), SettingsSchema, 'Change some settings; returns all of them.'),
  'connections.list': method(noInput, z.array(ConnectionSchema), 'Every connection, secrets shown only as hasSecret.'),
  'connections.create': method(ConnectionCreateSchema, ConnectionSchema, 'Add a connection; secrets go to the OS keychain.'),
  'connections.update': method(ConnectionUpdateSchema, ConnectionSchema, 'Change a connection; a null secret removes it.'),
  'connections.delete': method(z.strictObject({ id: RunIdSchema }), ConnectionDeleteResultSchema, 'Remove a connection, then its secrets; a secret left behind is named.'),
  'connections.test': method(z.strictObject({ id: RunIdSchema }), ConnectionCheckSchema, 'One cheap authenticated call to the service.'),
  'connections.connect': method(z.strictObject({ id: RunIdSchema }), OAuthFlowSchema, "Start signing the admin's own account in (loopback redirect + PKCE); poll connections.connect.status."),
  'connections.connect.status': method(OAuthFlowIdSchema, OAuthFlowSchema, 'Where a sign-in stands: waiting, connected, failed or cancelled.'),
  'connections.connect.cancel': method(OAuthFlowIdSchema, OAuthFlowSchema, 'Stop waiting for a sign-in; its loopback listener closes.'),
  'connections.disconnect': method(z.strictObject({ id: RunIdSchema }), ConnectionSchema, "Revoke the connected account at the provider and forget its token."),
  'sheets.sources.list': method(noInput, z.array(SheetSourceSchema), 'Sheet-import sources with their latest and latest successful import.'),
  'sheets.sources.create': method(SheetSourceSpecSchema, SheetSourceSchema, 'Add a sheet-import source.'),
  'sheets.sources.update': method(z.strictObject({ id: RunIdSchema, spec: SheetSourceSpecSchema }), SheetSourceSchema, 'Change a source (takes effect at its next import).'),
  'sheets.sources.delete': method(z.strictObject({ id: RunIdSchema }), z.object({ id: z.number().int(), deleted: z.boolean() }), 'Remove a source; its cache table is kept.'),
  'sheets.import': method(z.strictObject({ id: RunIdSchema }), z.object({ runId: RunIdSchema, alreadyRunning: z.boolean() }), 'Import a source now, or return its import already running.'),
  'sheets.check': method(
    z.strictObject({ id: RunIdSchema }),
    z.object({ runId: RunIdSchema, alreadyRunning: z.boolean() }),
    'Check a source now: what an import would change (a run in scope source:<id>:check whose result is a SheetCheckResult); writes nothing. Or return its check already running.',
  ),
  'sheets.cache.preview': method(z.strictObject({ id: RunIdSchema, limit: z.number().int().min(1).max(500).default(50) }), SheetCachePreviewSchema, 'The first rows of a source’s cache table.'),
  'media.overview': method(noInput, MediaOverviewSchema, 'Media import: per-user counts, open findings and the remaining Cloudinary API budget.'),
  'media.imported': method(z.strictObject({ limit: z.number().int().min(1).max(200).default(20) }), MediaImportedSchema, 'Rows the latest media imports inserted, read from the product database with their thumbnails.'),
  'identity.users': method(IdentityUsersInputSchema, IdentityUsersPageSchema, 'The users sync table of the last identity check: paged, filtered by status or text, sorted.'),
  'identity.summary': method(noInput, IdentitySummarySchema, 'Totals of the users sync table: in sync, issues, percent, last check and source of truth.'),
  'identity.plan': method(IdentityPlanInputSchema, IdentityPlanSchema, 'What an identity repair of these findings would do, per user, with destructive and irreversible counts (read-only).'),
  'identity.revertRun': method(IdentityRevertRunInputSchema, z.object({ runId: RunIdSchema, alreadyRunning: z.boolean() }), 'Undo every revertible identity change of one run (a revert run; its result lists what could not be undone).'),
  'identity.user': method(IdentityUserInputSchema, IdentityUserDetailSchema, 'One user in full: the users-table row and the Supabase Auth user read live, with this user’s findings and audit history.'),
  'storage.accounts': method(StorageAccountsInputSchema, StorageAccountsPageSchema, 'Storage accounts (user × provider) with files, open orphans, quarantined rows and status; paged, searched.'),
  'storage.summary': method(noInput, StorageSummarySchema, 'Totals of the storage-orphans engine, and the latest safety-guard stop of an automatic repair.'),
  'storage.restore': method(StorageRestoreInputSchema, StorageRestoreResultSchema, 'Move a quarantined file row back into the files table (idempotent).'),
  'storage.checkIfStale': method(StorageCheckIfStaleInputSchema, StorageCheckIfStaleResultSchema, 'Start a quiet check of one user when their last one is older than maxAgeMinutes.'),
  'storage.restorability': method(noInput, StorageRestorabilitySchema, 'Whether a quarantined files row could be restored whole, and why not (asked before a repair).'),
  'schedules.list': method(ScheduleListInputSchema, ScheduleListSchema, 'Every schedule (console and per-user from the product database) with next and last run, and the pause state.'),
  'schedules.create': method(ScheduleSpecSchema, ScheduleSchema, 'Add a console schedule; the trigger is validated with a clear message.'),
  'schedules.update': method(z.strictObject({ id: RunIdSchema, spec: ScheduleSpecSchema }), ScheduleSchema, 'Change a console schedule (per-user schedules are read-only here).'),
  'schedules.delete': method(z.strictObject({ id: RunIdSchema }), z.object({ id: z.number().int(), deleted: z.boolean() }), 'Remove a console schedule and its firing history.'),
  'schedules.setEnabled': method(z.strictObject({ id: RunIdSchema, enabled: z.boolean() }), ScheduleSchema, 'Switch a console schedule on or off.'),
  'schedules.runNow': method(z.strictObject({ id: RunIdSchema }), z.object({ runId: RunIdSchema, alreadyRunning: z.boolean() }), 'Fire a schedule now (trigger "schedule"), or return its run already active.'),
  'schedules.pause': method(z.strictObject({ minutes: z.number().int().min(1).max(7 * 24 * 60).nullable() }), SchedulerStatusSchema, 'Pause every schedule for N minutes, or until resumed (null).'),
  'schedules.resume': method(noInput, SchedulerStatusSchema, 'Resume schedules; firings missed while paused run once.'),
  'schedules.describe': method(DescribeTriggerInputSchema, TriggerDescriptionSchema, 'Validate a trigger as typed and describe it in words with its next firing times.'),
  'mail.settings': method(z.strictObject({ ...paging }), pageOf(MailSettingRowSchema), 'Each user’s Gmail import settings as read from the product database.'),
  'mail.settings.update': method(MailSettingsUpdateInputSchema, MailSettingRowSchema, 'Switch one user’s Gmail import on or off and set its interval (writes the product’s mail_settings row; audited).'),
  'runs.log': method(
    z.strictObject({ id: RunIdSchema, limit: z.number().int().min(1).max(1000).default(200), offset: z.number().int().min(0).default(0) }),
    RunLogPageSchema,
    'What a run did item by item, in order (bounded per run: past the bound only counts are kept).',
  ),
  'runs.stats': method(RunStatsInputSchema, RunStatsSchema, 'Runs of the last N days with trigger, outcome and duration (the Runs chart).'),
  'app.updates.check': method(noInput, UpdateStatusSchema, 'Check the update feed now (desktop app); a newer version downloads in the background and installs on quit.'),
  'users.lookup': method(UsersLookupInputSchema, UsersLookupSchema, 'Who these user ids or emails are (email and name from the product database); keys naming nobody are left out.'),
  'users.search': method(UsersSearchInputSchema, UsersSearchSchema, 'Users whose email, name or id contains the query, by email (the schedule form’s user picker).'),
  'store.info': method(noInput, StoreInfoSchema, 'Where the console store is (SQLite file or PostgreSQL URL without password), what chose it, and its schema version.'),
  'store.switch': method(StoreSwitchInputSchema, StoreSwitchResultSchema, 'Test-connect a store and check its schema, then save it as this machine’s choice for the next start (a restart is needed).'),
  'team.status': method(noInput, TeamStatusSchema, 'Whether team mode is on (a PostgreSQL store with a job queue and workers) and where the console store lives.'),
  'team.workers': method(noInput, z.array(TeamWorkerSchema), 'Worker processes known to the queue: host, pid, engines, concurrency, jobs held, last heartbeat, draining or lost. Team mode only.'),
  'team.queue': method(noInput, z.array(TeamQueueDepthSchema), 'Jobs waiting, running and dead per engine. Team mode only.'),
  'team.throughput': method(TeamThroughputInputSchema, z.array(TeamThroughputBucketSchema), 'Jobs completed and failed per engine and time bucket since an instant (at most 31 days, 2,000 buckets). Team mode only.'),
  'team.deadLetters': method(TeamDeadLettersInputSchema, TeamDeadLettersPageSchema, 'Jobs that kept failing, newest first, with their last error. Team mode only.'),
  'team.retryDeadLetter': method(TeamRetryInputSchema, TeamRetryResultSchema, 'Put one dead-letter job back in its queue; answers retried: false when it was no longer dead. Team mode only.'),
  'schedules.cron.detect': method(CronDetectInputSchema, CronDetectionSchema, 'The product’s per-user pg_cron jobs (one cron.job per user calling its auto-sync function), their latest runs, and the latest migration of them.'),
  'schedules.cron.migrate': method(CronMigrateInputSchema, CronMigrateResultSchema, 'Move the per-user pg_cron jobs to console per-user schedules in one step (journaled, audited); undo re-creates the jobs exactly.'),
  'schedules.cron.undo': method(z.strictObject({ id: z.number().int().positive() }), CronMigrationSummarySchema, 'Undo a migration of per-user pg_cron jobs: the jobs come back exactly, the schedules it created go (audited).'),
} as const satisfies Record<MethodName, MethodSpec>;

export const events = {
  'run.started': RunSchema,
  'run.progress': ProgressSnapshotSchema,
  'run.finished': RunSchema,
  'settings.changed': SettingsSchema,
  notification: NotificationSchema,
  'schedules.changed': z.object({}),
  'scheduler.status': SchedulerStatusSchema,
} as const satisfies Record<EventName, z.ZodType>;

export type Methods = typeof methods;
/** What a caller sends (defaults may be omitted). */
export type MethodInput<M extends MethodName> = z.input<Methods[M]['input']>;
/** What a handler receives after validation (defaults applied). */
export type ParsedInput<M extends MethodName> = z.output<Methods[M]['input']>;
export type MethodOutput<M extends MethodName> = z.output<Methods[M]['output']>;

export type Events = typeof events;
export type EventPayload<E extends EventName> = z.output<Events[E]>;

