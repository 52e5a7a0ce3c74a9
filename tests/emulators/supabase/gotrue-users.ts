import { createHash, randomUUID } from 'node:crypto';

/**
 * The user table of the GoTrue emulator, shaped like `internal/models/user.go`
 * (api-facts §7). Only what the admin API shows is kept: no passwords, tokens
 * or sessions. Optional fields are absent when empty, as Go's `omitempty` does.
 */
export type Metadata = Record<string, unknown>;

export interface GoTrueIdentity {
  identity_id: string;
  id: string;
  user_id: string;
  identity_data: Metadata;
  provider: string;
  last_sign_in_at: string;
  created_at: string;
  updated_at: string;
  email?: string;
}

export interface GoTrueUser {
  id: string;
  aud: string;
  role: string;
  email: string;
  phone: string;
  email_confirmed_at?: string;
  phone_confirmed_at?: string;
  confirmed_at?: string;
  app_metadata: Metadata;
  user_metadata: Metadata;
  identities: GoTrueIdentity[];
  created_at: string;
  updated_at: string;
  banned_until?: string;
  deleted_at?: string;
  /** GoTrue sets it at each sign-in (omitempty: absent for a user who never signed in). */
  last_sign_in_at?: string;
  is_anonymous: boolean;
}

/** A user as a seed fixture or a test helper gives it; everything but the email is optional. */
export interface SeedUser {
  id?: string;
  email?: string;
  phone?: string;
  role?: string;
  email_confirmed_at?: string;
  user_metadata?: Metadata;
  app_metadata?: Metadata;
  created_at?: string;
  updated_at?: string;
  deleted_at?: string;
  banned_until?: string;
  /** Never shown by the admin API; lets a test sign in (gotrue-signin.ts). */
  password?: string;
  last_sign_in_at?: string;
}

export const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function newUser(seed: SeedUser, now = new Date().toISOString()): GoTrueUser {
  const id = (seed.id ?? randomUUID()).toLowerCase();
  const createdAt = seed.created_at ?? now;
  const email = (seed.email ?? '').toLowerCase();
  const user: GoTrueUser = {
    id,
    aud: 'authenticated',
    role: seed.role ?? 'authenticated',
    email,
    phone: seed.phone ?? '',
    app_metadata: { provider: email ? 'email' : 'phone', providers: [email ? 'email' : 'phone'] },
    user_metadata: {},
    identities: [],
    created_at: createdAt,
    updated_at: seed.updated_at ?? createdAt,
    is_anonymous: false,
  };
  mergeMetadata(user.app_metadata, seed.app_metadata);
  mergeMetadata(user.user_metadata, seed.user_metadata);
  if (email) user.identities.push(emailIdentity(user, createdAt));
  if (seed.email_confirmed_at) confirmEmail(user, seed.email_confirmed_at);
  if (seed.banned_until) user.banned_until = seed.banned_until;
  if (seed.last_sign_in_at) user.last_sign_in_at = seed.last_sign_in_at;
  if (seed.deleted_at) softDelete(user, seed.deleted_at);
  return user;
}

function emailIdentity(user: GoTrueUser, at: string): GoTrueIdentity {
  return {
    identity_id: randomUUID(),
    id: user.id,
    user_id: user.id,
    identity_data: { email: user.email, email_verified: false, phone_verified: false, sub: user.id },
    provider: 'email',
    last_sign_in_at: at,
    created_at: at,
    updated_at: at,
    email: user.email,
  };
}

/** `UpdateUserMetaData` / `UpdateAppMetaData`: a shallow merge where a null value deletes the key. */
export function mergeMetadata(target: Metadata, updates: Metadata | undefined): void {
  for (const [key, value] of Object.entries(updates ?? {})) {
    if (value === null) delete target[key];
    else target[key] = value;
  }
}

/** `User.Confirm`: stamps email_confirmed_at again on every call and marks user_metadata.email_verified. */
export function confirmEmail(user: GoTrueUser, at: string): void {
  user.email_confirmed_at = at;
  user.confirmed_at = minTime(at, user.phone_confirmed_at);
  user.user_metadata.email_verified = true;
}

export function setEmail(user: GoTrueUser, email: string, at: string): void {
  user.email = email;
  const identity = user.identities.find((i) => i.provider === 'email');
  if (identity) {
    identity.identity_data.email = email;
    identity.email = email;
    identity.updated_at = at;
  } else {
    user.identities.push(emailIdentity(user, at));
  }
}

/**
 * `SoftDeleteUser`: the row stays (and stays in listUsers) with `deleted_at`, the
 * email and phone replaced by base64url(sha256(id + value)) (the phone cut to 15
 * characters), and user_metadata, app_metadata and identity data cleared.
 */
export function softDelete(user: GoTrueUser, at: string): void {
  user.email = obfuscate(user.id, user.email);
  user.phone = obfuscate(user.id, user.phone).slice(0, 15);
  user.user_metadata = {};
  user.app_metadata = {};
  for (const identity of user.identities) {
    identity.identity_data = {};
    identity.id = obfuscate(user.id, `${identity.provider}:${identity.id}`);
  }
  user.deleted_at = at;
}

function obfuscate(id: string, value: string): string {
  return createHash('sha256').update(id + value).digest('base64url');
}

function minTime(a: string, b: string | undefined): string {
  return b !== undefined && b < a ? b : a;
}
