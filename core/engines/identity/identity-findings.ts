import { FIELD_WORDS } from './identity-report';
import type { IdentityRecord, SourceOfTruth, SyncRow } from './identity-model';

/** Why a user is a finding, in the words an admin reads in the findings list. */
export function reasonOf(row: SyncRow): string {
  switch (row.status) {
    case 'local-only':
      return 'In the users table but not in Supabase Auth';
    case 'remote-only':
      return 'In Supabase Auth but not in the users table';
    default: {
      const fields = row.diffs.map((f) => FIELD_WORDS[f]).join(', ');
      return `Differs in ${fields}${row.matchedBy === 'email' ? ' (paired by email)' : ''}`;
    }
  }
}

export function proposedAction(row: SyncRow, truth: SourceOfTruth): string {
  if (row.status === 'local-only') return truth === 'appdb' ? 'create the user in Supabase Auth' : 'delete the row from the users table';
  if (row.status === 'remote-only') return truth === 'appdb' ? 'soft-delete the user in Supabase Auth' : 'insert the row into the users table';
  const fixable = row.diffs.filter((f) => f !== 'id');
  if (fixable.length === 0) return 'align the ids by hand (a repair never changes ids)';
  return truth === 'appdb' ? 'update the Supabase Auth user from the users table' : 'update the users table row from Supabase Auth';
}

export interface FindingDetails {
  sourceOfTruth: SourceOfTruth;
  matchedBy: SyncRow['matchedBy'];
  localId: string | null;
  remoteId: string | null;
  local: IdentityRecord | null;
  remote: IdentityRecord | null;
  diffs: { field: string; local: unknown; remote: unknown }[];
  /** Index of the user in the sync table written by `snapshotRunId`. */
  row?: number;
  snapshotRunId?: number;
}

/** Both sides' values, so the finding alone says what differs and how to repair it. */
export function rowDetails(row: SyncRow, sourceOfTruth: SourceOfTruth): FindingDetails {
  return {
    sourceOfTruth,
    matchedBy: row.matchedBy,
    localId: row.local?.id ?? null,
    remoteId: row.remote?.id ?? null,
    local: row.local,
    remote: row.remote,
    diffs: row.diffs.map((field) => ({ field, local: row.local?.[field] ?? null, remote: row.remote?.[field] ?? null })),
  };
}
