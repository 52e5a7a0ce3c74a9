import { useQueryClient } from '@tanstack/react-query';
import { useLiveState } from '../../hooks/live-context';
import { activeRunsPollMs } from '../../hooks/live-sync';
import { apiKey, useApiQuery } from '../../hooks/useApi';

/** The throughput window of the charts: the last 24 hours in hourly buckets. */
export const THROUGHPUT_HOURS = 24;
export const THROUGHPUT_BUCKET_MINUTES = 60;
export const DEAD_LETTERS_PAGE = 25;

/**
 * The Workers page's queries, refreshed at the live store's pace: every 3 s
 * while any run shows active (workers are busy, queues move), every 15 s when
 * idle. Failures are explained on the page (a queue that cannot be read), not
 * toasted on every poll.
 */
export function useTeam(deadLettersOffset: number, sinceMs: number) {
  const live = useLiveState();
  const every = activeRunsPollMs(live);
  const quiet = { meta: { errorToast: false }, refetchInterval: every } as const;
  const status = useApiQuery('team.status', {}, { meta: { errorToast: false } });
  const enabled = status.data?.enabled === true;
  const on = { ...quiet, enabled };
  const workers = useApiQuery('team.workers', {}, on);
  const queue = useApiQuery('team.queue', {}, on);
  const since = new Date(sinceMs).toISOString();
  const throughput = useApiQuery('team.throughput', { since, bucketMinutes: THROUGHPUT_BUCKET_MINUTES }, { ...on, keepPrevious: true });
  const deadLetters = useApiQuery('team.deadLetters', { limit: DEAD_LETTERS_PAGE, offset: deadLettersOffset }, { ...on, keepPrevious: true });
  return { status, workers, queue, throughput, deadLetters, pollMs: every };
}

/** Start of the charts' window: on an hour, so the query key (and the chart) stays put between polls within the hour. */
export function throughputSince(now: number): number {
  return Math.floor((now - THROUGHPUT_HOURS * 3_600_000) / 3_600_000) * 3_600_000;
}

/** Refreshes every team query at once (after a retry). */
export function useRefreshTeam() {
  const client = useQueryClient();
  return () => {
    for (const method of ['team.workers', 'team.queue', 'team.deadLetters', 'team.throughput'] as const) void client.invalidateQueries({ queryKey: apiKey(method) });
  };
}
