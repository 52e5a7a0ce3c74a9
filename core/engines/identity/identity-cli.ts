import type { AuditEntry } from '../../api/models';
import type { ContractCaller, EngineCliPolicy, RepairPreview } from '../engine-policies';
import { nameUsers, readableSubject } from './identity-confirm';

/** Every audit action of the identity engine starts so; a revert's own entries start `identity.revert.`. */
const REVERT_ACTION = 'identity.revert.';

/**
 * The identity engine on the CLI: `--user` becomes an email (a user only in
 * Supabase Auth is one too, though the users table does not know it); a
 * repair with destructive actions (ban, delete, relink) names them and their
 * count and needs --yes (DESIGN §4.4); `syncwarden revert` undoes its changes
 * on both sides.
 */
export const identityCli: EngineCliPolicy = {
  commands: ['check', 'repair', 'validate'],
  user: { as: 'email', foreignEmails: true },
  confirmRepair,
  revert: {
    where: 'on both sides',
    undoes: (entry: AuditEntry) => !entry.action.startsWith(REVERT_ACTION),
    params: (target) =>
      'runId' in target ? { mode: 'revert', revertRunId: target.runId, confirmDestructive: true } : { mode: 'revert', auditId: target.auditId, confirmDestructive: true },
    describe: describeRevert,
  },
};

/**
 * The plan the console's confirmation dialog shows, for the findings this repair applies, naming the users
 * (the first ten, then how many more). Confirmed with --yes, it carries the plan's digest: a repair whose
 * destructive steps touch other users by the time it runs refuses instead (identity-confirm.ts).
 */
async function confirmRepair(call: ContractCaller, params: Readonly<Record<string, unknown>>): Promise<RepairPreview> {
  const { findingIds, user, remoteOnly, relink } = params;
  const plan = await call('identity.plan', {
    ...(Array.isArray(findingIds) && findingIds.length ? { findingIds } : typeof user === 'string' ? { user } : { all: true }),
    ...(remoteOnly === 'ban' || remoteOnly === 'leave' || remoteOnly === 'delete' ? { remoteOnly } : {}),
    ...(relink === true ? { relink: true } : {}),
  });
  const users = nameUsers(plan.destructiveUsers.map((u) => u.email ?? readableSubject(u.subject)), plan.destructive);
  return { summary: plan.destructive ? `${plan.summary}: ${users}` : plan.summary, destructive: plan.destructive, total: plan.total, confirmed: { confirmDestructive: plan.digest } };
}

/** A run revert has counts; a one-entry revert has its entry's status (its `reverted` is the audit id, not a count). */
function describeRevert(result: Readonly<Record<string, unknown>>): string[] {
  const counts =
    'entries' in result
      ? ['entries', 'reverted', 'partial', 'notRevertible', 'failed', 'changedSince'].filter((k) => k in result).map((k) => `${k} ${String(result[k])}`)
      : typeof result.status === 'string'
        ? [`audit entry ${String(result.reverted)}: ${result.status}`]
        : [];
  const left = Array.isArray(result.notUndone) ? (result.notUndone as string[]).map((line) => `  not undone: ${line}`) : [];
  const fields = Array.isArray(result.notRestored) ? (result.notRestored as { field: string; reason: string }[]).map((f) => `  not restored: ${f.field}: ${f.reason}`) : [];
  return [...(counts.length ? [`  ${counts.join(', ')}`] : []), ...left, ...fields];
}
