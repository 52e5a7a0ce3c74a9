import type { MethodInput, Run } from '@core/api';
import { useInfiniteQuery } from '@tanstack/react-query';
import { useMemo } from 'react';
import type { ClientError } from '../client/client-error';
import { apiKey } from './useApi';
import { useLiveState } from './live-context';
import { freshen } from './live-store';
import { useClient } from './useClient';

const PAGE_SIZE = 100;

/** `runs.list` filters (engine, states, triggers, scope, schedule, dates); the page size is this hook's. */
export type RunHistoryFilter = Omit<NonNullable<MethodInput<'runs.list'>>, 'limit' | 'offset'>;

/** The run history, newest first, filtered, fetched a page at a time as the table scrolls. */
export function useRunHistory(filter: RunHistoryFilter = {}) {
  const client = useClient();
  const input = { ...filter, limit: PAGE_SIZE };
  const query = useInfiniteQuery({
    // Same `runs.list` prefix as every other runs query, so run events refresh it too.
    queryKey: [...apiKey('runs.list', input), 'infinite'],
    queryFn: ({ pageParam }) => client.request('runs.list', { ...input, offset: pageParam }),
    initialPageParam: 0,
    getNextPageParam: (last) => (last.offset + last.items.length < last.total ? last.offset + last.items.length : undefined),
  });
  // Each run as the live state knows it now: a row never says running while the badge says it ended.
  const live = useLiveState();
  const runs = useMemo<Run[]>(() => query.data?.pages.flatMap((page) => page.items.map((run) => freshen(live, run))) ?? [], [query.data, live]);
  const total = query.data?.pages[0]?.total ?? 0;
  return { ...query, runs, total, error: query.error as ClientError | null };
}
