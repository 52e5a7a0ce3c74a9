import { ACTION_INFO, type RepairAction } from './identity-actions';
import type { RepairBlock } from './identity-blocks';
import { FIELD_WORDS } from './identity-report';
import type { IdentityProblem, IdentityRecord, SourceOfTruth, SyncRow } from './identity-model';

/** The finding kind: a classified problem or a refused repair has its own, else the status. */
export function kindOf(row: SyncRow, block: RepairBlock | undefined): string {
  if (block) return 'repair-refused';
  return row.problem ?? row.status;
}

/** Why a user is a finding, in the words an admin reads in the findings list. */
export function reasonOf(row: SyncRow, block?: RepairBlock): string {
  if (block) return `Supabase refused to ${ACTION_INFO[block.action].effect.split(' (')[0]}: ${block.message}${block.code ? ` (${block.code})` : ''}`;
  if (row.problem) return problemWords(row).reason;
  switch (row.status) {
    case 'local-only':
      return 'In the users table but not in Supabase Auth';
    case 'remote-only':
      return row.remote?.banned ? 'In Supabase Auth (banned) but not in the users table' : 'In Supabase Auth but not in the users table';
    default: {
      const fields = row.diffs.map((f) => FIELD_WORDS[f]).join(', ');
      return `Differs in ${fields}`;
    }
  }
}

export function proposedAction(row: SyncRow, action: RepairAction, block?: RepairBlock): string {
  if (block) return 'left for a person: fix the cause on either side, then repair this user again (it is not retried automatically)';
  if (row.problem) return problemWords(row).manual;
  if (action === 'manual') {
    if (row.status === 'remote-only') return row.remote?.banned ? 'left for a person (already banned in Supabase)' : 'left for a person (the "leave" setting): ban, delete or add the row by hand';
    return 'left for a person: what differs cannot be changed by an API call (an id, or unconfirming an email)';
  }
  return ACTION_INFO[action].effect;
}

/** The problems' explanations and the manual actions that do work (shown on the Users page too). */
const PROBLEM_WORDS: Record<IdentityProblem, { reason: string; manual: string }> = {
  'remote-soft-deleted': {
    reason: 'In the users table, but its Supabase user was soft-deleted: GoTrue keeps that id taken, so it cannot be created again',
    manual: 'remove the stale row from the users table, or let the person sign up again and relink the row to the new id',
  },
  'duplicate-email': {
    reason: 'Another user already has this email (up to letter case): creating it in Supabase would fail with email_exists',
    manual: 'merge the duplicate rows into one (keep the row whose id Supabase has) and remove the stale row',
  },
  're-signup': {
    reason: 'Supabase has this email under another id: the person signed up again (or the ids were never aligned)',
    manual: 'relink the row to the new Supabase id (keeps the row, changes its id), or remove the stale row',
  },
};

/**
 * A duplicate email on a user both sides have (paired by id, emails differ): no create is involved, the update of
 * either side's email would collide with the other user who holds it, so the words say that and what works.
 */
const TAKEN_ON_UPDATE = {
  reason: "Its email differs between the two sides, and another user already has the users row's email (up to letter case): updating the Supabase user to it would collide with that user, so it is never tried",
  manual: 'decide who keeps the address: merge this user with the other one holding it (keep the row whose id Supabase has), or give this row its own email; then check again',
};

function problemWords(row: SyncRow): { reason: string; manual: string } {
  if (row.problem === 'duplicate-email' && row.local && row.remote) return TAKEN_ON_UPDATE;
  return PROBLEM_WORDS[row.problem as IdentityProblem];
}

export interface FindingDetails {
  sourceOfTruth: SourceOfTruth;
  matchedBy: SyncRow['matchedBy'];
  localId: string | null;
  remoteId: string | null;
  local: IdentityRecord | null;
  remote: IdentityRecord | null;
  diffs: { field: string; local: unknown; remote: unknown }[];
  /** The repair the check proposed; a repair re-reads both sides and never does more than this. */
  action?: RepairAction;
  problem?: IdentityProblem;
  /** The service's own refusal of an earlier repair (not retried automatically). */
  block?: RepairBlock;
  /** Index of the user in the sync table written by `snapshotRunId`. */
  row?: number;
  snapshotRunId?: number;
}

/** Both sides' values, so the finding alone says what differs and how to repair it. */
export function rowDetails(row: SyncRow, sourceOfTruth: SourceOfTruth, action: RepairAction, block?: RepairBlock): FindingDetails {
  return {
    sourceOfTruth,
    matchedBy: row.matchedBy,
    localId: row.local?.id ?? null,
    remoteId: row.remote?.id ?? null,
    local: row.local,
    remote: row.remote,
    diffs: row.diffs.map((field) => ({ field, local: row.local?.[field] ?? null, remote: row.remote?.[field] ?? null })),
    action: block ? 'manual' : action,
    ...(row.problem ? { problem: row.problem } : {}),
    ...(block ? { block } : {}),
  };
}
