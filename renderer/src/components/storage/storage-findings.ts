import type { Finding } from '@core/api';

/** What the storage-orphans engine keeps in a finding's details (core/api/storage.ts StorageFindingDetails), read defensively. */
export interface StorageFindingView {
  fileName: string;
  provider: string;
  userId: string | null;
  size: number | null;
  /** Until when a quarantined row can be restored. */
  purgeAfter: string | null;
  /** When a run deleted the quarantined row for good (the finding is then repaired). */
  purgedAt: string | null;
  /** Why the last restore could not be done (the row stayed quarantined), in plain words. */
  restoreError: string | null;
}

export function storageFindingView(finding: Finding): StorageFindingView {
  const details = finding.details ?? {};
  const text = (key: string) => (typeof details[key] === 'string' ? (details[key] as string) : null);
  return {
    fileName: text('fileName') ?? text('providerFileId') ?? finding.subject,
    provider: text('provider') ?? '—',
    userId: text('userId'),
    size: typeof details.size === 'number' ? details.size : null,
    purgeAfter: text('purgeAfter'),
    purgedAt: text('purgedAt'),
    restoreError: typeof details.restoreError === 'object' && details.restoreError !== null && typeof (details.restoreError as { message?: unknown }).message === 'string' ? (details.restoreError as { message: string }).message : null,
  };
}

export const KIND_STYLE: Record<string, { label: string; color: string }> = {
  orphan: { label: 'Orphan', color: 'orange' },
  trashed: { label: 'Trashed', color: 'yellow' },
};

/**
 * Only open findings can be repaired (the engines' repair selection takes open ones only). A restored
 * row whose file is still gone comes back as a new open finding at the next check.
 */
export const canRepair = (finding: Finding) => finding.status === 'open';
/** A purged row is gone from both tables: nothing is left to restore, whatever the status says. */
export const canRestore = (finding: Finding) => finding.status === 'quarantined' && storageFindingView(finding).purgedAt === null;
