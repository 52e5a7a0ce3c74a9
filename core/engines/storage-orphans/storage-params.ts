import { z } from 'zod';
import { MAX_FINDING_IDS } from '../../api/limits';
import { StorageProviderSchema } from '../../api/storage';

/**
 * Params follow the engines' convention (docs/architecture.md): `mode`, and
 * for a repair one of `findingIds`, `user` (a user id) or `all`. `user` and
 * `provider` on a check narrow it to one user, or one provider of one user.
 * `autoRepair: true` (scheduled runs) repairs right after the check, inside
 * the DESIGN §4.3 limit; so does a user's own deleteAfterSync on a scheduled run.
 */
export const StorageOrphansParams = z
  .strictObject({
    mode: z.enum(['check', 'repair']).default('check'),
    user: z.string().min(1).max(200).optional(),
    provider: StorageProviderSchema.optional(),
    findingIds: z.array(z.number().int().positive()).max(MAX_FINDING_IDS).optional(),
    all: z.boolean().optional(),
    autoRepair: z.boolean().optional(),
    /** Ignore delta cursors and read every account in full. */
    full: z.boolean().optional(),
    /** How a full pass reads an account: by cost (default), always list, or always probe each row. */
    strategy: z.enum(['auto', 'list', 'probe']).default('auto'),
    /** Opened from a user's detail (storage.checkIfStale): notifications stay silent. */
    quiet: z.boolean().optional(),
    /** Named connections, when there are several of a kind. */
    googleConnection: z.string().min(1).max(80).optional(),
    dropboxConnection: z.string().min(1).max(80).optional(),
    /** Days a quarantined row stays restorable before runs purge it. */
    retentionDays: z.number().int().min(1).max(3650).optional(),
  })
  .refine((p) => p.provider === undefined || p.user !== undefined, { message: 'provider narrows a check of one user: give user too', path: ['provider'] });
export type StorageOrphansParams = z.infer<typeof StorageOrphansParams>;

/**
 * Checks are keyed by what they cover, so a check of one user can run beside
 * the check of all; repairs of different choices may run side by side because
 * quarantining is idempotent per files row.
 */
export function scopeOf(params: StorageOrphansParams): string {
  if (params.mode === 'check') {
    if (!params.user) return 'all';
    return params.provider ? `user:${params.user}:${params.provider}` : `user:${params.user}`;
  }
  if (params.findingIds?.length) return params.findingIds.length === 1 ? `repair:finding:${params.findingIds[0]}` : 'repair:findings';
  return params.user ? `repair:user:${params.user}` : 'repair:all';
}
