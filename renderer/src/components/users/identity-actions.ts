import type { IdentityAction, IdentityProblem, IdentityUserRow } from '@core/api';

/**
 * What each identity repair does, in the words of its button and its
 * confirmation. Declared here because the renderer may not import runtime
 * values from core; the wording follows core/engines/identity/identity-actions.ts.
 */
export interface ActionWords {
  /** Where the change happens. */
  side: 'Supabase Auth' | 'the users table' | null;
  destructive: boolean;
  reversible: boolean;
  effect: string;
  /** How it is undone, or why it cannot be. */
  undo: string;
}

export const ACTION_WORDS: Record<IdentityAction, ActionWords> = {
  none: { side: null, destructive: false, reversible: true, effect: 'Nothing to do.', undo: '' },
  manual: { side: null, destructive: false, reversible: true, effect: 'Left for a person to decide.', undo: '' },
  'create-remote': { side: 'Supabase Auth', destructive: false, reversible: true, effect: 'Creates the user without a password (they sign in after a password reset).', undo: 'A revert in the audit log deletes the created user.' },
  'update-remote': { side: 'Supabase Auth', destructive: false, reversible: true, effect: 'Copies the users table’s values to the user.', undo: 'A revert puts the old values back (a confirmed email cannot be unconfirmed).' },
  'ban-remote': { side: 'Supabase Auth', destructive: true, reversible: true, effect: 'Bans the user: their sign-in is refused. The user and their data stay.', undo: 'A revert (audit log, or Revert this run) unbans the user.' },
  'delete-remote': { side: 'Supabase Auth', destructive: true, reversible: false, effect: 'Soft-deletes the user: their email and metadata are wiped.', undo: 'Supabase keeps the id taken, so the user can never be restored or recreated with it.' },
  'insert-local': { side: 'the users table', destructive: false, reversible: true, effect: 'Inserts a row for the user.', undo: 'A revert deletes the inserted row.' },
  'update-local': { side: 'the users table', destructive: false, reversible: true, effect: 'Copies Supabase’s values to the row.', undo: 'A revert puts the old values back.' },
  'delete-local': { side: 'the users table', destructive: true, reversible: true, effect: 'Deletes the row.', undo: 'The audit log keeps the row, and a revert inserts it again.' },
  'relink-local': { side: 'the users table', destructive: true, reversible: true, effect: 'Changes the row’s id to the id of the new Supabase user (the person signed up again).', undo: 'A revert changes the id back.' },
};

/** The button's words: what it will do, never "Sync". */
export function buttonLabel(row: IdentityUserRow): string {
  switch (row.action) {
    case 'create-remote':
      return 'Create in Supabase';
    case 'update-remote':
    case 'update-local': {
      const fields = row.diffs.filter((d) => d.field !== 'id').map((d) => FIELD_WORDS[d.field]);
      return `Update ${fields.join(', ') || 'user'}${row.action === 'update-local' ? ' in table' : ''}`;
    }
    case 'ban-remote':
      return 'Ban in Supabase';
    case 'delete-remote':
      return 'Delete in Supabase';
    case 'insert-local':
      return 'Add to users table';
    case 'delete-local':
      return 'Delete row';
    case 'relink-local':
      return 'Relink row';
    default:
      return row.problem === 're-signup' ? 'Relink row…' : 'Needs a person';
  }
}

const FIELD_WORDS: Record<string, string> = { id: 'id', email: 'email', name: 'name', emailVerified: 'email verified', role: 'role' };

/** Why a user is left for a person, and the manual actions that do work. */
export const PROBLEM_WORDS: Record<IdentityProblem, string> = {
  'remote-soft-deleted': 'Its Supabase user was soft-deleted and Supabase keeps that id taken, so it cannot be created again. Remove the stale row, or let the person sign up again and relink the row.',
  'duplicate-email': 'Another user has this email (up to letter case), so creating it would fail with email_exists. Merge the rows into one and remove the stale row.',
  're-signup': 'Supabase has this email under a new id: the person signed up again. Relink the row to the new id, or remove the stale row.',
};

export function manualReason(row: IdentityUserRow): string {
  // A duplicate email on a user both sides have: no create, the email update would collide with the other user.
  if (row.problem === 'duplicate-email' && row.status !== 'local-only') return 'Another user already has this row’s email (up to letter case), so updating the Supabase user to it would fail. Merge the two users, or give this row its own email.';
  if (row.problem) return PROBLEM_WORDS[row.problem];
  if (row.status === 'remote-only') return row.remoteBanned ? 'Already banned in Supabase; add the row or delete the user by hand.' : 'Left for a person by the “leave” setting.';
  return 'What differs cannot be changed by an API call (an id, or unconfirming an email).';
}
