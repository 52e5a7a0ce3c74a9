import { fieldValue, IDENTITY_FIELDS, UUID, type IdentityField, type IdentityRecord, type SyncRow } from './identity-model';

/*
 * Pairing rules shared by every classifier: one user seen on both sides, and
 * what differs. The check classifies at scale in identity-merge.ts.
 */

export function pair(local: IdentityRecord, remote: IdentityRecord, matchedBy: 'id' | 'email'): SyncRow {
  const diffs = diffRecords(local, remote);
  // A row id that is not a UUID can never equal a Supabase id: pairing by email is its normal state, not a re-signup.
  const resignup = matchedBy === 'email' && UUID.test(local.id);
  return { status: diffs.length ? 'inconsistent' : 'in-sync', matchedBy, local, remote, diffs, ...(resignup ? { problem: 're-signup' as const } : {}) };
}

export function diffRecords(local: IdentityRecord, remote: IdentityRecord): IdentityField[] {
  return IDENTITY_FIELDS.filter((field) => fieldValue(local, field) !== fieldValue(remote, field));
}
