import { z } from 'zod';
import { pageOf } from './models';

/**
 * The Users page's view of the identity engine's users sync table: the rows
 * the last full check stored (kept current by repairs), paged, filtered and
 * sorted on the host so 100,000 users never cross the transport at once.
 */
export const IDENTITY_STATUSES = ['in-sync', 'local-only', 'remote-only', 'inconsistent'] as const;
export const IdentityStatusSchema = z.enum(IDENTITY_STATUSES);
export type IdentityStatus = z.infer<typeof IdentityStatusSchema>;

export const IDENTITY_SORT_KEYS = ['email', 'name', 'status'] as const;

export const IdentityUsersInputSchema = z.strictObject({
  status: IdentityStatusSchema.optional(),
  /** Part of an email or a name, either side, case-insensitive. */
  search: z.string().trim().max(200).optional(),
  sort: z.enum(IDENTITY_SORT_KEYS).default('email'),
  direction: z.enum(['asc', 'desc']).default('asc'),
  limit: z.number().int().min(1).max(500).default(100),
  offset: z.number().int().min(0).default(0),
});

export const IdentityFieldDiffSchema = z.object({
  field: z.enum(['id', 'email', 'name', 'emailVerified', 'role']),
  local: z.union([z.string(), z.boolean(), z.null()]),
  remote: z.union([z.string(), z.boolean(), z.null()]),
});
export type IdentityFieldDiff = z.infer<typeof IdentityFieldDiffSchema>;

export const IdentityUserRowSchema = z.object({
  /** Position in the sync table of check `runId`: stable until the next full check. */
  row: z.number().int().min(0),
  localId: z.string().nullable(),
  remoteId: z.string().nullable(),
  /** The users table's email when it has the user, else Supabase's. */
  email: z.string().nullable(),
  name: z.string().nullable(),
  status: IdentityStatusSchema,
  matchedBy: z.enum(['id', 'email']).nullable(),
  /** Differing fields with both values (inconsistent rows only). */
  diffs: z.array(IdentityFieldDiffSchema),
});
export type IdentityUserRow = z.infer<typeof IdentityUserRowSchema>;

export const IdentityUsersPageSchema = pageOf(IdentityUserRowSchema).extend({
  /** The check that wrote the table; null before the first full check. */
  runId: z.number().int().nullable(),
});
export type IdentityUsersPage = z.infer<typeof IdentityUsersPageSchema>;

export const IdentitySummarySchema = z.object({
  /** False until a full check has written the sync table. */
  checked: z.boolean(),
  runId: z.number().int().nullable(),
  checkedAt: z.string().nullable(),
  sourceOfTruth: z.enum(['appdb', 'supabase']).nullable(),
  total: z.number().int().min(0),
  inSync: z.number().int().min(0),
  issues: z.number().int().min(0),
  counts: z.record(IdentityStatusSchema, z.number().int().min(0)),
  /** One decimal, rounded down: 99.99 % in sync never shows as 100 %. */
  percentInSync: z.number().min(0).max(100),
  /** Deletions a "repair all" would make, and the most allowed without confirming the count (DESIGN §4). */
  pendingDeletes: z.number().int().min(0),
  deleteLimit: z.number().int().min(0),
});
export type IdentitySummary = z.infer<typeof IdentitySummarySchema>;
