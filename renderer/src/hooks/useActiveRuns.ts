import type { Run } from '@core/api';
import { useMemo } from 'react';
import { useApiQuery } from './useApi';
import { useLiveState, useLiveStore } from './live-context';
import { selectActive } from './live-store';
import { ACTIVE_RUNS_INPUT, activeRunsPollMs } from './live-sync';

/**
 * Runs in progress right now, from the one live state (events and every
 * fetched run list merged). The query keeps the host's list of active runs
 * fetched, so a reload or a lost event still shows them.
 */
export function useActiveRuns(): { runs: Run[]; isLoading: boolean } {
  const store = useLiveStore();
  const query = useApiQuery('runs.list', ACTIVE_RUNS_INPUT, { refetchInterval: () => activeRunsPollMs(store.getState()) });
  const live = useLiveState();
  const runs = useMemo(() => selectActive(live), [live]);
  return { runs, isLoading: query.isLoading };
}
