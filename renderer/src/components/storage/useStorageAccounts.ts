import type { MethodInput } from '@core/api';
import type { ClientError } from '../../client/client-error';
import { useHostPagedWindow } from '../table/useHostPagedWindow';
import type { StorageAccountRow, StorageAccountStatus } from './useStorage';

/** Rows per request: a few screens of the virtual table. */
const PAGE_SIZE = 200;

export type AccountsSort = MethodInput<'storage.accounts'>['sort'] & string;

export interface AccountsQuery {
  search: string;
  status: StorageAccountStatus | undefined;
  /** true: only accounts with auto-sync off (those Check all leaves out). */
  onlyAutoSyncOff?: boolean;
  sort: AccountsSort;
  direction: 'asc' | 'desc';
}

export interface StorageAccountsWindow {
  rows: StorageAccountRow[];
  /** Index of rows[0] among all matching accounts. */
  offset: number;
  /** Matching accounts on the host (the table's full height). */
  total: number;
  isLoading: boolean;
  error: ClientError | null;
  /** The virtual table reports which rows are in view; the pages covering them are fetched. */
  onRangeChange: (first: number, last: number) => void;
}

/** The accounts table's rows, sorted and paged by the host (see useHostPagedWindow): a roster of 20,000 accounts never crosses the transport at once. */
export function useStorageAccounts(query: AccountsQuery): StorageAccountsWindow {
  return useHostPagedWindow(
    'storage.accounts',
    { search: query.search || undefined, status: query.status, autoSync: query.onlyAutoSyncOff ? false : undefined, sort: query.sort, direction: query.direction },
    PAGE_SIZE,
  );
}
