import type { Finding, MethodInput } from '@core/api';
import { FINDING_SORT_KEYS } from '@core/api/models';

export type FindingStatus = Finding['status'];
export type FindingSortKey = NonNullable<MethodInput<'findings.list'>['sort']>;

/** The contract's own lists: a status or sort key added there shows up here (STATUS_STYLE must then style it). */
export { FINDING_STATUSES } from '@core/api/models';

export const STATUS_STYLE: Record<FindingStatus, { color: string; label: string }> = {
  open: { color: 'orange', label: 'Open' },
  repaired: { color: 'teal', label: 'Repaired' },
  dismissed: { color: 'gray', label: 'Dismissed' },
  quarantined: { color: 'violet', label: 'Quarantined' },
  superseded: { color: 'gray', label: 'Superseded' },
  failed: { color: 'red', label: 'Repair failed' },
  restored: { color: 'blue', label: 'Restored' },
};

export function isSortKey(id: string): id is FindingSortKey {
  return (FINDING_SORT_KEYS as readonly string[]).includes(id);
}
