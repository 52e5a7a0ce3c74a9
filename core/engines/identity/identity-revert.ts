import type { AuditEntry } from '../../api/models';
import type { RowImage } from '../../appdb/row-image';
import { isConnectorError } from '../../connectors/shared/connector-error';
import { faultOf } from '../../connectors/shared/fault';
import type { EngineContext, EngineControls } from '../engine';
import { ACTION_INFO, REPAIR_ACTIONS, type RepairAction } from './identity-actions';
import { UUID, type Sides } from './identity-apply';
import type { IdentityRecord } from './identity-model';
import type { MovedRows } from './identity-references';
import { remoteAttributes, toIdentityRecord } from './identity-remote';
import { changedSince, describeChanged, fieldValue, repairedFields, REVERT_FIELDS, type ChangedSince, type RevertField } from './identity-revert-guard';
import type { SupabaseUser } from '../../connectors/supabase/supabase-user';

interface Image {
  local: IdentityRecord | null;
  remote: IdentityRecord | null;
  /** ban-remote after-images: the ban's end as GoTrue answered the repair. */
  bannedUntil?: string;
  /** delete-local: the whole users row as it was (DESIGN §4.3). */
  localRow?: RowImage;
  /** relink-local after-images: the product rows that moved with the row (older entries have none). */
  moved?: MovedRows[];
}

interface FieldNotRestored {
  field: string;
  expected: unknown;
  actual: unknown;
  reason: string;
}

interface RevertOutcome {
  auditId: number;
  action: string;
  subject: string;
  /**
   * reverted: the before-image is back (verified); partial: some fields could not be; not-revertible:
   * nothing can be done; changed-since: left alone because what the repair wrote was changed since.
   */
  status: 'reverted' | 'partial' | 'not-revertible' | 'failed' | 'changed-since';
  notRestored: FieldNotRestored[];
  /** changed-since: the fields the repair wrote that hold something else now, with their current values. */
  changedSince?: ChangedSince[];
  message?: string;
}


/**
 * Puts one user back to the before-image of an identity repair in the audit
 * log, then re-reads the side it touched and reports every field that is not
 * back (a confirmed email cannot be unconfirmed through the admin API) while
 * restoring the fields it can. The Supabase user is found by the id in the
 * after-image, where the repair left it (a row id may not be a UUID, and a
 * created user may have Supabase's id). A revert is audited too (its own
 * entry is not revertible: repair the user again instead).
 */
export async function revertIdentityRepair(auditId: number, context: EngineContext, sides: Sides): Promise<Record<string, unknown>> {
  const entry = await context.resources.auditEntry(auditId);
  if (!entry || entry.engine !== 'identity' || !isRepairEntry(entry)) throw new Error(`Audit entry ${auditId} is not an identity repair.`);
  const outcome = await revertEntry(entry, context, sides);
  if (outcome.status === 'not-revertible' || outcome.status === 'failed') throw new Error(outcome.message ?? `Audit entry ${auditId} could not be reverted.`);
  // changed-since is returned, not thrown: the run ends partial, and its summary (run drawer, CLI) names the fields that changed.
  const skipped = outcome.status === 'changed-since' ? { notUndone: [`${outcome.subject} (${outcome.action}): ${outcome.message ?? ''}`] } : {};
  return { reverted: auditId, ...outcome, ...skipped, itemsFailed: outcome.status === 'reverted' ? 0 : 1 };
}

/** "Revert this run": every identity change of one run, newest first, with what could not be undone. */
export async function revertIdentityRun(runId: number, context: EngineContext, sides: Sides, { signal, progress }: EngineControls): Promise<Record<string, unknown>> {
  const entries = (await context.resources.auditOfRun(runId)).filter(isRepairEntry).reverse();
  if (entries.length === 0) throw new Error(`Run ${runId} made no identity change that could be reverted.`);
  progress.phase('repair', { total: entries.length, message: `Reverting ${entries.length} changes of run ${runId}` });
  const outcomes: RevertOutcome[] = [];
  for (const entry of entries) {
    signal.throwIfAborted();
    outcomes.push(await revertEntry(entry, context, sides).catch((error: unknown) => failedOutcome(entry, error, signal)));
    progress.advance();
  }
  const count = (status: RevertOutcome['status']) => outcomes.filter((o) => o.status === status).length;
  const notUndone = outcomes.filter((o) => o.status !== 'reverted');
  return {
    revertedRun: runId,
    entries: outcomes.length,
    reverted: count('reverted'),
    partial: count('partial'),
    notRevertible: count('not-revertible'),
    failed: count('failed'),
    changedSince: count('changed-since'),
    itemsFailed: notUndone.length,
    // The summary an admin reads: what could not be undone, and why.
    notUndone: notUndone.map((o) => `${o.subject} (${o.action}): ${o.message ?? o.notRestored.map((f) => `${f.field}: ${f.reason}`).join('; ')}`),
    outcomes,
  };
}

function isRepairEntry(entry: AuditEntry): boolean {
  const action = entry.action.slice('identity.'.length) as RepairAction;
  return entry.action.startsWith('identity.') && REPAIR_ACTIONS.includes(action) && action !== 'none' && action !== 'manual';
}

function failedOutcome(entry: AuditEntry, error: unknown, signal: AbortSignal): RevertOutcome {
  // A cancel, or the connection's own key refused (every further entry would fail alike): the run stops and fails
  // with the Connections-page message (run-manager's runError), instead of one failed entry after another.
  if (signal.aborted || faultOf(error) === 'connection') throw error;
  return { auditId: entry.id, action: entry.action, subject: entry.subject, status: 'failed', notRestored: [], message: error instanceof Error ? error.message : String(error) };
}

async function revertEntry(entry: AuditEntry, context: EngineContext, sides: Sides): Promise<RevertOutcome> {
  const action = entry.action.slice('identity.'.length) as RepairAction;
  const before = entry.before as Image;
  const after = entry.after as Image;
  const base = { auditId: entry.id, action: entry.action, subject: entry.subject };
  if (!ACTION_INFO[action].reversible) {
    return { ...base, status: 'not-revertible', notRestored: [], message: `Supabase cannot restore the deleted user ${entry.subject}: GoTrue keeps a soft-deleted user's id taken. Recreate the user by hand if needed.` };
  }
  // Where the repair left the user: the after-image's ids (a created Supabase user keeps Supabase's id).
  const remoteId = after.remote?.id ?? before.remote?.id ?? null;
  const localId = after.local?.id ?? before.local?.id ?? null;
  const remoteUser = await readRemoteUser(sides, remoteId);
  const current: Image = { local: localId ? await sides.local.get(localId) : null, remote: remoteUser ? toIdentityRecord(remoteUser) : null };
  const notRestored: FieldNotRestored[] = [];
  // Never undo a later decision: what the repair wrote must still be what it left (the after-image).
  const changed = changedSince(action, { before, after, current: { ...current, remoteUser }, at: entry.at });
  if (changed.length) return { ...base, status: 'changed-since', notRestored, changedSince: changed, message: describeChanged(entry.subject, changed) };
  // Only the fields the repair changed are written back and verified: later edits of other fields stay. A ban
  // changes one field, whatever the images say (an older unverified entry's after-image is its before-image).
  const fields: RevertField[] = action === 'ban-remote' ? ['banned'] : ACTION_INFO[action].side === 'supabase' ? repairedFields(before.remote, after.remote) : repairedFields(before.local, after.local);
  // An update is audited only when it sent something: an entry whose images show no changed field (an unverified
  // one written before the after-image held what was sent) cannot say what to put back, and a revert that covers
  // no field must never count as reverted.
  if ((action === 'update-remote' || action === 'update-local') && fields.length === 0) {
    return { ...base, status: 'failed', notRestored, message: `the audit entry does not record which fields this repair wrote (its after-image equals its before-image), so nothing can be put back or checked: compare ${entry.subject} with the entry's before-image by hand.` };
  }

  switch (action) {
    case 'update-remote':
      if (!current.remote) return { ...base, status: 'failed', notRestored, message: `The Supabase user ${remoteId} no longer exists: nothing to put back.` };
      await sides.remote.updateUser(current.remote.id, remotePatchTo(before.remote as IdentityRecord, fields), sides.signal);
      break;
    case 'ban-remote':
      if (!current.remote) return { ...base, status: 'failed', notRestored, message: `The Supabase user ${remoteId} no longer exists: nothing to unban.` };
      await sides.remote.updateUser(current.remote.id, { banDuration: 'none' }, sides.signal);
      break;
    case 'create-remote':
      // A hard delete: the user did not exist before, and a later create must be able to reuse the id and email.
      if (current.remote) await sides.remote.deleteUser(current.remote.id, { soft: false }, sides.signal);
      break;
    case 'update-local':
      await sides.db.transaction((tx) => sides.local.update((before.local as IdentityRecord).id, fieldsOf(before.local as IdentityRecord, fields), tx));
      break;
    case 'insert-local':
      // deleteWhole refuses when product rows would cascade with the row (the user may have used the product since).
      if (current.local) await sides.local.deleteWhole(current.local.id);
      break;
    case 'delete-local':
      if (!(await sides.local.get((before.local as IdentityRecord).id))) {
        // Never a second row for one person: the email (up to case) may have a row again since (a re-signup).
        const [taken] = before.local?.email ? await sides.local.findByEmail(before.local.email) : [];
        if (taken) {
          return { ...base, status: 'failed', notRestored, message: `The users table already has a row with the email ${before.local?.email} (id ${taken.id}): putting the deleted row back would make two. Merge them by hand.` };
        }
        // The whole row when the repair kept it (every column); older entries hold only the compared fields.
        const whole = before.localRow;
        if (whole) await sides.local.insertWhole(whole);
        else await sides.db.transaction((tx) => sides.local.insert(before.local as IdentityRecord, tx));
      }
      break;
    case 'relink-local':
      if (current.local && before.local && current.local.id !== before.local.id) {
        const [fromId, toId] = [current.local.id, before.local.id];
        // Exactly the product rows the relink moved go back with the row (rows made under the new id since stay).
        await sides.db.transaction(async (tx) => {
          await sides.local.refuseTakenId(toId, tx);
          await sides.references.move(tx, fromId, toId, after.moved ?? []);
          await sides.local.relink(fromId, toId, tx);
        });
      }
      break;
    default:
      return { ...base, status: 'not-revertible', notRestored, message: `Audit entry ${entry.id} (${entry.action}) cannot be reverted.` };
  }

  // Verify: read the touched side again and compare it with the before-image, field by field.
  const side = ACTION_INFO[action].side;
  const expected = side === 'supabase' ? before.remote : before.local;
  const actual = side === 'supabase' ? await readRemote(sides, remoteId) : await sides.local.get(before.local?.id ?? localId ?? '');
  const verified = action === 'update-remote' || action === 'update-local' || action === 'ban-remote' ? fields : REVERT_FIELDS;
  notRestored.push(...compare(expected, actual, verified));
  const reverted: Image = { local: localId ? await sides.local.get(before.local?.id ?? localId) : null, remote: await readRemote(sides, remoteId) };
  await context.resources.audit({ action: `identity.revert.${action}`, subject: entry.subject, before: current, after: reverted });
  return { ...base, status: notRestored.length ? 'partial' : 'reverted', notRestored };
}

async function readRemote(sides: Sides, id: string | null): Promise<IdentityRecord | null> {
  const user = await readRemoteUser(sides, id);
  return user ? toIdentityRecord(user) : null;
}

async function readRemoteUser(sides: Sides, id: string | null): Promise<SupabaseUser | null> {
  if (id === null || !UUID.test(id)) return null;
  try {
    const user = await sides.remote.getUser(id, sides.signal);
    return user.deleted ? null : user;
  } catch (error) {
    if (isConnectorError(error, 'not-found')) return null;
    throw error;
  }
}

function compare(expected: IdentityRecord | null, actual: IdentityRecord | null, fields: readonly RevertField[]): FieldNotRestored[] {
  if (expected === null) return actual === null ? [] : [{ field: 'exists', expected: false, actual: true, reason: 'the user is still there after the revert' }];
  if (actual === null) return [{ field: 'exists', expected: true, actual: false, reason: 'the user is gone and could not be put back' }];
  const out: FieldNotRestored[] = [];
  for (const field of fields) {
    const want = fieldValue(expected, field);
    const got = fieldValue(actual, field);
    if (want === got) continue;
    const reason = field === 'emailVerified' && want === false ? "Supabase's admin API cannot unconfirm a confirmed email; change it by hand" : 'still differs after the revert';
    out.push({ field, expected: want, actual: got, reason });
  }
  return out;
}

/** Every field the admin API can set back; an unconfirmed email cannot be (reported by the verification). */
function remotePatchTo(target: IdentityRecord, fields: readonly RevertField[]) {
  const attributes = remoteAttributes(target);
  return {
    ...(fields.includes('email') && target.email ? { email: target.email } : {}),
    ...(fields.includes('name') ? { userMetadata: attributes.userMetadata } : {}),
    ...(fields.includes('role') ? { appMetadata: attributes.appMetadata } : {}),
    ...(fields.includes('emailVerified') && target.emailVerified ? { emailConfirmed: true } : {}),
  };
}

function fieldsOf(record: IdentityRecord, fields: readonly RevertField[]) {
  const all = { email: record.email, name: record.name, emailVerified: record.emailVerified, role: record.role };
  return Object.fromEntries(Object.entries(all).filter(([field]) => fields.includes(field as RevertField)));
}
