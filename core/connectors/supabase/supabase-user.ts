import type { User } from '@supabase/supabase-js';

/**
 * A Supabase Auth user as engines see it: plain data, no SDK types.
 *
 * Invariant: a soft-deleted user (`deleted: true`) has `email: null`, because
 * GoTrue replaces the address with a hash on soft delete; comparing that hash
 * with the app DB would invent a mismatch (api-facts §7).
 */
export interface SupabaseUser {
  id: string;
  /** Lower-cased by GoTrue; null for phone-only and soft-deleted users. */
  email: string | null;
  /** `user_metadata.full_name`, else `user_metadata.name`, else null. */
  name: string | null;
  emailVerified: boolean;
  /** GoTrue's own role claim (usually "authenticated"); app roles live in `appMetadata`. */
  role: string;
  createdAt: string;
  updatedAt: string | null;
  deleted: boolean;
  deletedAt: string | null;
  /** Set while the user is banned (GoTrue `banned_until`, omitted when not banned); sign-in is refused. */
  bannedUntil: string | null;
  /** GoTrue `last_sign_in_at`: a revert never deletes a created user who has signed in since. Optional: older fixtures lack it. */
  lastSignInAt?: string | null;
  userMetadata: Readonly<Record<string, unknown>>;
  appMetadata: Readonly<Record<string, unknown>>;
}

/** One page of `listAllUsers`. */
export interface SupabaseUserPage {
  /** 1-based page number that was requested. */
  page: number;
  users: SupabaseUser[];
  /** X-Total-Count as the service reported it with this page; null when it sent none. */
  total: number | null;
}

export interface NewSupabaseUser {
  /** Keep the product's id (a UUID) so both copies match by id; GoTrue honours it (a taken id fails). */
  id?: string;
  email: string;
  /** True marks the address as confirmed (no confirmation mail is sent by the admin API either way). */
  emailConfirmed?: boolean;
  userMetadata?: Record<string, unknown>;
  appMetadata?: Record<string, unknown>;
}

/**
 * A partial update. Metadata is shallow-merged by the service: listed keys are
 * set, a key set to `null` is removed, other keys stay. Applying the same patch
 * twice leaves the user as the first time did (only `updatedAt` moves).
 */
export interface SupabaseUserPatch {
  email?: string;
  /** Only `true` has an effect: the admin API cannot unconfirm an address. */
  emailConfirmed?: boolean;
  userMetadata?: Record<string, unknown>;
  appMetadata?: Record<string, unknown>;
  /** A Go duration ("876000h") bans the user until then; "none" lifts a ban (api-facts-2 §14). */
  banDuration?: string;
}

/** About 100 years: the reversible stand-in for a delete (undone by `banDuration: 'none'`). */
export const BAN_FOR_GOOD = '876000h';

/**
 * The fields of a GoTrue user that toSupabaseUser reads: all that a listing
 * keeps of each user (identities, factors, phone … are dropped as each page
 * streams in, issue 19). Add a field here when toSupabaseUser starts reading it
 * (tests/unit/supabase-listed-user.test.ts checks the two agree).
 */
export type ListedUser = Pick<
  User,
  'id' | 'email' | 'email_confirmed_at' | 'role' | 'created_at' | 'updated_at' | 'deleted_at' | 'banned_until' | 'last_sign_in_at' | 'user_metadata' | 'app_metadata'
>;

/** One listed element cut down to ListedUser; anything that is not an object is left as it came (toSupabaseUser then treats it as before). */
export function toListedUser(element: unknown): unknown {
  if (typeof element !== 'object' || element === null) return element;
  const user = element as Record<string, unknown>;
  return {
    id: user.id,
    email: user.email,
    email_confirmed_at: user.email_confirmed_at,
    role: user.role,
    created_at: user.created_at,
    updated_at: user.updated_at,
    deleted_at: user.deleted_at,
    banned_until: user.banned_until,
    last_sign_in_at: user.last_sign_in_at,
    user_metadata: user.user_metadata,
    app_metadata: user.app_metadata,
  };
}

export function toSupabaseUser(user: ListedUser): SupabaseUser {
  const deleted = Boolean(user.deleted_at);
  const meta: Record<string, unknown> = user.user_metadata ?? {};
  const name = [meta.full_name, meta.name].find((value): value is string => typeof value === 'string' && value.trim() !== '');
  return {
    id: user.id,
    email: deleted || !user.email ? null : user.email,
    name: name ?? null,
    emailVerified: Boolean(user.email_confirmed_at),
    role: user.role ?? 'authenticated',
    createdAt: user.created_at,
    updatedAt: user.updated_at ?? null,
    deleted,
    deletedAt: user.deleted_at ?? null,
    // A ban that has run out is no ban.
    bannedUntil: user.banned_until && Date.parse(user.banned_until) > Date.now() ? user.banned_until : null,
    lastSignInAt: user.last_sign_in_at ?? null,
    userMetadata: meta,
    appMetadata: user.app_metadata ?? {},
  };
}
