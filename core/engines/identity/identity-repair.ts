import type { Finding } from '../../api/models';
import { faultOf } from '../../connectors/shared/fault';
import type { EngineContext, EngineControls } from '../engine';
import { FailedItems } from '../failed-items';
import { actionDone, actionFor, isDestructive, type RemoteOnlyPolicy, type RepairAction } from './identity-actions';
import { confirmationRefusal } from './identity-confirm';
import { applyAction, currentRow, remoteEmails, type Applied, type Sides } from './identity-apply';
import { lastingRefusal, leftBlocked, RepairBlocks } from './identity-blocks';
import type { FindingDetails } from './identity-findings';
import { plannedRow } from './identity-plan';
import type { IdentityRecord, SourceOfTruth, SyncRow } from './identity-model';
import type { MovedRows } from './identity-references';
import { updateSnapshotRows, type SnapshotMeta, SNAPSHOT_META_KEY } from './identity-snapshot';

export interface RepairInput {
  findings: Finding[];
  sourceOfTruth: SourceOfTruth;
  remoteOnly: RemoteOnlyPolicy;
  /**
   * The admin saw and confirmed the destructive actions: the digest of the plan they were shown (a dialog, or
   * the CLI's --yes), or, where the selection names one user, true or the count (identity-confirm.ts).
   */
  confirmDestructive?: boolean | number | string | undefined;
  confirmDeletes?: number | undefined;
  /** Re-signups are relinked (an explicit choice). */
  relink?: boolean | undefined;
  /**
   * Findings chosen one by one (ids or one user): a repair the service refused before is tried again, and a
   * count or `true` confirms a plan whose destructive steps are all about one user (identity-confirm.ts).
   */
  explicit: boolean;
  sides: Sides;
}

/** DESIGN §4: more deletions than min(50, 10 % of users) need a confirmation that states the count. */
export function deleteLimit(totalUsers: number): number {
  return Math.min(50, Math.floor(totalUsers * 0.1));
}

type Tally = Record<'repaired' | 'unchanged' | 'manual' | 'failed' | 'refused', number>;

/**
 * Applies findings one user at a time. Each user is re-read on both sides
 * first (the finding may be stale), repaired towards the source of truth,
 * then re-read to verify: only a verified user is marked repaired, so a
 * second run over the same findings finds nothing left to do.
 *
 * Safety (DESIGN §4.4-4.6): a destructive action runs only when planned from
 * the finding and confirmed; a scheduled run, which no one confirms, runs none;
 * a repair GoTrue refused for a lasting reason is not retried by later runs
 * unless the admin picks that user; any failed user makes the run partial.
 */
export async function repairIdentities(input: RepairInput, context: EngineContext, { signal, progress }: EngineControls): Promise<Record<string, unknown>> {
  const { findings, sourceOfTruth, sides } = input;
  const schedule = context.trigger === 'schedule';
  // The plan the admin confirmed (identity.plan, the dialogs, the CLI) is the check's, under the check's truth. Under
  // another truth the same findings plan other actions (a create becomes a row delete): a count alone cannot tell.
  const stale = findings.filter((f) => (f.details as unknown as FindingDetails).sourceOfTruth !== sourceOfTruth).length;
  if (stale > 0) {
    const truth = sourceOfTruth === 'appdb' ? 'the users table' : 'Supabase Auth';
    throw new Error(`${stale} of these findings were checked with another source of truth than ${truth}, which this repair would use. Run a check first, then repair.`);
  }
  const blocks = await RepairBlocks.load(context.resources.state);
  const planned = findings.map((finding) => {
    const details = finding.details as unknown as FindingDetails;
    const blocked = leftBlocked(blocks, finding.subject, input.explicit);
    const action: RepairAction = blocked ? 'manual' : actionFor(plannedRow(details), sourceOfTruth, input.remoteOnly, { relink: input.relink === true });
    // A schedule cannot ask (issue 15: every destructive action asks first, schedules too): what bans, deletes or relinks waits for a person.
    return { finding, details, action: schedule && isDestructive(action) ? ('manual' as const) : action };
  });
  const destructive = planned.filter((p) => isDestructive(p.action));
  // The mass-deletion guard counts what removes or locks out users (a relink keeps the user).
  const removals = destructive.filter((p) => p.action !== 'relink-local').length;
  const meta = await context.resources.state.get<SnapshotMeta>(SNAPSHOT_META_KEY);
  const limit = deleteLimit(meta?.total ?? findings.length);
  if (removals > limit && (schedule || input.confirmDeletes !== removals)) {
    throw new Error(
      `This repair would delete or ban ${removals} users, more than the safety limit of ${limit} (50 users or 10 % of all, whichever is smaller). ` +
        (schedule ? 'Scheduled runs never do that; repair them by hand.' : `To go ahead, confirm the count: confirmDeletes: ${removals}.`),
    );
  }
  // The confirmation must name the users this plan touches, not only their count (identity-confirm.ts).
  const refusal = schedule ? null : confirmationRefusal(destructive.map((p) => ({ action: p.action, subject: p.finding.subject })), input.confirmDestructive, input.explicit);
  if (refusal) throw new Error(refusal);

  progress.phase('repair', { total: findings.length, message: `Repairing ${findings.length} users` });
  // Supabase's emails as they are now, before any row is deleted (the re-read by id cannot see a re-signup).
  const supabaseEmails = planned.some((p) => p.action === 'delete-local') ? await remoteEmails(sides) : null;
  const tally: Tally = { repaired: 0, unchanged: 0, manual: 0, failed: 0, refused: 0 };
  const actions: Partial<Record<RepairAction, number>> = {};
  const errors: string[] = [];
  // The users that failed, named like every engine's (failed-items.ts); `errors` stays for readers of older results.
  const failed = new FailedItems();
  const snapshotUpdates = new Map<number, SyncRow>();
  for (const { finding, details, action: plannedAction } of planned) {
    signal.throwIfAborted();
    // The run's item log: what this repair did to each user (shown and downloadable in the run's detail).
    const logItem = (action: string, outcome: 'done' | 'skipped' | 'failed', message?: string) => context.items.log({ item: finding.subject, action, outcome, ...(message === undefined ? {} : { message }) });
    try {
      if (plannedAction === 'manual') {
        tally.manual++;
        await logItem('manual', 'skipped', 'Needs a person: no automatic repair for this user.');
        continue;
      }
      const before = await currentRow(sides, details.localId, details.remoteId);
      let action = actionFor(before, sourceOfTruth, input.remoteOnly, { relink: input.relink === true });
      // Never more than was planned and confirmed: a user who changed into a destructive case since the check waits.
      if (isDestructive(action) && action !== plannedAction) action = 'manual';
      if (schedule && isDestructive(action)) action = 'manual';
      // Supabase has this person again (by email): not a row to delete; the next check pairs them.
      if (action === 'delete-local' && before?.local?.email && supabaseEmails?.has(before.local.email)) action = 'manual';
      if (action === 'manual') {
        tally.manual++;
        await logItem(plannedAction, 'skipped', schedule && isDestructive(plannedAction) ? 'Scheduled runs never delete or ban; left for a person.' : 'Changed since the check or needs a person; left as is.');
        continue;
      }
      const applied = before && action !== 'none' ? await applyAction(sides, before, action) : {};
      const image = (row: SyncRow | null) => ({ local: row?.local ?? null, remote: row?.remote ?? null });
      // A deleted row is kept whole (every column) for its revert.
      const beforeImage = applied.deletedRow ? { ...image(before), localRow: applied.deletedRow } : image(before);
      // A ban keeps its end in the after-image: a revert lifts it only if nobody has banned the user again since.
      const banned = applied.bannedUntil ? { bannedUntil: applied.bannedUntil } : {};
      // A relink keeps which product rows moved with the row (table, key, keys): its revert moves exactly those back.
      const moved = applied.moved ? { moved: applied.moved } : {};
      const audit = (after: object) => context.resources.audit({ action: `identity.${action}`, subject: finding.subject, before: beforeImage, after: { ...after, ...banned, ...moved } });
      let after: SyncRow | null;
      try {
        after = action === 'none' ? before : await currentRow(sides, ...afterIds(action, before, applied.createdId));
      } catch (error) {
        // The change was made but the read that verifies it failed: audit it as intended (with the new ids) so a revert finds it.
        if (action !== 'none') await audit({ ...intendedImage(action, before, applied), unverified: true });
        throw error;
      }
      if (action !== 'none') {
        actions[action] = (actions[action] ?? 0) + 1;
        await audit(image(after));
      }
      if (details.row !== undefined) snapshotUpdates.set(details.row, after ?? REMOVED);
      if (action === 'none' || actionDone(action, after, sourceOfTruth)) {
        await context.resources.setFindingStatus([finding.id], 'repaired');
        blocks.clear(finding.subject);
        tally[action === 'none' ? 'unchanged' : 'repaired']++;
        await logItem(action, action === 'none' ? 'skipped' : 'done', action === 'none' ? 'Already in sync.' : applied.moved ? movedWords(applied.moved) : undefined);
      } else {
        // The service answered but the re-read shows the change did not take: a failure, never a success.
        tally.failed++;
        const reason = `${action} did not take effect (checked by reading both sides again)`;
        failed.add(finding.subject, reason);
        if (errors.length < 20) errors.push(`${finding.subject}: ${reason}`);
        await logItem(action, 'failed', reason);
      }
    } catch (error) {
      if (signal.aborted) throw error;
      // The connection's own key refused (faultOf → `connection`): every further user would fail alike. The run fails
      // with the Connections-page message (run-manager's runError) and no user is counted, blocked or flagged.
      if (faultOf(error) === 'connection') throw error;
      tally.failed++;
      const refusal = lastingRefusal(error);
      if (refusal) {
        // GoTrue's own answer that will not change: a manual finding with its message, not retried by every run.
        tally.refused++;
        blocks.add(finding.subject, { action: plannedAction, ...refusal, at: context.clock.now().toISOString() });
      }
      // Otherwise (rate limits past the retries, an outage) the finding stays open and the next repair retries it.
      const reason = error instanceof Error ? error.message : String(error);
      failed.add(finding.subject, reason);
      if (errors.length < 20) errors.push(`${finding.subject}: ${reason}`);
      await logItem(plannedAction, 'failed', reason);
      context.log.warn({ subject: finding.subject, err: error }, 'identity repair of one user failed');
    } finally {
      progress.advance();
    }
  }
  await blocks.save();
  const snapshotRunId = planned.find((p) => p.details.snapshotRunId !== undefined)?.details.snapshotRunId;
  if (snapshotRunId !== undefined) await updateSnapshotRows(context.resources.state, snapshotRunId, snapshotUpdates);
  return {
    sourceOfTruth,
    remoteOnly: input.remoteOnly,
    selected: findings.length,
    ...tally,
    actions,
    destructive: destructive.length,
    ...failed.fields(),
    ...(errors.length ? { errors } : {}),
  };
}

/**
 * Both sides as the action means to leave them, for the audit when the verifying read failed: what it sent
 * (an update's fields, a ban), never the before-image, so a revert writes those fields back or names them.
 */
function intendedImage(action: RepairAction, before: SyncRow | null, applied: Applied): { local: IdentityRecord | null; remote: IdentityRecord | null } {
  const local = before?.local ?? null;
  const remote = before?.remote ?? null;
  const { createdId, sent } = applied;
  if (action === 'create-remote') return { local, remote: local && { ...local, id: createdId ?? local.id } };
  if (action === 'update-remote' || action === 'ban-remote') return { local, remote: sent ?? remote };
  if (action === 'update-local') return { local: sent ?? local, remote };
  if (action === 'insert-local') return { local: remote, remote };
  if (action === 'relink-local') return { local: local && remote && { ...local, id: remote.id }, remote };
  if (action === 'delete-local') return { local: null, remote };
  if (action === 'delete-remote') return { local, remote: null };
  return { local, remote };
}

/** Where the user is after the action: a created Supabase user has the row's id, an inserted or relinked row Supabase's. */
function afterIds(action: RepairAction, before: SyncRow | null, createdId: string | void): [string | null, string | null] {
  const localId = before?.local?.id ?? null;
  const remoteId = before?.remote?.id ?? null;
  if (action === 'create-remote') return [localId, createdId ?? localId];
  if (action === 'insert-local' || action === 'relink-local') return [remoteId, remoteId];
  return [localId, remoteId];
}

/** A user gone from both sides (a deletion repaired): the sync table drops it. */
const REMOVED: SyncRow = { status: 'in-sync', matchedBy: null, local: null, remote: null, diffs: [] };

/** "its 3 product rows followed it (files: 2, emails: 1)": what a relink moved, for the run's item log. */
function movedWords(moved: readonly MovedRows[]): string {
  const total = moved.reduce((n, m) => n + m.keys.length, 0);
  if (total === 0) return 'No product rows held the old id.';
  return `Its ${total} product row${total === 1 ? '' : 's'} followed it (${moved.map((m) => `${m.table}: ${m.keys.length}`).join(', ')}).`;
}
