import { BAN_FOR_GOOD, type SupabaseUser } from '../../connectors/supabase/supabase-user';
import type { RepairAction } from './identity-actions';
import type { IdentityRecord } from './identity-model';

/** The fields a revert compares and may write back (banned: Supabase only). */
export const REVERT_FIELDS = ['email', 'name', 'emailVerified', 'role', 'banned'] as const;
export type RevertField = (typeof REVERT_FIELDS)[number];

/** A field the repair wrote whose current value is no longer what the repair left (the after-image). */
export interface ChangedSince {
  field: string;
  /** What the repair left. */
  repairLeft: unknown;
  current: unknown;
}

export interface GuardImages {
  before: { local: IdentityRecord | null; remote: IdentityRecord | null };
  /** bannedUntil: a ban's end as GoTrue answered the repair (entries written before it was kept lack it). */
  after: { local: IdentityRecord | null; remote: IdentityRecord | null; bannedUntil?: string };
  current: { local: IdentityRecord | null; remote: IdentityRecord | null; remoteUser: SupabaseUser | null };
  /** When the repair was audited (ISO). */
  at: string;
}

/** A ban the repair set ends about BAN_FOR_GOOD after it; one ending elsewhere was set again since (clock slack allowed). */
const BAN_HOURS = Number.parseInt(BAN_FOR_GOOD, 10);
const BAN_SLACK_MS = 10 * 60 * 1000;

export const fieldValue = (record: IdentityRecord, field: RevertField): unknown => (field === 'banned' ? record.banned === true : record[field]);

/** The fields one repair changed: only these are compared and written back, so later edits of other fields survive. */
export function repairedFields(before: IdentityRecord | null, after: IdentityRecord | null): RevertField[] {
  if (!before || !after) return [...REVERT_FIELDS];
  return REVERT_FIELDS.filter((field) => fieldValue(before, field) !== fieldValue(after, field));
}

/**
 * What changed since the repair on the object a revert would act on (DESIGN §4: a revert never
 * undoes a later person's decision). Empty: safe to revert. A missing object is left to the
 * revert itself (it reports "no longer exists"). Invariant: only fields the repair wrote count,
 * plus, for a created user the revert would hard-delete, any sign-in after the repair.
 */
export function changedSince(action: RepairAction, images: GuardImages): ChangedSince[] {
  const { before, after, current } = images;
  switch (action) {
    case 'update-remote':
      return differing(after.remote, current.remote, repairedFields(before.remote, after.remote));
    case 'update-local':
      return differing(after.local, current.local, repairedFields(before.local, after.local));
    case 'insert-local':
      return differing(after.local, current.local, REVERT_FIELDS.filter((f) => f !== 'banned'));
    case 'create-remote':
      return [...differing(after.remote, current.remote, [...REVERT_FIELDS]), ...signedInSince(current.remoteUser, images.at)];
    case 'ban-remote':
      return banChanged(current.remoteUser, images.at, after.bannedUntil);
    default:
      return [];
  }
}

function differing(left: IdentityRecord | null, now: IdentityRecord | null, fields: readonly RevertField[]): ChangedSince[] {
  if (!left || !now) return [];
  return fields.filter((field) => fieldValue(left, field) !== fieldValue(now, field)).map((field) => ({ field, repairLeft: fieldValue(left, field), current: fieldValue(now, field) }));
}

function signedInSince(user: SupabaseUser | null, at: string): ChangedSince[] {
  const last = user?.lastSignInAt;
  if (!last || !(Date.parse(last) > Date.parse(at))) return [];
  return [{ field: 'lastSignInAt', repairLeft: `none after ${at}`, current: last }];
}

function banChanged(user: SupabaseUser | null, at: string, recorded: string | undefined): ChangedSince[] {
  if (!user) return [];
  if (!user.bannedUntil) return [{ field: 'banned', repairLeft: true, current: false }];
  // Exact when the repair kept the end GoTrue answered (no clock involved); else estimated from the audit time.
  if (recorded) return Date.parse(recorded) === Date.parse(user.bannedUntil) ? [] : [{ field: 'bannedUntil', repairLeft: recorded, current: user.bannedUntil }];
  const expected = Date.parse(at) + BAN_HOURS * 3600 * 1000;
  if (Math.abs(Date.parse(user.bannedUntil) - expected) <= BAN_SLACK_MS) return [];
  return [{ field: 'bannedUntil', repairLeft: new Date(expected).toISOString(), current: user.bannedUntil }];
}

/** The sentence an admin reads for an entry that was left alone. */
export function describeChanged(subject: string, changed: ChangedSince[]): string {
  const list = changed.map((c) => `${c.field} is now ${JSON.stringify(c.current)} (the repair left ${JSON.stringify(c.repairLeft)})`).join('; ');
  return `not reverted: ${subject} changed since the repair (${list}); undoing it would overwrite a later change. Revert by hand if still wanted.`;
}
