import { REPAIR_ACTIONS, type RepairAction } from './identity-actions';

/** What each repair did, as the audit log's Action column says it (past tense: the entry is a record). */
const DONE: Record<RepairAction, string> = {
  none: 'Nothing changed',
  manual: 'Left for a person',
  'create-remote': 'Created the Supabase Auth user',
  'update-remote': 'Updated the Supabase Auth user',
  'ban-remote': 'Banned the Supabase Auth user',
  'delete-remote': 'Soft-deleted the Supabase Auth user',
  'insert-local': 'Inserted the users-table row',
  'update-local': 'Updated the users-table row',
  'delete-local': 'Deleted the users-table row',
  'relink-local': 'Relinked the users-table row',
};

/**
 * The labels of every audit action the identity engine writes: a repair's `identity.<action>`
 * (identity-repair.ts) and the revert of one, `identity.revert.<action>` (identity-revert.ts).
 */
export const identityAuditActions: Record<string, string> = Object.fromEntries(
  REPAIR_ACTIONS.flatMap((action) => [
    [`identity.${action}`, DONE[action]],
    [`identity.revert.${action}`, `Reverted: ${DONE[action].charAt(0).toLowerCase()}${DONE[action].slice(1)}`],
  ]),
);
