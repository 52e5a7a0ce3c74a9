import { z } from 'zod';
import { AuditEntrySchema, FindingSchema } from './models';

/**
 * One user's detail for the Users page (`identity.user`): both sides' full
 * records read live (the users-table row with every column, the Supabase Auth
 * user as GoTrue's admin API returns it), and this user's identity findings
 * and audit history from the console store.
 */
const IdOrNull = z.string().trim().min(1).max(320).nullable();

export const IdentityUserInputSchema = z
  .strictObject({
    /** The users table's id (any text: product ids need not be UUIDs). */
    localId: IdOrNull,
    /** The Supabase Auth user id (a UUID). */
    remoteId: IdOrNull,
    email: IdOrNull,
  })
  .refine((input) => input.localId !== null || input.remoteId !== null || input.email !== null, 'Give at least one of localId, remoteId or email.');

/**
 * found: `record` is the side's copy now; absent: the side's own answer is that it has none (GoTrue's
 * user_not_found, no row with that id); not-linked: the sync table has no id for this side; unavailable:
 * the side could not be asked (no connection, network, credentials): `message` says why, absence is not implied.
 */
export const IdentityUserSideSchema = z.object({
  state: z.enum(['found', 'absent', 'not-linked', 'unavailable']),
  record: z.record(z.string(), z.unknown()).nullable(),
  message: z.string().nullable(),
  /** Columns whose values were withheld (password hashes, tokens): named, never sent. */
  redacted: z.array(z.string()),
});
export type IdentityUserSide = z.infer<typeof IdentityUserSideSchema>;

/** History shown per user: the newest entries, and how many there are in all. */
export const IDENTITY_USER_HISTORY_LIMIT = 50;

export const IdentityUserDetailSchema = z.object({
  local: IdentityUserSideSchema,
  remote: IdentityUserSideSchema,
  /** Identity findings about this user, newest first (every status). */
  findings: z.array(FindingSchema),
  findingsTotal: z.number().int().min(0),
  /** Identity audit entries about this user (repairs and reverts), newest first. */
  audit: z.array(AuditEntrySchema),
  auditTotal: z.number().int().min(0),
  /** The subjects the history was matched by ("user:<email>", "user:<id>"). */
  subjects: z.array(z.string()),
});
export type IdentityUserDetail = z.infer<typeof IdentityUserDetailSchema>;
