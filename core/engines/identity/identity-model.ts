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
}

export type MatchKind = 'id' | 'email';

export interface SyncRow {
  status: SyncStatus;
  /** How the two copies were paired; null when only one side has the user. */
  matchedBy: MatchKind | null;
  local: IdentityRecord | null;
  remote: IdentityRecord | null;
  /** Differing fields (inconsistent rows only). */
  diffs: IdentityField[];
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
  return field === 'id' ? record.id.toLowerCase() : record[field];
}
