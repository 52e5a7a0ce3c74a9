import type { IdentityStatus, IdentityUserRow } from '@core/api';
import { useState } from 'react';
import type { ClientError } from '../../client/client-error';
import { useApiQuery } from '../../hooks/useApi';

/** Page sizes the Users page offers; the host answers up to 500 rows a page. */
export const USERS_PAGE_SIZES = [25, 50, 100, 200, 500] as const;
const DEFAULT_PAGE_SIZE = 50;

export interface UsersQuery {
  status: IdentityStatus | undefined;
  search: string;
  sort: 'email' | 'name' | 'status';
  direction: 'asc' | 'desc';
}

export interface UsersPageState {
  rows: IdentityUserRow[];
  /** Index of rows[0] among all matching users. */
  offset: number;
  limit: number;
  /** Matching users on the host. */
  total: number;
  runId: number | null;
  /** True until the first answer for this query (a page change keeps the previous rows on screen meanwhile). */
  isLoading: boolean;
  /** A new page is on its way while the previous one is still shown. */
  isFetching: boolean;
  error: ClientError | null;
  setPage: (next: { offset: number; limit: number }) => void;
}

/**
 * One page of the users sync table, sorted, filtered and paged by the host
 * (`identity.users`), so 100,000 users never cross the transport at once. A
 * new filter or sort starts again at page 1; a page that a repair emptied
 * (the table shrank under it) falls back to the last page that exists.
 */
export function useUsersPage(query: UsersQuery): UsersPageState {
  const queryKey = JSON.stringify(query);
  const [paging, setPaging] = useState({ key: queryKey, offset: 0, limit: DEFAULT_PAGE_SIZE });
  const limit = paging.limit;
  const requested = paging.key === queryKey ? paging.offset : 0;
  const answer = useApiQuery(
    'identity.users',
    { status: query.status, search: query.search || undefined, sort: query.sort, direction: query.direction, limit, offset: requested },
    { keepPrevious: true },
  );
  const data = answer.data;
  const total = data?.total ?? 0;
  const lastPageOffset = Math.max(0, Math.floor((total - 1) / limit) * limit);
  const offset = data && requested > lastPageOffset ? lastPageOffset : requested;
  if (offset !== requested) setPaging({ key: queryKey, offset, limit });
  // A page kept from another query or page is shown only while the right one loads.
  const current = data && data.offset === offset && data.limit === limit;
  return {
    rows: data?.items ?? [],
    offset: current ? offset : (data?.offset ?? offset),
    limit,
    total,
    runId: data?.runId ?? null,
    isLoading: answer.isLoading,
    isFetching: answer.isFetching && !current,
    error: answer.error,
    setPage: (next) => setPaging({ key: queryKey, ...next }),
  };
}
