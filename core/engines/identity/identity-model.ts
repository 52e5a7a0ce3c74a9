/**
 * The identity engine's vocabulary: one user as either side holds it, the
 * four statuses, the compared fields, and one row of the users sync table.
 */
export const SYNC_STATUSES = ['in-sync', 'local-only', 'remote-only', 'inconsistent'] as const;
export type SyncStatus = (typeof SYNC_STATUSES)[number];

/** Fields compared between the users table and Supabase Auth, in display order. */
export const IDENTITY_FIELDS = ['id', 'email', 'name', 'emailVerified', 'role'] as const;
export type IdentityField = (typeof IDENTITY_FIELDS)[number];

/** A user as one side holds it, normalised for comparison (emails lower-cased, blank names null). */
export interface IdentityRecord {
  id: string;
  email: string | null;
  name: string | null;
  emailVerified: boolean;
  role: string;
  /** Supabase only: the user is banned (sign-in refused). Not compared: the users table has no such column. */
  banned?: boolean;
}

/**
 * Why a drifted user cannot be repaired by the obvious API call (DESIGN §4.6:
 * classified before anything is proposed):
 * - `remote-soft-deleted`: the row's id is a soft-deleted Supabase user; GoTrue keeps
 *   the id taken, so creating it again fails (500).
 * - `duplicate-email`: another users row has the same email up to case; creating
 *   this one fails with 422 `email_exists`.
 * - `re-signup`: Supabase has the email under another id (the person signed up again).
 */
export const IDENTITY_PROBLEMS = ['remote-soft-deleted', 'duplicate-email', 're-signup'] as const;
export type IdentityProblem = (typeof IDENTITY_PROBLEMS)[number];

/** Supabase Auth ids are UUIDs; a users row whose id is not one can only ever pair by email. */
export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The key two ids pair on, on both sides: lower-cased, so a UUID pairs whatever its letters' case (GoTrue
 * answers lower case; a product may store the same UUID upper case). The one rule for the check (the spill's
 * `idl`), the re-read before acting (LocalUsers.findByIdKey) and every comparison of ids.
 */
export function idKey(id: string): string {
  return id.toLowerCase();
}

type MatchKind = 'id' | 'email';

export interface SyncRow {
  status: SyncStatus;
  /** How the two copies were paired; null when only one side has the user. */
  matchedBy: MatchKind | null;
  local: IdentityRecord | null;
  remote: IdentityRecord | null;
  /** Differing fields (inconsistent rows only). */
  diffs: IdentityField[];
  /** Set when the obvious repair cannot succeed; such a user is left for a person. */
  problem?: IdentityProblem | undefined;
}

export type SourceOfTruth = 'appdb' | 'supabase';

/**
 * Supabase keeps the product's role in `app_metadata.role` (GoTrue's own `role`
 * is the JWT claim, "authenticated" for everyone). A user without it has the
 * canonical schema's default role.
 */
export const ROLE_METADATA_KEY = 'role';
export const DEFAULT_ROLE = 'user';

export function rowEmail(row: SyncRow): string | null {
  return row.local?.email ?? row.remote?.email ?? null;
}

export function normaliseEmail(value: unknown): string | null {
  return typeof value === 'string' && value.trim() !== '' ? value.trim().toLowerCase() : null;
}

export function normaliseName(value: unknown): string | null {
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : null;
}

/** SQLite keeps booleans as 0/1; PostgreSQL as booleans; some products as 't'/'f' text. */
export function normaliseBool(value: unknown): boolean {
  return value === true || value === 1 || value === '1' || value === 't' || value === 'true' || value === 1n;
}

export function fieldValue(record: IdentityRecord, field: IdentityField): string | boolean | null {
  return field === 'id' ? idKey(record.id) : record[field];
}
