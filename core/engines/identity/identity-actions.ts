import { IDENTITY_ACTIONS } from '../../api/identity';
import type { SourceOfTruth, SyncRow } from './identity-model';

/**
 * Every change the identity engine can make, with what an admin must know
 * before it runs: which side it touches, whether it is destructive (removes
 * or locks out a user) and whether a revert can undo it (DESIGN §4.4).
 */
export const REPAIR_ACTIONS = IDENTITY_ACTIONS;
export type RepairAction = (typeof REPAIR_ACTIONS)[number];

/** What to do with a Supabase-only user when the users table is the source of truth. */
export const REMOTE_ONLY_POLICIES = ['ban', 'leave', 'delete'] as const;
export type RemoteOnlyPolicy = (typeof REMOTE_ONLY_POLICIES)[number];

export interface ActionInfo {
  side: 'supabase' | 'users-table' | 'none';
  destructive: boolean;
  reversible: boolean;
  /** What the action does, in the words of a button or a confirmation. */
  effect: string;
}

export const ACTION_INFO: Record<RepairAction, ActionInfo> = {
  none: { side: 'none', destructive: false, reversible: true, effect: 'nothing to do' },
  manual: { side: 'none', destructive: false, reversible: true, effect: 'left for a person to decide' },
  'create-remote': { side: 'supabase', destructive: false, reversible: true, effect: 'create the user in Supabase Auth' },
  'update-remote': { side: 'supabase', destructive: false, reversible: true, effect: 'update the Supabase Auth user from the users table' },
  'ban-remote': { side: 'supabase', destructive: true, reversible: true, effect: 'ban the user in Supabase Auth (sign-in refused; a revert unbans)' },
  'delete-remote': {
    side: 'supabase',
    destructive: true,
    reversible: false,
    effect: 'soft-delete the user in Supabase Auth (cannot be undone: GoTrue keeps the id taken)',
  },
  'insert-local': { side: 'users-table', destructive: false, reversible: true, effect: 'insert the row into the users table' },
  'update-local': { side: 'users-table', destructive: false, reversible: true, effect: 'update the users table row from Supabase Auth' },
  'delete-local': { side: 'users-table', destructive: true, reversible: true, effect: 'delete the row from the users table (a revert puts it back)' },
  'relink-local': { side: 'users-table', destructive: true, reversible: true, effect: "relink the row to the Supabase user's new id (its id changes and its product rows follow it; a revert changes both back)" },
};

export const isDestructive = (action: RepairAction) => ACTION_INFO[action].destructive;
export const isIrreversible = (action: RepairAction) => !ACTION_INFO[action].reversible;

/**
 * The repair a user needs towards the source of truth. A user with a
 * classified problem, and a Supabase-only user under the "leave" policy, is
 * `manual`: no API call could fix it. A re-signup is relinked only when the
 * admin chooses that action (`relink: true`).
 */
export function actionFor(row: SyncRow | null, truth: SourceOfTruth, policy: RemoteOnlyPolicy, options: { relink?: boolean } = {}): RepairAction {
  if (row === null || row.status === 'in-sync') return 'none';
  if (row.problem === 're-signup' && options.relink && truth === 'appdb') return 'relink-local';
  if (row.problem) return 'manual';
  if (row.status === 'local-only') return truth === 'appdb' ? 'create-remote' : 'delete-local';
  if (row.status === 'remote-only') {
    if (truth === 'supabase') return 'insert-local';
    if (policy === 'leave') return 'manual';
    if (policy === 'delete') return 'delete-remote';
    // Already banned: the reversible repair is in place; what is left is for a person.
    return row.remote?.banned ? 'manual' : 'ban-remote';
  }
  return fixableDiffs(row, truth).length === 0 ? 'manual' : truth === 'appdb' ? 'update-remote' : 'update-local';
}

/** Differences an API call or UPDATE can remove: never an id, and the admin API cannot unconfirm an email. */
function fixableDiffs(row: SyncRow, truth: SourceOfTruth): SyncRow['diffs'] {
  return row.diffs.filter((f) => f !== 'id' && !(truth === 'appdb' && f === 'emailVerified' && row.local?.emailVerified === false));
}

/** Whether the action's intended end state holds: the verification after acting. */
export function actionDone(action: RepairAction, after: SyncRow | null, truth: SourceOfTruth): boolean {
  if (action === 'ban-remote') return after?.remote?.banned === true;
  if (action === 'delete-remote') return !after?.remote;
  if (action === 'delete-local') return !after?.local;
  // Both sides agree on everything an API call can change (a row id that is not a UUID, or an
  // unconfirmable email, stays for a person and is no failure).
  if (action === 'create-remote' || action === 'insert-local' || action === 'relink-local') return after !== null && after.local !== null && after.remote !== null && fixableDiffs(after, truth).length === 0;
  return after === null || after.status === 'in-sync' || fixableDiffs(after, truth).length === 0;
}
