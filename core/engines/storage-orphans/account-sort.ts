import { ACCOUNT_STATUS_URGENCY, type StorageAccountRow, type StorageAccountSort } from '../../api/storage';

type Compare = (a: StorageAccountRow, b: StorageAccountRow) => number;

const userOf = (row: StorageAccountRow) => row.userEmail ?? row.userId;
const byUser: Compare = (a, b) => userOf(a).localeCompare(userOf(b)) || a.userId.localeCompare(b.userId) || a.provider.localeCompare(b.provider);

const BY: Record<StorageAccountSort, Compare> = {
  user: byUser,
  provider: (a, b) => a.provider.localeCompare(b.provider),
  files: (a, b) => a.files - b.files,
  openOrphans: (a, b) => a.openOrphans - b.openOrphans,
  // ISO timestamps compare as text; null (never checked) is handled by sortAccounts.
  lastCheckAt: (a, b) => (a.lastCheckAt ?? '').localeCompare(b.lastCheckAt ?? ''),
  status: (a, b) => ACCOUNT_STATUS_URGENCY.indexOf(a.status) - ACCOUNT_STATUS_URGENCY.indexOf(b.status),
};

/**
 * Sorts the Storage page's rows on the host, so the table reads one page of
 * a sorted list instead of every row. Ties always go by user then provider,
 * ascending, so pages never overlap or skip a row; accounts never checked
 * stay last when sorting by last check, whichever the direction.
 */
export function sortAccounts(rows: StorageAccountRow[], sort: StorageAccountSort, direction: 'asc' | 'desc'): StorageAccountRow[] {
  const sign = direction === 'desc' ? -1 : 1;
  const primary = BY[sort];
  return rows.sort((a, b) => {
    if (sort === 'lastCheckAt' && (a.lastCheckAt === null) !== (b.lastCheckAt === null)) return a.lastCheckAt === null ? 1 : -1;
    return sign * primary(a, b) || (sort === 'user' ? 0 : byUser(a, b));
  });
}
