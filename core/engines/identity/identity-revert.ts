import type { EngineContext } from '../engine';
import { currentRow, type Sides } from './identity-apply';
import type { IdentityRecord } from './identity-model';
import { remoteAttributes } from './identity-remote';

interface Image {
  local: IdentityRecord | null;
  remote: IdentityRecord | null;
}

/**
 * Puts one user back to the before-image of an identity repair in the audit
 * log, where the services allow it: an update is undone field by field, a
 * created Supabase user or inserted row is removed, a deleted row is
 * inserted again. A soft-deleted Supabase user cannot be restored (GoTrue
 * keeps its id taken), and a confirmed email cannot be unconfirmed through
 * the admin API: those are refused with the reason. The revert is itself
 * audited, so it can be reverted in turn.
 */
export async function revertIdentityRepair(auditId: number, context: EngineContext, sides: Sides): Promise<Record<string, unknown>> {
  const entry = context.resources.auditEntry(auditId);
  if (!entry || entry.engine !== 'identity' || !entry.action.startsWith('identity.')) {
    throw new Error(`Audit entry ${auditId} is not an identity repair.`);
  }
  const before = entry.before as Image;
  const after = entry.after as Image;
  const localId = before.local?.id ?? after.local?.id ?? null;
  const remoteId = before.remote?.id ?? after.remote?.id ?? null;
  const current = await currentRow(sides, localId, remoteId);
  const action = entry.action.slice('identity.'.length);

  switch (action) {
    case 'update-remote':
      await restoreRemote(sides, before.remote as IdentityRecord, current?.remote ?? null);
      break;
    case 'update-local':
      await sides.db.transaction((tx) => sides.local.update((before.local as IdentityRecord).id, fieldsOf(before.local as IdentityRecord), tx));
      break;
    case 'create-remote':
      if (current?.remote) await sides.remote.deleteUser(current.remote.id, { soft: false }, sides.signal);
      break;
    case 'insert-local':
      if (current?.local) await sides.db.transaction((tx) => sides.local.delete((current.local as IdentityRecord).id, tx));
      break;
    case 'delete-local':
      if (!current?.local) await sides.db.transaction((tx) => sides.local.insert(before.local as IdentityRecord, tx));
      break;
    case 'delete-remote':
      throw new Error(`Supabase cannot restore the deleted user ${entry.subject}: GoTrue keeps a soft-deleted user's id taken. Recreate the user by hand if needed.`);
    default:
      throw new Error(`Audit entry ${auditId} (${entry.action}) cannot be reverted.`);
  }
  const reverted = await currentRow(sides, localId, remoteId);
  const image = { local: reverted?.local ?? null, remote: reverted?.remote ?? null };
  context.resources.audit({ action: `identity.revert.${action}`, subject: entry.subject, before: { local: current?.local ?? null, remote: current?.remote ?? null }, after: image });
  return { reverted: auditId, action, subject: entry.subject, status: reverted?.status ?? 'absent' };
}

async function restoreRemote(sides: Sides, target: IdentityRecord, current: IdentityRecord | null): Promise<void> {
  if (!current) throw new Error(`The Supabase user ${target.id} no longer exists: nothing to put back.`);
  if (current.emailVerified && !target.emailVerified) {
    throw new Error(`Supabase's admin API cannot unconfirm the email of ${target.email ?? target.id}; revert that field by hand.`);
  }
  const attributes = remoteAttributes(target);
  await sides.remote.updateUser(
    current.id,
    { ...(target.email ? { email: target.email } : {}), userMetadata: attributes.userMetadata, appMetadata: attributes.appMetadata, ...(target.emailVerified ? { emailConfirmed: true } : {}) },
    sides.signal,
  );
}

function fieldsOf(record: IdentityRecord) {
  return { email: record.email, name: record.name, emailVerified: record.emailVerified, role: record.role };
}
