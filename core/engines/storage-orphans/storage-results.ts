import { z } from 'zod';
import { AccountStatusSchema, StorageProviderSchema } from '../../api/storage';
import { Count, engineResult, SafetyGuardSchema } from '../engine-result';
import type { EngineModes } from '../engine-policies';

/** The results of storage-orphans runs, per mode (storage-orphans.engine.ts: checkResult, manualRepair). */

/** Quarantine totals of a repair (manual, or automatic after a check). */
const repairTotals = {
  chosen: Count,
  quarantined: Count,
  alreadyQuarantined: Count,
  rowGone: Count,
  /** Findings not repaired, by why. */
  skipped: z.record(z.string(), Count),
  /** Why an automatic repair did not run (a quarantined row could not be restored whole). */
  refused: z.array(z.string()).optional(),
};

/** Every automatic repair the guard stopped, one per user (the worst is `safetyGuard`). */
const guardFields = { safetyGuards: z.array(SafetyGuardSchema).max(50).optional() };

/** One account's line. */
const AccountLine = z.object({
  userId: z.string(),
  email: z.string().nullable(),
  provider: StorageProviderSchema,
  /** How the account was read (not the run's mode). */
  mode: z.enum(['list', 'delta', 'probe', 'skipped']),
  pass: z.enum(['full', 'delta']).nullable(),
  passReason: z.string().nullable(),
  filesChecked: Count,
  orphans: Count,
  trashed: Count,
  repaired: Count,
  /** Rows with no definitive answer, by reason. */
  skipped: z.record(z.string(), Count),
  status: AccountStatusSchema,
  message: z.string().nullable(),
});

export const StorageCheckResult = engineResult({
  complete: z.literal(true),
  mode: z.literal('check'),
  quiet: z.literal(true).optional(),
  accounts: Count,
  filesChecked: Count,
  orphans: Count,
  trashed: Count,
  unknownFiles: Count,
  carriedForward: Count,
  cursorsRejected: Count,
  byMode: z.record(z.string(), Count),
  byPass: z.object({ full: Count, delta: Count }),
  purged: Count,
  repaired: Count,
  repair: z.object(repairTotals).optional(),
  results: z.array(AccountLine).max(500),
  resultsTruncated: z.boolean(),
  needsReconnect: z.array(z.object({ userId: z.string(), email: z.string().nullable(), provider: StorageProviderSchema })),
  ...guardFields,
  /**
   * Time spent comparing rows locally (the benchmark's rows per second), and how many accounts' diffs the diff
   * thread answered (listing-diff-thread.ts; absent in results from before it).
   */
  localDiff: z.object({ rows: Count, ms: z.number().min(0), onThread: Count.optional() }),
  itemsFailed: Count,
});
export type StorageCheckResult = z.output<typeof StorageCheckResult>;

export const StorageRepairResult = engineResult({
  complete: z.literal(true),
  mode: z.literal('repair'),
  ...repairTotals,
  purged: Count,
  ...guardFields,
  itemsFailed: Count,
});
export type StorageRepairResult = z.output<typeof StorageRepairResult>;

export const storageOrphansModes = {
  check: { result: StorageCheckResult, description: 'Ask Drive and Dropbox about every file row and record the orphans.' },
  repair: { result: StorageRepairResult, description: 'Quarantine the rows of the chosen findings, restorably.' },
} satisfies EngineModes;
