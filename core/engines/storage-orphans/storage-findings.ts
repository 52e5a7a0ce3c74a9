import type { NewFinding } from '../../store/findings.repo';
import type { Drift } from './account-probe';
import { DEFAULT_RETENTION_DAYS, FINDING_KINDS, PROVIDER_LABEL, subjectOf, type StorageAccount } from './storage-model';

/** One finding per drifted file row; details follow the contract (core/api/storage.ts StorageFindingDetails). */
export function findingOf(account: StorageAccount, drift: Drift): NewFinding {
  const { row } = drift;
  const where = PROVIDER_LABEL[account.provider];
  const label = row.name ? `“${row.name}”` : row.providerFileId;
  return {
    subject: subjectOf(row.id),
    userEmail: account.email,
    kind: drift.kind,
    reason:
      drift.kind === FINDING_KINDS.orphan
        ? `${label} no longer exists in ${account.email ?? account.userId}'s ${where} (absent from a complete listing, or ${account.provider === 'google' ? 'notFound' : 'path/not_found'}), but the files table still has it`
        : `${label} is in ${account.email ?? account.userId}'s Drive trash; the files table still shows it`,
    proposedAction: `quarantine the file row (restorable for ${DEFAULT_RETENTION_DAYS} days, then deleted)`,
    details: { userId: row.userId, provider: row.provider, providerFileId: row.providerFileId, fileName: row.name, fileRowId: row.id, size: row.size },
  };
}
