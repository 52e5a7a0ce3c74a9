import type { IdentityStatus, IdentityUserRow, MethodInput } from '@core/api';
import { keepPreviousData, useQueries } from '@tanstack/react-query';
import { useCallback, useMemo, useState } from 'react';
import type { ClientError } from '../../client/client-error';
import { apiKey } from '../../hooks/useApi';
import { useClient } from '../../hooks/useClient';

const TOP: [number, number] = [0, 0];

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

/**
 * Server-side paging for a virtual table of any length: only the one or two
 * pages under the visible rows are requested (and cached by TanStack Query),
 * so scrolling to user 100,000 loads one page, not two hundred.
 */
export function useUsersWindow(query: UsersQuery): UsersWindow {
  const client = useClient();
  // A new filter or sort starts again at the top: the window belongs to the query it was measured for.
  const queryKey = `${query.status ?? ''}|${query.search}|${query.sort}|${query.direction}`;
  const [view, setView] = useState<{ key: string; pages: [number, number] }>({ key: queryKey, pages: [0, 0] });
  const pages = view.key === queryKey ? view.pages : TOP;
  const onRangeChange = useCallback(
    (first: number, last: number) => {
      const next: [number, number] = [Math.floor(first / USERS_PAGE_SIZE), Math.floor(last / USERS_PAGE_SIZE)];
      setView((current) => (current.key === queryKey && current.pages[0] === next[0] && current.pages[1] === next[1] ? current : { key: queryKey, pages: next }));
    },
    [queryKey],
  );

  const inputs = useMemo(() => {
    const list: MethodInput<'identity.users'>[] = [];
    for (let page = pages[0]; page <= pages[1]; page++) {
      list.push({
        ...(query.status ? { status: query.status } : {}),
        ...(query.search ? { search: query.search } : {}),
        sort: query.sort,
        direction: query.direction,
        limit: USERS_PAGE_SIZE,
        offset: page * USERS_PAGE_SIZE,
      });
    }
    return list;
  }, [pages, query.status, query.search, query.sort, query.direction]);

  const results = useQueries({
    queries: inputs.map((input) => ({
      queryKey: apiKey('identity.users', input),
      queryFn: () => client.request('identity.users', input),
      placeholderData: keepPreviousData,
    })),
  });

  return useMemo(() => {
    const rows: IdentityUserRow[] = [];
    let total = 0;
    let runId: number | null = null;
    const offset = pages[0] * USERS_PAGE_SIZE;
    let contiguous = true;
    for (const [i, result] of results.entries()) {
      const data = result.data;
      // A page kept from an earlier window must not be drawn at this window's place.
      const fresh = data && data.offset === (inputs[i]?.offset ?? -1) && !result.isPlaceholderData;
      if (data) {
        total = Math.max(total, data.total);
        runId = data.runId;
      }
      if (fresh && contiguous) rows.push(...data.items);
      else contiguous = false;
    }
    return {
      rows,
      offset,
      total,
      runId,
      isLoading: results.some((r) => r.isLoading),
      error: (results.find((r) => r.error)?.error as ClientError | undefined) ?? null,
      onRangeChange,
    };
  }, [results, inputs, pages, onRangeChange]);
}
