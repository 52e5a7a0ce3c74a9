import { z } from 'zod';
import { REMOTE_ONLY_POLICIES } from './identity-actions';
import { MAX_FINDING_IDS } from '../../api/limits';
import { PLAN_DIGEST, PLAN_DIGEST_LENGTH } from './identity-confirm';

/**
 * Params follow the engines' convention (mode, and for a repair one of
 * findingIds, user or all), plus the identity engine's own choices.
 */
export const IdentityParams = z.strictObject({
  mode: z.enum(['check', 'repair', 'validate', 'revert']).default('check'),
  /** With mode "revert": the audit entry of the repair to undo. */
  auditId: z.number().int().positive().optional(),
  /** With mode "revert": undo every revertible identity change this run made, newest first. */
  revertRunId: z.number().int().positive().optional(),
  user: z.string().trim().min(3).max(320).optional(),
  findingIds: z.array(z.number().int().positive()).min(1).max(MAX_FINDING_IDS).optional(),
  all: z.boolean().optional(),
  /**
   * Which side wins. Given once, it is remembered for the Supabase connection;
   * absent, the remembered choice applies, else the app DB.
   */
  sourceOfTruth: z.enum(['appdb', 'supabase']).optional(),
  /** A repair that deletes more users than the safety limit must state that number here. */
  confirmDeletes: z.number().int().min(0).optional(),
  /**
   * The admin confirmed the destructive actions (ban, delete, relink) this repair plans,
   * after a dialog or the CLI's --yes named them. Without it a manual repair refuses them,
   * and every revert refuses (a revert can delete what a repair created).
   * A string is the digest of the plan the admin was shown (identity.plan `digest`): a repair
   * whose destructive steps now touch other users refuses. `true` or a count (the count the
   * admin saw) is taken only for a selection by hand (a user or finding ids) whose destructive steps
   * are all about one user (identity-confirm.ts). A repair given both a user and finding ids is refused.
   */
  confirmDestructive: z.union([z.boolean(), z.number().int().min(0).max(10_000_000), z.string().max(PLAN_DIGEST_LENGTH).regex(PLAN_DIGEST, 'the digest of the plan you were shown (identity.plan)')]).optional(),
  /**
   * A Supabase-only user with the users table as truth: "ban" (reversible, the default) or
   * "leave" for a person, remembered for the connection; "delete" (soft delete, cannot be
   * undone) applies to this run only and never to a scheduled one.
   */
  remoteOnly: z.enum(REMOTE_ONLY_POLICIES).optional(),
  /** Relink re-signups: the users row takes the new Supabase id (an explicit choice). */
  relink: z.boolean().optional(),
  /** First retry delay of rate-limited Supabase calls (tests shorten it). */
  retryInitialDelayMs: z.number().int().min(1).max(60_000).optional(),
});
export type IdentityParams = z.infer<typeof IdentityParams>;
