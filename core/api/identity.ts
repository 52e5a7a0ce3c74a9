import { z } from 'zod';
import { MAX_FINDING_IDS } from './limits';
import { pageOf } from './models';

/**
 * The Users page's view of the identity engine's users sync table: the rows
 * the last full check stored (kept current by repairs), paged, filtered and
 * sorted on the host so 100,000 users never cross the transport at once.
 */
export const IDENTITY_STATUSES = ['in-sync', 'local-only', 'remote-only', 'inconsistent'] as const;
export const IdentityStatusSchema = z.enum(IDENTITY_STATUSES);
export type IdentityStatus = z.infer<typeof IdentityStatusSchema>;

/** Every change a repair can make (see core/engines/identity/identity-actions.ts for sides and reversibility). */
export const IDENTITY_ACTIONS = [
  'none',
  'manual',
  'create-remote',
  'update-remote',
  'ban-remote',
  'delete-remote',
  'insert-local',
  'update-local',
  'delete-local',
  'relink-local',
] as const;
export const IdentityActionSchema = z.enum(IDENTITY_ACTIONS);
export type IdentityAction = z.infer<typeof IdentityActionSchema>;

/** Users whose obvious repair cannot succeed, each with its own finding kind and manual actions. */
export const IdentityProblemSchema = z.enum(['remote-soft-deleted', 'duplicate-email', 're-signup']);
export type IdentityProblem = z.infer<typeof IdentityProblemSchema>;

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
  /** What this user's repair button does (`manual`: nothing automatic; see `problem`). */
  action: IdentityActionSchema,
  problem: IdentityProblemSchema.nullable(),
  /** The Supabase user is banned (sign-in refused). */
  remoteBanned: z.boolean(),
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
  /** Users per repair action a "repair all" would take (bans and deletes are confirmed first). */
  actions: z.partialRecord(IdentityActionSchema, z.number().int().min(0)),
});
export type IdentitySummary = z.infer<typeof IdentitySummarySchema>;

export const IdentityPlanInputSchema = z
  .strictObject({
    findingIds: z.array(z.number().int().positive()).min(1).max(MAX_FINDING_IDS).optional(),
    user: z.string().trim().min(3).max(320).optional(),
    all: z.boolean().optional(),
    /** Plan with this Supabase-only policy instead of the one the check used. */
    remoteOnly: z.enum(['ban', 'leave', 'delete']).optional(),
    relink: z.boolean().optional(),
  })
  .refine((input) => input.findingIds !== undefined || input.user !== undefined || input.all === true, 'choose findingIds, user or all');

export const IdentityPlanItemSchema = z.object({
  findingId: z.number().int(),
  subject: z.string(),
  email: z.string().nullable(),
  action: IdentityActionSchema,
  side: z.enum(['supabase', 'users-table', 'none']),
  destructive: z.boolean(),
  reversible: z.boolean(),
  /** In words: "ban the user in Supabase Auth (sign-in refused; a revert unbans)". */
  effect: z.string(),
});
export type IdentityPlanItem = z.infer<typeof IdentityPlanItemSchema>;

/** What a repair would do, before it runs: the confirmation dialogs and the CLI read it. */
export const IdentityPlanSchema = z.object({
  items: z.array(IdentityPlanItemSchema).max(1000),
  total: z.number().int().min(0),
  counts: z.partialRecord(IdentityActionSchema, z.number().int().min(0)),
  destructive: z.number().int().min(0),
  irreversible: z.number().int().min(0),
  /** One sentence naming every destructive effect and its count; empty when there is none. */
  summary: z.string(),
  /** Whom each destructive action touches (the first 1000, by subject): a confirmation names them. */
  destructiveUsers: z.array(z.object({ findingId: z.number().int(), subject: z.string(), email: z.string().nullable(), action: IdentityActionSchema })).max(1000),
  /**
   * The digest of every destructive action with its subject (empty when there is none). A repair of several
   * users is confirmed by sending it back as `confirmDestructive`; one whose own plan's digest differs (the
   * users changed since) refuses.
   */
  digest: z.string().max(64),
});
export type IdentityPlan = z.infer<typeof IdentityPlanSchema>;

export const IdentityRevertRunInputSchema = z.strictObject({
  runId: z.number().int().positive(),
  /** The admin saw the confirmation ("Revert this run" is itself a change to both sides). */
  confirm: z.literal(true),
});
