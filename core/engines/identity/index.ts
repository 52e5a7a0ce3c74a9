import type { Engine } from '../engine';
import { identityCli } from './identity-cli';
import type { IdentityParams } from './identity-params';
import { identityEngine as core } from './identity.engine';
import { everyUserSchedule } from '../every-user-schedule';
import { identityModes } from './identity-results';
import { identityAuditActions } from './identity-audit-labels';
import { identityHandlers } from './identity.handlers';

/**
 * The identity engine as the console knows it: its computation (./identity.engine.ts) and
 * the parts the shared layers read (engine-policies.ts). Nothing outside this
 * folder imports anything but this file (issue 17).
 */
export const identityEngine: Engine<IdentityParams> = {
  ...core,

  // modes and result schemas
  modes: identityModes,

  // contract handlers
  handlers: identityHandlers,

  // schedule policy
  schedule: everyUserSchedule(core.id),

  // notifications

  // CLI
  cli: identityCli,

  // renderer metadata
  ui: {
    revertRunModes: ['repair'],
    // A check: how many users and how many agree; a repair: what it did.
    resultSummary: [
      { key: 'users', text: '{n} user{s}' },
      { key: 'percentInSync', text: '{n} % in sync', always: true },
      { key: 'status', text: 'status: {n}' },
      { key: 'repaired', text: '{n} repaired', always: true },
      { key: 'localOnly', text: '{n} only in the users table' },
      { key: 'remoteOnly', text: '{n} only in Supabase Auth' },
      { key: 'inconsistent', text: '{n} differ' },
      { key: 'manual', text: '{n} left for a person' },
      { key: 'failed', text: '{n} failed' },
      { key: 'reverted', text: '{n} reverted', always: true },
    ],
    findingKinds: {
      'local-only': 'Not in Auth',
      'remote-only': 'Not in users',
      inconsistent: 'Fields differ',
      'remote-soft-deleted': 'Auth deleted',
      'duplicate-email': 'Email clash',
      're-signup': 'Re-signed up',
      'repair-refused': 'Refused',
    },
    findingActions: {
      repair: { label: 'Repair this user', statuses: ['open'], confirm: 'plain', effect: 'Applies the proposed action to this user in Supabase Auth or the users table; each change is written to the audit log and can be reverted there.', undo: 'Revert the change from the audit log, or this finding once it is repaired.' },
      revert: { statuses: ['repaired'] },
    },
    auditActions: identityAuditActions,
    revertActions: {
      'identity.update-remote': 'Puts the old values back on the Supabase Auth user (a confirmed email stays confirmed).',
      'identity.update-local': 'Puts the old values back in the users table row.',
      'identity.create-remote': 'Deletes the user this repair created in Supabase Auth.',
      'identity.insert-local': 'Deletes the row this repair inserted into the users table.',
      'identity.delete-local': 'Inserts the deleted row into the users table again, as it was.',
      'identity.ban-remote': 'Unbans the user in Supabase Auth: they can sign in again.',
      'identity.relink-local': 'Changes the users row’s id back to the one it had.',
    },
  },
};
