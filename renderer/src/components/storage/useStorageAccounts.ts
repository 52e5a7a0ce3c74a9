import type { MethodInput } from '@core/api';
import { keepPreviousData, useQueries, useQuery } from '@tanstack/react-query';
import { useMemo } from 'react';
import type { ClientError } from '../../client/client-error';
import { apiKey } from '../../hooks/useApi';
import { useClient } from '../../hooks/useClient';
import type { StorageAccountRow, StorageAccountStatus } from './useStorage';

/** The host's largest page. */
const PAGE_SIZE = 500;
/**
 * storage.accounts has no sort parameter, so the table sorts what it holds:
 * every matching account up to this many (the bench's 1,000 users with both
 * providers are 2,000 rows). Past it the page says to narrow the search.
 */
export const ACCOUNTS_LOADED_MAX = 10_000;

export interface AccountsQuery {
  search: string;
  status: StorageAccountStatus | undefined;
}

export interface StorageAccounts {
  rows: StorageAccountRow[];
  /** Matching accounts on the host; more than rows.length when capped. */
  total: number;
  isLoading: boolean;
  error: ClientError | null;
}

/** Every account that matches the filter, read page by page (the pages after the first in parallel). */
export function useStorageAccounts(query: AccountsQuery): StorageAccounts {
  const client = useClient();
  const inputOf = (offset: number): MethodInput<'storage.accounts'> => ({
    ...(query.search ? { search: query.search } : {}),
    ...(query.status ? { status: query.status } : {}),
    limit: PAGE_SIZE,
    offset,
  });
  const firstInput = inputOf(0);
  const first = useQuery({
    queryKey: apiKey('storage.accounts', firstInput),
    queryFn: () => client.request('storage.accounts', firstInput),
    placeholderData: keepPreviousData,
  });
  const total = first.data?.total ?? 0;
  const pages = Math.ceil(Math.min(total, ACCOUNTS_LOADED_MAX) / PAGE_SIZE);
  const restInputs = Array.from({ length: Math.max(0, pages - 1) }, (_, i) => inputOf((i + 1) * PAGE_SIZE));
  const rest = useQueries({
    queries: restInputs.map((input) => ({
      queryKey: apiKey('storage.accounts', input),
      queryFn: () => client.request('storage.accounts', input),
      placeholderData: keepPreviousData,
    })),
    combine: combinePages,
  });
  const firstItems = first.data?.items;
  const rows = useMemo(() => [...(firstItems ?? []), ...rest.items], [firstItems, rest.items]);
  return {
    rows,
    total,
    isLoading: first.isLoading,
    error: (first.error as ClientError | null) ?? rest.error,
  };
}

/** Module-level, so TanStack Query keeps the combined result stable while no page changed. */
function combinePages(results: { data?: { items: StorageAccountRow[] }; error: unknown }[]): { items: StorageAccountRow[]; error: ClientError | null } {
  return { items: results.flatMap((r) => r.data?.items ?? []), error: (results.find((r) => r.error)?.error as ClientError | undefined) ?? null };
}
