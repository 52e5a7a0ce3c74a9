import { z } from 'zod';

/**
 * Domain shapes shared by every host and the renderer. Each schema is the
 * documentation of its boundary; the TypeScript types are inferred from it.
 */

/** `partial`: the run finished but some of its items failed (DESIGN §4.6: never reported as succeeded). */
export const RUN_STATES = ['queued', 'running', 'succeeded', 'partial', 'failed', 'cancelled', 'interrupted'] as const;
export const RunStateSchema = z.enum(RUN_STATES);
export type RunState = z.infer<typeof RunStateSchema>;

/** Who started a run: decided by the host, never by the caller's input. */
export const RUN_TRIGGERS = ['manual', 'schedule', 'cli'] as const;
export const RunTriggerSchema = z.enum(RUN_TRIGGERS);
export type RunTrigger = z.infer<typeof RunTriggerSchema>;

export const EngineIdSchema = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[a-z][a-z0-9-]*$/, 'engine ids are kebab-case, like "storage-orphans"');

export const RunIdSchema = z.number().int().positive();

export const ProgressSnapshotSchema = z.object({
  runId: RunIdSchema,
  engine: z.string(),
  phase: z.string(),
  phaseLabel: z.string(),
  phaseIndex: z.number().int().min(0),
  phaseCount: z.number().int().min(1),
  /** 0..100 over the whole run, phases weighted. */
  percent: z.number().min(0).max(100),
  /** Free counters such as done, total, findings; engines choose the names. */
  counters: z.record(z.string(), z.number()),
  message: z.string().optional(),
  at: z.string(),
});
export type ProgressSnapshot = z.infer<typeof ProgressSnapshotSchema>;

export const RunErrorSchema = z.object({ code: z.string(), message: z.string() });

export const RunSchema = z.object({
  id: RunIdSchema,
  engine: z.string(),
  scope: z.string(),
  state: RunStateSchema,
  trigger: RunTriggerSchema,
  params: z.record(z.string(), z.unknown()),
  progress: ProgressSnapshotSchema.nullable(),
  /** API requests made per service, e.g. { drive: 12, dropbox: 3 }. */
  apiCalls: z.record(z.string(), z.number()),
  result: z.record(z.string(), z.unknown()).nullable(),
  error: RunErrorSchema.nullable(),
  createdAt: z.string(),
  startedAt: z.string().nullable(),
  finishedAt: z.string().nullable(),
  /**
   * The machine whose process owns (ran) the run: this console's, or in team mode a worker's. Null for runs
   * recorded before ownership was; absent from answers of older hosts.
   */
  ownerHost: z.string().nullable().optional(),
});
export type Run = z.infer<typeof RunSchema>;

export const RunEventSchema = z.object({
  id: z.number().int(),
  runId: RunIdSchema,
  at: z.string(),
  kind: z.enum(['state', 'phase', 'message', 'warning']),
  message: z.string(),
  data: z.record(z.string(), z.unknown()).nullable(),
});
export type RunEvent = z.infer<typeof RunEventSchema>;

/** What a run did to one item (a user, a file row…): the run's per-item log, bounded per run (core/runs/item-log.ts). */
export const RUN_ITEM_OUTCOMES = ['done', 'skipped', 'failed', 'info'] as const;
export const RunItemOutcomeSchema = z.enum(RUN_ITEM_OUTCOMES);
export type RunItemOutcome = z.infer<typeof RunItemOutcomeSchema>;
export const RunLogLineSchema = z.object({
  /** 1-based order within the run. */
  seq: z.number().int().min(1),
  at: z.string(),
  /** The item in words a person knows (an email, a file name), never only a row id. */
  item: z.string(),
  action: z.string(),
  outcome: RunItemOutcomeSchema,
  message: z.string().nullable(),
});
export type RunLogLine = z.infer<typeof RunLogLineSchema>;
/** A page of a run's item log, with how many lines were not kept once the bound was reached. */
export const RunLogPageSchema = z.object({
  items: z.array(RunLogLineSchema),
  total: z.number().int().min(0),
  limit: z.number().int(),
  offset: z.number().int(),
  notKept: z.number().int().min(0),
  /** Outcome counts over every line the engine wrote, kept or not. */
  counts: z.record(z.string(), z.number().int().min(0)),
});
export type RunLogPage = z.infer<typeof RunLogPageSchema>;

export const RunDetailSchema = z.object({ run: RunSchema, events: z.array(RunEventSchema) });
export type RunDetail = z.infer<typeof RunDetailSchema>;

/**
 * superseded: a later check of the same scope replaced it; failed: a repair was tried and did not apply;
 * restored: an admin undid a quarantine (storage-orphans), so automatic runs leave that row alone.
 */
export const FINDING_STATUSES = ['open', 'repaired', 'dismissed', 'quarantined', 'superseded', 'failed', 'restored'] as const;
export const FindingStatusSchema = z.enum(FINDING_STATUSES);
/** What findings.list sorts by (here, not in contract.ts, so the renderer's table shares the list). */
export const FINDING_SORT_KEYS = ['createdAt', 'kind', 'subject', 'userEmail', 'status'] as const;

export const FindingSchema = z.object({
  id: z.number().int(),
  runId: RunIdSchema,
  engine: z.string(),
  /** The scope of the check that found it, e.g. "all" or "user:ada@example.com". */
  scope: z.string(),
  /** Stable identity of the drifted thing inside its engine, e.g. "file:42". */
  subject: z.string(),
  userEmail: z.string().nullable(),
  kind: z.string(),
  reason: z.string(),
  proposedAction: z.string(),
  status: FindingStatusSchema,
  details: z.record(z.string(), z.unknown()).nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type Finding = z.infer<typeof FindingSchema>;

export const AuditEntrySchema = z.object({
  id: z.number().int(),
  at: z.string(),
  actor: RunTriggerSchema,
  engine: z.string().nullable(),
  runId: RunIdSchema.nullable(),
  action: z.string(),
  subject: z.string(),
  before: z.unknown().nullable(),
  after: z.unknown().nullable(),
});
export type AuditEntry = z.infer<typeof AuditEntrySchema>;

export const THEMES = ['system', 'light', 'dark'] as const;
export const SettingsSchema = z.object({
  theme: z.enum(THEMES),
  closeToTray: z.boolean(),
  startAtLogin: z.boolean(),
  findingsRetentionDays: z.number().int().min(1).max(3650),
});
export type Settings = z.infer<typeof SettingsSchema>;

/**
 * What the console offers for an engine beyond its name, declared by the engine itself
 * (its descriptor's `ui` part), so the renderer reads capabilities and never compares engine ids.
 */
export const EngineUiSchema = z.object({
  /** Whole-number run params the Start form asks for (the demo's item count); others keep their defaults. */
  startParams: z.array(z.object({ key: z.string(), label: z.string(), defaultValue: z.number(), min: z.number(), max: z.number(), step: z.number() })),
  /** A finished run in one of these modes can be reverted as a whole (identity.revertRun). */
  revertRunModes: z.array(z.string()),
  /** Audit actions of this engine that a `revert` run undoes, each with what the undo does. */
  revertActions: z.record(z.string(), z.string()),
  /** A human label for each audit action this engine writes ("identity.update-remote" → "Updated the Supabase Auth user"); an action without one shows as written. */
  auditActions: z.record(z.string(), z.string()),
  /** What an automatic repair removes (asked before "Run now" of a schedule that repairs); null: it removes nothing. */
  autoRepairRemoves: z.object({ effect: z.string(), noun: z.string(), undoDays: z.number().int().min(1), how: z.string() }).nullable(),
  /**
   * What the Findings drawer offers for one finding of this engine. `repair`: a repair run with
   * `findingIds: [id]`, for findings in one of `statuses`; `confirm` 'quarantine' asks as the engine's
   * page does (count, restorability, undo window), 'plain' asks with `effect` and `undo` (null: it cannot be undone). `restore`: `storage.restore`
   * puts a finding in one of `statuses` back. `revert`: the finding's audit entries can be reverted.
   */
  findingActions: z.object({
    repair: z.object({ label: z.string(), statuses: z.array(z.string()), confirm: z.enum(['quarantine', 'plain']), effect: z.string(), undo: z.string().nullable() }).nullable(),
    restore: z.object({ label: z.string(), statuses: z.array(z.string()) }).nullable(),
    revert: z.object({ statuses: z.array(z.string()) }).nullable(),
  }),
  /**
   * How a run's result reads in one line ("6 users · 83 % in sync"): entries tried in order, each a dotted
   * `key` into the result and a `text` where `{n}` is its value (`{s}`: "s" unless it is 1). An entry shows when its value is a
   * non-zero number, a string or true (`always`: zero too); entries whose key a result lacks are skipped.
   */
  resultSummary: z.array(z.object({ key: z.string(), text: z.string(), always: z.boolean().optional() })),
  /** A human label per finding kind ("missing-in-db" → "Asset without a row"); an undeclared kind shows as written. */
  findingKinds: z.record(z.string(), z.string()),
  /** Dotted paths into a finding's details naming its subject for a person (a file's or asset's name), tried in order. */
  findingName: z.array(z.string()),
  /**
   * Audit actions whose before-image is a batch of table rows, read as one line per row:
   * "row <id> of <table>: <done>; <noun> “<value at nameKey>”".
   */
  auditRows: z.record(z.string(), z.object({ table: z.string(), done: z.string(), noun: z.string(), nameKey: z.string() })),
});
export type EngineUi = z.infer<typeof EngineUiSchema>;

export const EngineInfoSchema = z.object({
  id: z.string(),
  title: z.string(),
  description: z.string(),
  phases: z.array(z.object({ id: z.string(), label: z.string(), weight: z.number() })),
  /** The modes the engine declares (`check`, `repair`, `revert`…); empty when it declares none. */
  modes: z.array(z.string()),
  ui: EngineUiSchema,
});
export type EngineInfo = z.infer<typeof EngineInfoSchema>;

export const AppInfoSchema = z.object({
  name: z.literal('Syncwarden'),
  version: z.string(),
  host: z.enum(['electron', 'browser', 'cli']),
  dataDir: z.string(),
  schemaVersion: z.number().int(),
  engines: z.array(EngineInfoSchema),
  /** Where connection secrets live: with 'env' (SYNCWARDEN_SECRETS=env) the console cannot save them, only name the variable. */
  secretStore: z.enum(['keychain', 'env', 'memory', 'demo-file']).optional(),
});
export type AppInfo = z.infer<typeof AppInfoSchema>;

export function pageOf<T extends z.ZodType>(item: T) {
  return z.object({ items: z.array(item), total: z.number().int().min(0), limit: z.number().int(), offset: z.number().int() });
}
export interface Page<T> {
  items: T[];
  total: number;
  limit: number;
  offset: number;
}
