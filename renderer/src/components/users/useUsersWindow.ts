import type { IdentityStatus, IdentityUserRow } from '@core/api';
import type { ClientError } from '../../client/client-error';
import { useHostPagedWindow } from '../table/useHostPagedWindow';

/** The host's largest page. */
export const USERS_PAGE_SIZE = 500;

export interface UsersQuery {
  status: IdentityStatus | undefined;
  search: string;
  sort: 'email' | 'name' | 'status';
  direction: 'asc' | 'desc';
}

export interface UsersWindow {
  rows: IdentityUserRow[];
  /** Index of rows[0] among all matching users. */
  offset: number;
  /** Matching users on the host (the table's full height). */
  total: number;
  runId: number | null;
  isLoading: boolean;
  error: ClientError | null;
  /** The virtual table reports which rows are in view; the pages covering them are fetched. */
  onRangeChange: (first: number, last: number) => void;
}

/** The users sync table's rows, sorted and paged by the host (see useHostPagedWindow), with the check they come from. */
export function useUsersWindow(query: UsersQuery): UsersWindow {
  const { lastPage, ...window } = useHostPagedWindow(
    'identity.users',
    { status: query.status, search: query.search || undefined, sort: query.sort, direction: query.direction },
    USERS_PAGE_SIZE,
  );
  return { ...window, runId: lastPage?.runId ?? null };
}
