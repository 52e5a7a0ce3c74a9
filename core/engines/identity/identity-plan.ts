import type { FindingDetails } from './identity-findings';
import type { IdentityField, SyncRow } from './identity-model';

/**
 * The user as the check saw it, rebuilt from a finding's details: enough to
 * plan (and count) the actions of a repair before anything is touched.
 */
export function plannedRow(details: FindingDetails): SyncRow {
  const { local, remote } = details;
  const diffs = details.diffs.map((d) => d.field as IdentityField);
  const status: SyncRow['status'] = local && remote ? (diffs.length ? 'inconsistent' : 'in-sync') : local ? 'local-only' : 'remote-only';
  return { status, matchedBy: details.matchedBy, local, remote, diffs, ...(details.problem ? { problem: details.problem } : {}) };
}
