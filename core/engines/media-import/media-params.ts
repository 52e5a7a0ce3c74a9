import { z } from 'zod';
import { MAX_FINDING_IDS } from '../../api/limits';

/**
 * Params follow the engines' convention (docs/architecture.md) so the generic
 * CLI and the console drive this engine: `mode`, and for a repair one of
 * `findingIds`, `user` or `all`. `user` on a check scans that user's folders only.
 */
export const MediaImportParams = z.strictObject({
  mode: z.enum(['check', 'repair']).default('check'),
  user: z.email().max(320).optional(),
  findingIds: z.array(z.number().int().positive()).max(MAX_FINDING_IDS).optional(),
  all: z.boolean().optional(),
  /** Share of the Admin API budget still remaining that one run may spend (the rest is left to the product). */
  budgetShare: z.number().gt(0).max(1).default(0.5),
  /** A named Cloudinary connection, when there are several. */
  connection: z.string().min(1).max(80).optional(),
});
export type MediaImportParams = z.infer<typeof MediaImportParams>;

/**
 * Repairs are idempotent, so repairs of different choices may run side by
 * side: an Import click on one video must not join (and be lost in) another
 * video's running import. Emails match case-insensitively, so a user's
 * scope is spelt in lower case: `Ada@x` and `ada@x` are one scope.
 */
export function scopeOf(params: MediaImportParams): string {
  const user = params.user?.toLowerCase();
  if (params.mode === 'check') return user ? `user:${user}` : 'all';
  if (params.findingIds?.length) return params.findingIds.length === 1 ? `repair:finding:${params.findingIds[0]}` : 'repair:findings';
  return user ? `repair:user:${user}` : 'repair:all';
}
