import type { AppDbAdapter } from '../../appdb/adapter';
import type { SupabaseAuthConnector } from '../../connectors/supabase/supabase-auth.connector';
import type { RowImage } from '../../appdb/row-image';
import { BAN_FOR_GOOD, type SupabaseUserPatch } from '../../connectors/supabase/supabase-user';
import { isConnectorError } from '../../connectors/shared/connector-error';
import type { RepairAction } from './identity-actions';
import { pair } from './identity-classify';
import type { LocalUsers } from './identity-local';
import { idKey, normaliseEmail, UUID, type IdentityField, type IdentityRecord, type SyncRow } from './identity-model';
import { remoteAttributes, toIdentityRecord } from './identity-remote';
import { ListingShift } from './identity-gaps';
import { createRemote } from './identity-create';
import type { Creator } from './identity-remote';
import type { MovedRows, UserReferences } from './identity-references';

export { UUID } from './identity-model';

export interface Sides {
  db: AppDbAdapter;
  local: LocalUsers;
  remote: SupabaseAuthConnector;
  /** The product's rows that hold a user by id: a relink moves them with the users row (identity-references.ts). */
  references: UserReferences;
  /** Creates, sent one request at a time so a lost answer is told from another writer's user (identity-create.ts). */
  creator: Creator;
  signal: AbortSignal;
}

interface RemoteRead {
  user: IdentityRecord | null;
  /** The id is a soft-deleted Supabase user: gone, but its id stays taken. */
  softDeleted: boolean;
}

/**
 * The user as both sides hold it now (a finding may be stale: this is what
 * makes repairs idempotent). A Supabase-only user is also looked up by email
 * in the users table, so a row added since the check is never banned or
 * deleted away as "missing".
 */
export async function currentRow(sides: Sides, localId: string | null, remoteId: string | null): Promise<SyncRow | null> {
  const local = localId === null ? null : await sides.local.get(localId);
  const remote = await remoteUser(sides, remoteId ?? localId);
  if (local && remote.user) return pair(local, remote.user, idKey(local.id) === idKey(remote.user.id) ? 'id' : 'email');
  if (local) {
    const row: SyncRow = { status: 'local-only', matchedBy: null, local, remote: null, diffs: [] };
    if (remote.softDeleted && remote.idTried !== undefined && idKey(remote.idTried) === idKey(local.id)) row.problem = 'remote-soft-deleted';
    return row;
  }
  if (remote.user) {
    // A row added since the check, under Supabase's id (in any letter case, as the check pairs ids) or with its email,
    // pairs with the user: never "Supabase only".
    const [byId] = await sides.local.findByIdKey(remote.user.id);
    const twin = byId ?? (remote.user.email ? (await sides.local.findByEmail(remote.user.email))[0] : undefined);
    if (twin) return pair(twin, remote.user, idKey(twin.id) === idKey(remote.user.id) ? 'id' : 'email');
    return { status: 'remote-only', matchedBy: null, local: null, remote: remote.user, diffs: [] };
  }
  return null;
}

/** Listings a repair makes before it gives up finding Supabase's emails while users keep being removed. */
const EMAIL_LISTING_ATTEMPTS = 3;

/**
 * Every email Supabase Auth holds now (soft-deleted users excluded), as the check compares them.
 * GoTrue's admin API has no lookup by email through supabase-js, so a repair that deletes rows
 * lists once before its first delete: a row whose person signed up since the check (a new id, or
 * a row id that is no UUID and pairs only by email) is then never deleted as "users table only".
 * A listing that shifted while it ran (users removed between its pages: ListingShift) may have
 * skipped a user who exists, whose row would then be deleted: it is listed again, and after
 * EMAIL_LISTING_ATTEMPTS shifted listings the repair fails before deleting anything.
 */
export async function remoteEmails(sides: Sides): Promise<Set<string>> {
  for (let attempt = 1; ; attempt++) {
    const emails = new Set<string>();
    const listed = new Set<string>();
    const shift = new ListingShift();
    for await (const page of sides.remote.listAllUsers(sides.signal)) {
      shift.observe(page.total);
      for (const user of page.users) {
        listed.add(user.id);
        const email = normaliseEmail(user.email);
        if (!user.deleted && email) emails.add(email);
      }
    }
    if (!shift.mayHaveSkipped(listed.size)) return emails;
    if (attempt === EMAIL_LISTING_ATTEMPTS) {
      throw new Error(`Supabase users changed while the repair listed them, ${EMAIL_LISTING_ATTEMPTS} times: no row was deleted, because a user the listing skipped could have been taken for gone. Run the repair again when fewer users change.`);
    }
  }
}

/** Only a not-found answer means absent; a soft-deleted user counts as gone. Other errors propagate. */
async function remoteUser(sides: Sides, id: string | null): Promise<RemoteRead & { idTried?: string }> {
  if (id === null || !UUID.test(id)) return { user: null, softDeleted: false };
  try {
    const user = await sides.remote.getUser(id, sides.signal);
    return user.deleted ? { user: null, softDeleted: true, idTried: id } : { user: toIdentityRecord(user), softDeleted: false, idTried: id };
  } catch (error) {
    if (isConnectorError(error, 'not-found')) return { user: null, softDeleted: false, idTried: id };
    throw error;
  }
}

/**
 * What an action leaves for the verification and the audit: the id Supabase gave a created
 * user (a row whose id is not a UUID gets a new one), or the whole users row a delete took.
 */
export interface Applied {
  createdId?: string;
  deletedRow?: RowImage | null;
  /** ban-remote: the ban's end as GoTrue answered it, kept in the after-image so a revert lifts only this ban. */
  bannedUntil?: string | null;
  /**
   * update-remote, update-local, ban-remote: the touched side's user as the action meant to leave it (the
   * fields it sent). The audit's after-image when the verifying read fails: a revert then knows what the
   * repair wrote, so it puts those fields back or names what it could not (never the before-image, which
   * would tell it nothing changed).
   */
  sent?: IdentityRecord;
  /** relink-local: the product rows that moved with the row, kept in the after-image so a revert moves exactly those back. */
  moved?: MovedRows[];
}

/** Applies one action; the caller re-reads both sides afterwards to verify. */
export async function applyAction(sides: Sides, row: SyncRow, action: RepairAction): Promise<Applied> {
  const { local, remote } = row;
  switch (action) {
    case 'create-remote':
      return { createdId: await createRemote(sides.remote, sides.creator, local as IdentityRecord, sides.signal) };
    case 'ban-remote': {
      // Reversible (DESIGN §4.4): the user stays, sign-in is refused; a revert sends ban_duration "none".
      const target = remote as IdentityRecord;
      const sent = { ...target, banned: true };
      return { sent, bannedUntil: (await sides.remote.updateUser(target.id, { banDuration: BAN_FOR_GOOD }, sides.signal)).bannedUntil };
    }
    case 'delete-remote':
      // Soft delete, only when chosen explicitly: GoTrue keeps the row (deleted_at) and the id taken for ever.
      await sides.remote.deleteUser((remote as IdentityRecord).id, { soft: true }, sides.signal);
      return {};
    case 'update-remote': {
      const target = remote as IdentityRecord;
      const change = remoteChange(local as IdentityRecord, row);
      if (!change) return {};
      await sides.remote.updateUser(target.id, change.patch, sides.signal);
      return { sent: { ...target, ...change.fields } };
    }
    case 'insert-local':
      await sides.db.transaction((tx) => sides.local.insert(remote as IdentityRecord, tx));
      return {};
    case 'delete-local':
      return { deletedRow: await sides.local.deleteWhole((local as IdentityRecord).id) };
    case 'relink-local': {
      // The product's rows follow the row in the same transaction: never a users id changed under files, mail or accounts.
      const [fromId, toId] = [(local as IdentityRecord).id, (remote as IdentityRecord).id];
      const moved = await sides.db.transaction(async (tx) => {
        await sides.local.refuseTakenId(toId, tx);
        const rows = await sides.references.move(tx, fromId, toId);
        await sides.local.relink(fromId, toId, tx);
        return rows;
      });
      return { moved };
    }
    case 'update-local': {
      const source = remote as IdentityRecord;
      const target = local as IdentityRecord;
      const values: Partial<Pick<IdentityRecord, Exclude<IdentityField, 'id'>>> = {};
      for (const field of row.diffs) if (field !== 'id') Object.assign(values, { [field]: source[field] });
      await sides.db.transaction((tx) => sides.local.update(target.id, values, tx));
      return { sent: { ...target, ...values } };
    }
    case 'none':
    case 'manual':
      return {};
  }
}

/**
 * Only the differing fields, with the values each patch entry sets (the record's words for them); an id never
 * changes, and the admin API cannot unconfirm an email.
 */
function remoteChange(source: IdentityRecord, row: SyncRow): { patch: SupabaseUserPatch; fields: Partial<IdentityRecord> } | null {
  const patch: SupabaseUserPatch = {};
  const fields: Partial<IdentityRecord> = {};
  const attributes = remoteAttributes(source);
  for (const field of row.diffs) {
    if (field === 'email' && source.email) [patch.email, fields.email] = [source.email, source.email];
    if (field === 'name') [patch.userMetadata, fields.name] = [attributes.userMetadata, source.name];
    if (field === 'role') [patch.appMetadata, fields.role] = [attributes.appMetadata, source.role];
    if (field === 'emailVerified' && source.emailVerified) [patch.emailConfirmed, fields.emailVerified] = [true, true];
  }
  return Object.keys(patch).length ? { patch, fields } : null;
}
