import { z } from 'zod';
import { Count, engineResult } from '../engine-result';
import type { EngineModes } from '../engine-policies';
import { REMOTE_ONLY_POLICIES } from './identity-actions';
import { IDENTITY_FIELDS, SYNC_STATUSES } from './identity-model';
import type { IntegrityReport } from './identity-report';

/** The results of identity runs, per mode (identity-check.ts, identity-repair.ts, identity-revert.ts). */

const SourceOfTruth = z.enum(['appdb', 'supabase']);
const Percent = z.number().min(0).max(100);

/** What both sides held: every check and validate reports it. */
const summary = { users: Count, localUsers: Count, remoteUsers: Count, classifySeconds: z.number().min(0) };

/** A check of every user: the integrity report's counts, flattened. */
const FullCheck = engineResult({
  ...summary,
  sourceOfTruth: SourceOfTruth,
  inSync: Count,
  localOnly: Count,
  remoteOnly: Count,
  inconsistent: Count,
  matchedByEmail: Count,
  softDeletedRemote: Count,
  percentInSync: Percent,
});

/** A check of one user: that user's status ("unknown" when neither side has them). */
const UserCheck = engineResult({ ...summary, user: z.string(), status: z.enum([...SYNC_STATUSES, 'unknown']) });

export const IdentityCheckResult = z.union([FullCheck, UserCheck]);
export type IdentityCheckResult = z.output<typeof IdentityCheckResult>;

const IntegrityReportSchema = z.object({
  sourceOfTruth: SourceOfTruth,
  total: Count,
  counts: z.record(z.enum(SYNC_STATUSES), Count),
  percentInSync: Percent,
  issuesByField: z.record(z.enum(IDENTITY_FIELDS), Count),
  matchedByEmail: Count,
  softDeletedRemote: Count,
  recommendations: z.array(z.string()),
}) satisfies z.ZodType<IntegrityReport>;

export const IdentityValidateResult = engineResult({ ...summary, report: IntegrityReportSchema });
export type IdentityValidateResult = z.output<typeof IdentityValidateResult>;

export const IdentityRepairResult = engineResult({
  sourceOfTruth: SourceOfTruth,
  remoteOnly: z.enum(REMOTE_ONLY_POLICIES),
  selected: Count,
  repaired: Count,
  unchanged: Count,
  manual: Count,
  failed: Count,
  refused: Count,
  /** Changes made, by action (identity-actions.ts). */
  actions: z.record(z.string(), Count),
  destructive: Count,
  itemsFailed: Count,
  /** The first 20 failures in words (kept for readers of older results; failedItems names them too). */
  errors: z.array(z.string()).max(20).optional(),
});
export type IdentityRepairResult = z.output<typeof IdentityRepairResult>;

const NotRestored = z.object({ field: z.string(), expected: z.unknown(), actual: z.unknown(), reason: z.string() });
const ChangedSince = z.object({ field: z.string(), repairLeft: z.unknown(), current: z.unknown() });
const RevertStatus = z.enum(['reverted', 'partial', 'not-revertible', 'failed', 'changed-since']);
const RevertOutcome = z.object({
  auditId: Count,
  action: z.string(),
  subject: z.string(),
  status: RevertStatus,
  notRestored: z.array(NotRestored),
  changedSince: z.array(ChangedSince).optional(),
  message: z.string().optional(),
});

/** The revert of one audit entry: its outcome, spread (identity-revert.ts revertIdentityRepair). */
const EntryRevert = engineResult({
  ...RevertOutcome.shape,
  reverted: Count,
  notUndone: z.array(z.string()).optional(),
  itemsFailed: Count,
});

/** "Revert this run": counts by outcome and each outcome (identity-revert.ts revertIdentityRun). */
const RunRevert = engineResult({
  revertedRun: Count,
  entries: Count,
  reverted: Count,
  partial: Count,
  notRevertible: Count,
  failed: Count,
  changedSince: Count,
  itemsFailed: Count,
  notUndone: z.array(z.string()),
  outcomes: z.array(RevertOutcome),
});

export const IdentityRevertResult = z.union([RunRevert, EntryRevert]);
export type IdentityRevertResult = z.output<typeof IdentityRevertResult>;

export const identityModes = {
  check: { result: IdentityCheckResult, description: 'Compare both sides and record a finding per drifted user.' },
  repair: { result: IdentityRepairResult, description: 'Repair the chosen findings towards the source of truth.' },
  validate: { result: IdentityValidateResult, description: 'Report the integrity of both sides, read-only.' },
  // A revert deletes what a repair created: confirmed by a person each time, never fired by a schedule.
  revert: { result: IdentityRevertResult, description: 'Undo one repair (an audit entry) or every change of a run.', byHand: true },
} satisfies EngineModes;
