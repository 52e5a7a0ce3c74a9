import { z } from 'zod';
import { FindingStatusSchema, pageOf } from './models';

/**
 * The Storage page's read models and actions (storage-orphans engine).
 *
 * Decision (storage-engine engineer): restoring a quarantined row sets its
 * finding to the new status `restored` (FINDING_STATUSES, migration 5), not
 * back to `open`: the admin chose to keep the row, so scheduled auto-repairs
 * leave it alone; a manual repair of that finding still applies it.
 *
 * Findings are the normal ones (`findings.list` with engine `storage-orphans`):
 * kind `orphan` or `trashed`, subject `file:<files row id>`, details
 * `StorageFindingDetails`. Repairs are runs: `runs.start { engine:
 * 'storage-orphans', params: { mode: 'repair', findingIds | all (+ user) } }`.
 */
export const STORAGE_PROVIDERS = ['google', 'dropbox'] as const;
export const StorageProviderSchema = z.enum(STORAGE_PROVIDERS);
export type StorageProvider = z.infer<typeof StorageProviderSchema>;

/**
 * ok: last check found nothing to repair; orphans: open orphan/trashed findings;
 * needs-reconnect: the user's grant is revoked or invalid; unknown: the last
 * check could not get a definitive answer (rate limits, outages);
 * never-checked: the account is known but was never checked.
 */
export const ACCOUNT_STATUSES = ['ok', 'orphans', 'needs-reconnect', 'unknown', 'never-checked'] as const;
export const AccountStatusSchema = z.enum(ACCOUNT_STATUSES);
export type AccountStatus = z.infer<typeof AccountStatusSchema>;

export const STORAGE_FINDING_KINDS = ['orphan', 'trashed'] as const;

/** Most urgent first: what sorting by status ascending means. */
export const ACCOUNT_STATUS_URGENCY = ['needs-reconnect', 'orphans', 'unknown', 'never-checked', 'ok'] as const satisfies readonly AccountStatus[];

/** user: email (else id); lastCheckAt: never-checked accounts last in both directions. Ties go by user, then provider. */
export const STORAGE_ACCOUNT_SORT_KEYS = ['user', 'provider', 'files', 'openOrphans', 'lastCheckAt', 'status'] as const;
export type StorageAccountSort = (typeof STORAGE_ACCOUNT_SORT_KEYS)[number];

export const StorageAccountsInputSchema = z.strictObject({
  /** Part of a user's email, name or id, case-insensitive. */
  search: z.string().trim().max(200).optional(),
  status: AccountStatusSchema.optional(),
  /** false: only accounts whose auto-sync is off in the product (Check all leaves them out). */
  autoSync: z.boolean().optional(),
  sort: z.enum(STORAGE_ACCOUNT_SORT_KEYS).default('user'),
  direction: z.enum(['asc', 'desc']).default('asc'),
  limit: z.number().int().min(1).max(500).default(50),
  offset: z.number().int().min(0).default(0),
});

export const StorageAccountRowSchema = z.object({
  userId: z.string(),
  userEmail: z.string().nullable(),
  userName: z.string().nullable(),
  provider: StorageProviderSchema,
  /** File rows of this user and provider at the last check. */
  files: z.number().int().min(0),
  openOrphans: z.number().int().min(0),
  openTrashed: z.number().int().min(0),
  quarantined: z.number().int().min(0),
  lastCheckAt: z.string().nullable(),
  lastRunId: z.number().int().nullable(),
  status: AccountStatusSchema,
  /** Why the status is what it is (e.g. "Dropbox refused the refresh token"), if anything to say. */
  message: z.string().nullable(),
  autoSync: z.boolean(),
  deleteAfterSync: z.boolean(),
});
export type StorageAccountRow = z.infer<typeof StorageAccountRowSchema>;

export const StorageAccountsPageSchema = pageOf(StorageAccountRowSchema);
export type StorageAccountsPage = z.infer<typeof StorageAccountsPageSchema>;

export const StorageSummarySchema = z.object({
  accounts: z.number().int().min(0),
  files: z.number().int().min(0),
  openOrphans: z.number().int().min(0),
  openTrashed: z.number().int().min(0),
  quarantined: z.number().int().min(0),
  needsReconnect: z.number().int().min(0),
  /** Accounts whose auto-sync is off in the product: Check all and schedules leave them out; a row's own Check still looks. */
  autoSyncOff: z.number().int().min(0),
  lastCheckAt: z.string().nullable(),
  /** The latest run whose automatic repair the safety guard (DESIGN §4.3) stopped, unless a later run repaired within it. */
  guardBlocked: z.object({ runId: z.number().int(), wouldDelete: z.number().int(), limit: z.number().int() }).nullable(),
});
export type StorageSummary = z.infer<typeof StorageSummarySchema>;

export const StorageRestoreInputSchema = z.strictObject({ findingId: z.number().int().positive() });
export const StorageRestoreResultSchema = z.object({
  findingId: z.number().int(),
  /** False when it was already restored (restore is idempotent). */
  restored: z.boolean(),
  status: FindingStatusSchema,
  message: z.string(),
});
export type StorageRestoreResult = z.infer<typeof StorageRestoreResultSchema>;

export const StorageCheckIfStaleInputSchema = z.strictObject({
  userId: z.string().min(1).max(200),
  maxAgeMinutes: z.number().int().min(0).max(7 * 24 * 60).default(60),
});
export const StorageCheckIfStaleResultSchema = z.object({
  /** True only when this call started a check; runId is that run, or the user's check already running, else null. */
  started: z.boolean(),
  runId: z.number().int().nullable(),
  lastCheckAt: z.string().nullable(),
});
export type StorageCheckIfStaleResult = z.infer<typeof StorageCheckIfStaleResultSchema>;

/**
 * Asked before a repair: whether a quarantined row could come back whole (DESIGN §4.3). `problems` says why not in
 * plain words (a foreign key that cascades, a delete trigger, no quarantine table); a repair then needs the admin's
 * explicit agreement (run param `allowUnrestorable: true`), and automatic repairs do not run.
 */
export const StorageRestorabilitySchema = z.object({
  restorable: z.boolean(),
  problems: z.array(z.string()),
  /** Days a quarantined row stays restorable by default; after that it is purged and cannot come back. */
  retentionDays: z.number().int(),
});
export type StorageRestorability = z.infer<typeof StorageRestorabilitySchema>;

/** What a storage-orphans finding's details hold. */
export interface StorageFindingDetails {
  userId: string;
  provider: StorageProvider;
  providerFileId: string;
  fileName: string | null;
  fileRowId: string;
  size: number | null;
  /** Set once the row is in the app DB's quarantine table; restorable until purgeAfter. */
  quarantinedAt?: string;
  purgeAfter?: string;
  /** Set when a run purged the quarantined row after purgeAfter (the finding is then `repaired`). */
  purgedAt?: string;
  /** Set when a restore could not be done (the row stayed quarantined): when, and why in plain words. */
  restoreError?: { at: string; message: string };
}
