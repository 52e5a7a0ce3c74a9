import type { Run } from '@core/api';
import { useInfiniteQuery } from '@tanstack/react-query';
import { useMemo } from 'react';
import type { ClientError } from '../client/client-error';
import { apiKey } from './useApi';
import { useClient } from './useClient';

const PAGE_SIZE = 100;

/** The whole run history, newest first, fetched a page at a time as the table scrolls. */
export function useRunHistory(engine?: string) {
  const client = useClient();
  const input = { engine, limit: PAGE_SIZE };
  const query = useInfiniteQuery({
    // Same `runs.list` prefix as every other runs query, so run events refresh it too.
    queryKey: [...apiKey('runs.list', input), 'infinite'],
    queryFn: ({ pageParam }) => client.request('runs.list', { ...input, offset: pageParam }),
    initialPageParam: 0,
    getNextPageParam: (last) => (last.offset + last.items.length < last.total ? last.offset + last.items.length : undefined),
  });
  const runs = useMemo<Run[]>(() => query.data?.pages.flatMap((page) => page.items) ?? [], [query.data]);
  const total = query.data?.pages[0]?.total ?? 0;
  return { ...query, runs, total, error: query.error as ClientError | null };
}
