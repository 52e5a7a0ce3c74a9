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

const textAt = (value: unknown): string | null => (typeof value === 'string' && value.trim() !== '' ? value : null);

/**
 * What a finding is about, as a person reads it in a toast: the file's name,
 * the asset's title or public id, the user's email; the subject (a row id)
 * only when the finding carries nothing better.
 */
export function findingLabel(finding: Pick<Finding, 'subject' | 'userEmail' | 'details'>): string {
  const details = finding.details ?? {};
  const asset = typeof details.asset === 'object' && details.asset !== null ? (details.asset as Record<string, unknown>) : {};
  const file = textAt(details.fileName);
  if (file) return `“${file}”`;
  const media = textAt(asset.title) ?? textAt(asset.publicId) ?? textAt(details.publicId);
  if (media) return `“${media}”`;
  return finding.userEmail ?? finding.subject;
}
