import type { MethodInput, MethodName, MethodOutput } from '@core/api';
import { keepPreviousData, useQueries } from '@tanstack/react-query';
import { useCallback, useMemo, useState } from 'react';
import type { ClientError } from '../../client/client-error';
import { apiKey } from '../../hooks/useApi';
import { useClient } from '../../hooks/useClient';

/** A contract method that pages with limit/offset and answers `{ items, total, offset }`. */
type PagedMethod = {
  [M in MethodName]: MethodInput<M> extends { limit?: number; offset?: number } ? (MethodOutput<M> extends { items: unknown[]; total: number; offset: number } ? M : never) : never;
}[MethodName];

type RowOf<M extends PagedMethod> = MethodOutput<M>['items'][number];

export interface HostPagedWindow<M extends PagedMethod> {
  rows: RowOf<M>[];
  /** Index of rows[0] among all matching rows. */
  offset: number;
  /** Matching rows on the host (the table's full height). */
  total: number;
  /** The newest page answered, for what the host says besides rows (e.g. identity's runId). */
  lastPage: MethodOutput<M> | undefined;
  isLoading: boolean;
  error: ClientError | null;
  /** The virtual table reports which rows are in view; the pages covering them are fetched. */
  onRangeChange: (first: number, last: number) => void;
}

const TOP: [number, number] = [0, 0];

/**
 * Server-side paging for a virtual table of any length: only the one or two
 * pages under the visible rows are requested (and cached by TanStack Query),
 * so scrolling to row 100,000 loads one page, not two hundred. `filters` is
 * the method's input without limit and offset (sort, direction, search …).
 */
export function useHostPagedWindow<M extends PagedMethod>(method: M, filters: Omit<MethodInput<M>, 'limit' | 'offset'>, pageSize: number): HostPagedWindow<M> {
  const client = useClient();
  // A new filter or sort starts again at the top: the window belongs to the query it was measured for.
  const queryKey = JSON.stringify(filters);
  const [view, setView] = useState<{ key: string; pages: [number, number] }>({ key: queryKey, pages: TOP });
  const pages = view.key === queryKey ? view.pages : TOP;
  const onRangeChange = useCallback(
    (first: number, last: number) => {
      const next: [number, number] = [Math.floor(first / pageSize), Math.floor(last / pageSize)];
      setView((current) => (current.key === queryKey && current.pages[0] === next[0] && current.pages[1] === next[1] ? current : { key: queryKey, pages: next }));
    },
    [queryKey, pageSize],
  );

  const inputs = useMemo(() => {
    const parsed = JSON.parse(queryKey) as Omit<MethodInput<M>, 'limit' | 'offset'>;
    const list: MethodInput<M>[] = [];
    for (let page = pages[0]; page <= pages[1]; page++) list.push({ ...parsed, limit: pageSize, offset: page * pageSize } as MethodInput<M>);
    return list;
  }, [pages, queryKey, pageSize]);

  const results = useQueries({
    queries: inputs.map((input) => ({
      queryKey: apiKey(method, input),
      queryFn: () => client.request(method, input),
      placeholderData: keepPreviousData,
    })),
  });

  return useMemo(() => {
    const rows: RowOf<M>[] = [];
    let total = 0;
    let lastPage: MethodOutput<M> | undefined;
    let contiguous = true;
    for (const [i, result] of results.entries()) {
      const data = result.data as MethodOutput<M> | undefined;
      // A page kept from an earlier window must not be drawn at this window's place.
      const fresh = data && data.offset === (inputs[i]?.offset ?? -1) && !result.isPlaceholderData;
      if (data) {
        total = Math.max(total, data.total);
        lastPage = data;
      }
      if (fresh && contiguous) rows.push(...(data.items as RowOf<M>[]));
      else contiguous = false;
    }
    return {
      rows,
      offset: pages[0] * pageSize,
      total,
      lastPage,
      isLoading: results.some((r) => r.isLoading),
      error: (results.find((r) => r.error)?.error as ClientError | undefined) ?? null,
      onRangeChange,
    };
  }, [results, inputs, pages, pageSize, onRangeChange]);
}
