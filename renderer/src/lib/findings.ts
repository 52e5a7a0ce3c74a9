import type { Finding, MethodInput } from '@core/api';

export type FindingStatus = Finding['status'];
export type FindingSortKey = NonNullable<MethodInput<'findings.list'>['sort']>;

/** Declared locally: the renderer may not import runtime values from core. */
export const FINDING_STATUSES = ['open', 'repaired', 'dismissed', 'quarantined', 'superseded', 'failed', 'restored'] as const satisfies readonly FindingStatus[];
export const FINDING_SORT_KEYS = ['createdAt', 'kind', 'subject', 'userEmail', 'status'] as const satisfies readonly FindingSortKey[];

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
