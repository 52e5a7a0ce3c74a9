import type { AppDbAdapter } from '../../appdb/adapter';
import type { SupabaseAuthConnector } from '../../connectors/supabase/supabase-auth.connector';
import type { SupabaseUserPatch } from '../../connectors/supabase/supabase-user';
import { isConnectorError } from '../../connectors/shared/connector-error';
import { pair } from './identity-classify';
import type { LocalUsers } from './identity-local';
import type { IdentityRecord, SourceOfTruth, SyncRow } from './identity-model';
import { remoteAttributes, toIdentityRecord } from './identity-remote';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export interface Sides {
  db: AppDbAdapter;
  local: LocalUsers;
  remote: SupabaseAuthConnector;
  signal: AbortSignal;
}

export type RepairAction = 'none' | 'create-remote' | 'delete-remote' | 'update-remote' | 'insert-local' | 'delete-local' | 'update-local';

/** The user as both sides hold it now (a finding may be stale: this is what makes repairs idempotent). */
export async function currentRow(sides: Sides, localId: string | null, remoteId: string | null): Promise<SyncRow | null> {
  const local = localId === null ? null : await sides.local.get(localId);
  const remote = await remoteUser(sides, remoteId ?? localId);
  if (local && remote) return pair(local, remote, local.id.toLowerCase() === remote.id.toLowerCase() ? 'id' : 'email');
  if (local) return { status: 'local-only', matchedBy: null, local, remote: null, diffs: [] };
  if (remote) return { status: 'remote-only', matchedBy: null, local: null, remote, diffs: [] };
  return null;
}

/** Only a not-found answer means absent; a soft-deleted user counts as gone. Other errors propagate. */
async function remoteUser(sides: Sides, id: string | null): Promise<IdentityRecord | null> {
  if (id === null || !UUID.test(id)) return null;
  try {
    const user = await sides.remote.getUser(id, sides.signal);
    return user.deleted ? null : toIdentityRecord(user);
  } catch (error) {
    if (isConnectorError(error, 'not-found')) return null;
    throw error;
  }
}

export function actionFor(row: SyncRow | null, truth: SourceOfTruth): RepairAction {
  if (row === null || row.status === 'in-sync') return 'none';
  if (row.status === 'local-only') return truth === 'appdb' ? 'create-remote' : 'delete-local';
  if (row.status === 'remote-only') return truth === 'appdb' ? 'delete-remote' : 'insert-local';
  return fixableDiffs(row, truth).length === 0 ? 'none' : truth === 'appdb' ? 'update-remote' : 'update-local';
}

/** Differences an API call or UPDATE can remove: never an id, and the admin API cannot unconfirm an email. */
export function fixableDiffs(row: SyncRow, truth: SourceOfTruth): SyncRow['diffs'] {
  return row.diffs.filter((f) => f !== 'id' && !(truth === 'appdb' && f === 'emailVerified' && row.local?.emailVerified === false));
}

/** Applies one action; the caller re-reads both sides afterwards to verify. */
export async function applyAction(sides: Sides, row: SyncRow, action: RepairAction): Promise<void> {
  const { local, remote } = row;
  switch (action) {
    case 'create-remote': {
      const user = local as IdentityRecord;
      if (!user.email) throw new Error('the users table row has no email; Supabase needs one');
      await sides.remote.createUser(
        { ...(UUID.test(user.id) ? { id: user.id } : {}), email: user.email, emailConfirmed: user.emailVerified, ...remoteAttributes(user) },
        sides.signal,
      );
      return;
    }
    case 'delete-remote':
      // Soft delete: GoTrue keeps the row (deleted_at), which is what the audit's before-image can be compared with.
      await sides.remote.deleteUser((remote as IdentityRecord).id, { soft: true }, sides.signal);
      return;
    case 'update-remote': {
      const patch = remotePatch(local as IdentityRecord, row);
      if (patch) await sides.remote.updateUser((remote as IdentityRecord).id, patch, sides.signal);
      return;
    }
    case 'insert-local':
      await sides.db.transaction((tx) => sides.local.insert(remote as IdentityRecord, tx));
      return;
    case 'delete-local':
      await sides.db.transaction((tx) => sides.local.delete((local as IdentityRecord).id, tx));
      return;
    case 'update-local': {
      const source = remote as IdentityRecord;
      const values = Object.fromEntries(row.diffs.filter((f) => f !== 'id').map((f) => [f, source[f as Exclude<typeof f, 'id'>]]));
      await sides.db.transaction((tx) => sides.local.update((local as IdentityRecord).id, values, tx));
      return;
    }
    case 'none':
      return;
  }
}

/** Only the differing fields; an id never changes, and the admin API cannot unconfirm an email. */
function remotePatch(source: IdentityRecord, row: SyncRow): SupabaseUserPatch | null {
  const patch: SupabaseUserPatch = {};
  const attributes = remoteAttributes(source);
  for (const field of row.diffs) {
    if (field === 'email' && source.email) patch.email = source.email;
    if (field === 'name') patch.userMetadata = attributes.userMetadata;
    if (field === 'role') patch.appMetadata = attributes.appMetadata;
    if (field === 'emailVerified' && source.emailVerified) patch.emailConfirmed = true;
  }
  return Object.keys(patch).length ? patch : null;
}
