import { z } from 'zod';
import { MAX_FINDING_IDS } from '../../api/limits';

/**
 * Params follow the engines' convention (mode, and for a repair one of
 * findingIds, user or all), plus the identity engine's own choices.
 */
export const IdentityParams = z.strictObject({
  mode: z.enum(['check', 'repair', 'validate', 'revert']).default('check'),
  /** With mode "revert": the audit entry of the repair to undo. */
  auditId: z.number().int().positive().optional(),
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
  /** First retry delay of rate-limited Supabase calls (tests shorten it). */
  retryInitialDelayMs: z.number().int().min(1).max(60_000).optional(),
});
export type IdentityParams = z.infer<typeof IdentityParams>;
