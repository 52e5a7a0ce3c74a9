import type { Finding } from '../../api/models';
import type { EngineContext, EngineControls } from '../engine';
import { actionFor, applyAction, currentRow, type RepairAction, type Sides } from './identity-apply';
import type { FindingDetails } from './identity-findings';
import type { SourceOfTruth, SyncRow } from './identity-model';
import { updateSnapshotRows, type SnapshotMeta, SNAPSHOT_META_KEY } from './identity-snapshot';

export interface RepairInput {
  findings: Finding[];
  sourceOfTruth: SourceOfTruth;
  confirmDeletes?: number | undefined;
  sides: Sides;
}

/** DESIGN §4: more deletions than min(50, 10 % of users) need a confirmation that states the count. */
export function deleteLimit(totalUsers: number): number {
  return Math.min(50, Math.floor(totalUsers * 0.1));
}

/**
 * Applies findings one user at a time. Each user is re-read on both sides
 * first (the finding may be stale), repaired towards the source of truth,
 * then re-read to verify: only a verified user is marked repaired, so a
 * second run over the same findings finds nothing left to do.
 */
export async function repairIdentities(input: RepairInput, context: EngineContext, { signal, progress }: EngineControls): Promise<Record<string, unknown>> {
  const { findings, sourceOfTruth, sides } = input;
  const planned = findings.map((f) => ({ finding: f, details: f.details as unknown as FindingDetails }));
  const deletes = planned.filter(({ finding }) => actionFor(stubRow(finding), sourceOfTruth).startsWith('delete')).length;
  const meta = context.resources.state.get<SnapshotMeta>(SNAPSHOT_META_KEY);
  const limit = deleteLimit(meta?.total ?? findings.length);
  if (deletes > limit && (context.trigger === 'schedule' || input.confirmDeletes !== deletes)) {
    throw new Error(
      `This repair would delete ${deletes} users, more than the safety limit of ${limit} (50 users or 10 % of all, whichever is smaller). ` +
        (context.trigger === 'schedule' ? 'Scheduled runs never do that; repair them by hand.' : `To go ahead, confirm the count: confirmDeletes: ${deletes}.`),
    );
  }

  progress.phase('repair', { total: findings.length, message: `Repairing ${findings.length} users` });
  const tally: Record<'repaired' | 'unchanged' | 'manual' | 'failed', number> = { repaired: 0, unchanged: 0, manual: 0, failed: 0 };
  const actions: Partial<Record<RepairAction, number>> = {};
  const errors: string[] = [];
  const snapshotUpdates = new Map<number, SyncRow>();
  for (const { finding, details } of planned) {
    signal.throwIfAborted();
    try {
      const before = await currentRow(sides, details.localId, details.remoteId);
      const action = actionFor(before, sourceOfTruth);
      if (before && action !== 'none') await applyAction(sides, before, action);
      // An inserted row takes the Supabase id and a created Supabase user the row's id.
      const after = action === 'none' ? before : await currentRow(sides, details.localId ?? details.remoteId, details.remoteId ?? details.localId);
      if (action !== 'none') {
        actions[action] = (actions[action] ?? 0) + 1;
        const image = (row: SyncRow | null) => ({ local: row?.local ?? null, remote: row?.remote ?? null });
        context.resources.audit({ action: `identity.${action}`, subject: finding.subject, before: image(before), after: image(after) });
      }
      if (details.row !== undefined) snapshotUpdates.set(details.row, after ?? REMOVED);
      if (after === null || after.status === 'in-sync') {
        context.resources.setFindingStatus([finding.id], 'repaired');
        tally[action === 'none' ? 'unchanged' : 'repaired']++;
      } else {
        // What is left cannot be changed by an API call (an id, or unconfirming an email): a person decides.
        tally.manual++;
      }
    } catch (error) {
      if (signal.aborted) throw error;
      // The finding stays open: a failure (rate limits past the retries, an outage) is retried by the next repair.
      tally.failed++;
      if (errors.length < 20) errors.push(`${finding.subject}: ${error instanceof Error ? error.message : String(error)}`);
      context.log.warn({ subject: finding.subject, err: error }, 'identity repair of one user failed');
    }
    progress.advance();
  }
  const snapshotRunId = planned.find((p) => p.details.snapshotRunId !== undefined)?.details.snapshotRunId;
  if (snapshotRunId !== undefined) updateSnapshotRows(context.resources.state, snapshotRunId, snapshotUpdates);
  return { sourceOfTruth, selected: findings.length, ...tally, actions, deletes, ...(errors.length ? { errors } : {}) };
}

/** A user gone from both sides (a deletion repaired): the sync table drops it. */
const REMOVED: SyncRow = { status: 'in-sync', matchedBy: null, local: null, remote: null, diffs: [] };

/** The finding's row as the check saw it: enough to count planned deletions before touching anything. */
function stubRow(finding: Finding): SyncRow {
  return { status: finding.kind as SyncRow['status'], matchedBy: null, local: null, remote: null, diffs: [] };
}
