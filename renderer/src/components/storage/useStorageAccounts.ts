import type { MethodInput } from '@core/api';
import { keepPreviousData, useQueries } from '@tanstack/react-query';
import { useCallback, useMemo, useState } from 'react';
import type { ClientError } from '../../client/client-error';
import { apiKey } from '../../hooks/useApi';
import { useClient } from '../../hooks/useClient';
import type { StorageAccountRow, StorageAccountStatus } from './useStorage';

/** Rows per request: a few screens of the virtual table. */
const PAGE_SIZE = 200;
const TOP: [number, number] = [0, 0];

export type AccountsSort = MethodInput<'storage.accounts'>['sort'] & string;

export interface AccountsQuery {
  search: string;
  status: StorageAccountStatus | undefined;
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

/**
 * The accounts table's rows, sorted and paged by the host (as useUsersWindow
 * does for identity): only the one or two pages under the visible rows are
 * requested, so a roster of 20,000 accounts never crosses the transport at once.
 */
export function useStorageAccounts(query: AccountsQuery): StorageAccountsWindow {
  const client = useClient();
  // A new filter or sort starts again at the top: the window belongs to the query it was measured for.
  const queryKey = `${query.status ?? ''}|${query.search}|${query.sort}|${query.direction}`;
  const [view, setView] = useState<{ key: string; pages: [number, number] }>({ key: queryKey, pages: TOP });
  const pages = view.key === queryKey ? view.pages : TOP;
  const onRangeChange = useCallback(
    (first: number, last: number) => {
      const next: [number, number] = [Math.floor(first / PAGE_SIZE), Math.floor(last / PAGE_SIZE)];
      setView((current) => (current.key === queryKey && current.pages[0] === next[0] && current.pages[1] === next[1] ? current : { key: queryKey, pages: next }));
    },
    [queryKey],
  );

  const inputs = useMemo(() => {
    const list: MethodInput<'storage.accounts'>[] = [];
    for (let page = pages[0]; page <= pages[1]; page++) {
      list.push({
        ...(query.search ? { search: query.search } : {}),
        ...(query.status ? { status: query.status } : {}),
        sort: query.sort,
        direction: query.direction,
        limit: PAGE_SIZE,
        offset: page * PAGE_SIZE,
      });
    }
    return list;
  }, [pages, query.search, query.status, query.sort, query.direction]);

  const results = useQueries({
    queries: inputs.map((input) => ({
      queryKey: apiKey('storage.accounts', input),
      queryFn: () => client.request('storage.accounts', input),
      placeholderData: keepPreviousData,
    })),
  });

  return useMemo(() => {
    const rows: StorageAccountRow[] = [];
    let total = 0;
    let contiguous = true;
    for (const [i, result] of results.entries()) {
      const data = result.data;
      // A page kept from an earlier window must not be drawn at this window's place.
      const fresh = data && data.offset === (inputs[i]?.offset ?? -1) && !result.isPlaceholderData;
      if (data) total = Math.max(total, data.total);
      if (fresh && contiguous) rows.push(...data.items);
      else contiguous = false;
    }
    return {
      rows,
      offset: pages[0] * PAGE_SIZE,
      total,
      isLoading: results.some((r) => r.isLoading),
      error: (results.find((r) => r.error)?.error as ClientError | undefined) ?? null,
      onRangeChange,
    };
  }, [results, inputs, pages, onRangeChange]);
}
