import type { IdentityPlan, IdentityPlanItem } from '../../api/identity';
import type { Finding } from '../../api/models';
import type { Store } from '../../store/store';
import { ACTION_INFO, actionFor, isDestructive, isIrreversible, type RemoteOnlyPolicy, type RepairAction } from './identity-actions';
import { leftBlocked, readBlocks, type BlockList, type RepairBlock } from './identity-blocks';
import type { FindingDetails } from './identity-findings';
import { plannedRow } from './identity-plan';
import { describePlan, planDigest, type DestructiveStep } from './identity-confirm';
import { IDENTITY_ENGINE_ID } from './identity.engine';

const LISTED = 1000;

export interface PlanSelection {
  findingIds?: number[] | undefined;
  user?: string | undefined;
  all?: boolean | undefined;
  remoteOnly?: RemoteOnlyPolicy | undefined;
  relink?: boolean | undefined;
}

/**
 * What an identity repair of these findings would do, read from the findings
 * alone (no service call): the confirmation dialog and the CLI name every
 * destructive effect, its count and whom it touches from this before anything
 * runs. The run re-plans the same way and refuses destructive actions it was not
 * confirmed for: a plan of several users is confirmed by its digest.
 */
export async function planIdentityRepair(store: Store, selection: PlanSelection): Promise<IdentityPlan> {
  const findings: Finding[] = selection.findingIds?.length
    ? (await store.findings.byIds(selection.findingIds)).filter((f) => f.engine === IDENTITY_ENGINE_ID && f.status === 'open')
    : await store.findings.open(IDENTITY_ENGINE_ID, selection.user || undefined);
  // The engine's block list, as the repair reads it (leftBlocked): the plan shown is the plan run.
  const blocks = await readBlocks((key) => store.engineState.get<Record<string, RepairBlock>>(IDENTITY_ENGINE_ID, key));
  const items: IdentityPlanItem[] = [];
  const counts: Partial<Record<RepairAction, number>> = {};
  const destructive: (DestructiveStep & { findingId: number; email: string | null })[] = [];
  let irreversible = 0;
  for (const finding of findings) {
    const details = finding.details as unknown as FindingDetails;
    const action = planned(details, finding.subject, blocks, selection);
    counts[action] = (counts[action] ?? 0) + 1;
    if (isDestructive(action)) destructive.push({ action, subject: finding.subject, findingId: finding.id, email: finding.userEmail });
    if (isIrreversible(action)) irreversible++;
    if (items.length < LISTED) {
      const info = ACTION_INFO[action];
      items.push({ findingId: finding.id, subject: finding.subject, email: finding.userEmail, action, side: info.side, destructive: info.destructive, reversible: info.reversible, effect: info.effect });
    }
  }
  // Named by subject, so the dialog's first ten are the same whatever order the findings came in.
  const destructiveUsers = [...destructive].sort((a, b) => (a.subject < b.subject ? -1 : a.subject > b.subject ? 1 : 0)).slice(0, LISTED);
  return {
    items,
    total: findings.length,
    counts,
    destructive: destructive.length,
    irreversible,
    summary: destructive.length ? describePlan(destructive.map((d) => d.action)) : '',
    destructiveUsers,
    digest: destructive.length ? planDigest(destructive) : '',
  };
}

/**
 * The check's proposal, unless the selection changes the Supabase-only policy or asks for relinks.
 * A repair GoTrue refused before (the engine's block list, leftBlocked) is manual for "all", but tried again when
 * picked by id or user (as identity-repair.ts does), so then it is planned, and confirmed, like any other.
 */
function planned(details: FindingDetails, subject: string, blocks: BlockList, selection: PlanSelection): RepairAction {
  const chosen = Boolean(selection.findingIds?.length || selection.user);
  if (leftBlocked(blocks, subject, chosen)) return 'manual';
  // A check that saw a block proposed 'manual' for it: the policy is then rebuilt, not read from that proposal.
  const refused = details.block !== undefined || blocks.get(subject) !== undefined;
  if (!refused && selection.remoteOnly === undefined && !selection.relink && details.action) return details.action;
  const policy = selection.remoteOnly ?? (details.action === 'manual' && !details.problem && !refused ? 'leave' : 'ban');
  return actionFor(plannedRow(details), details.sourceOfTruth, policy, { relink: selection.relink === true });
}
