import type { Run, RunState } from '@core/api';
import { useMemo } from 'react';
import { useApiQuery } from './useApi';
import { useLiveState } from './live-context';

export const ACTIVE_STATES = ['queued', 'running'] as const satisfies readonly RunState[];
export const ACTIVE_RUNS_INPUT = { states: [...ACTIVE_STATES], limit: 50 };

/**
 * Runs in progress right now: the host's list (so a reload still shows them)
 * merged with what events said since, with the freshest progress snapshot.
 */
export function useActiveRuns(): { runs: Run[]; isLoading: boolean } {
  const query = useApiQuery('runs.list', ACTIVE_RUNS_INPUT);
  const live = useLiveState();
  const runs = useMemo(() => {
    const finished = new Set(live.finished.map((run) => run.id));
    const byId = new Map<number, Run>();
    for (const run of query.data?.items ?? []) byId.set(run.id, run);
    for (const run of live.started.values()) if (!byId.has(run.id)) byId.set(run.id, run);
    return [...byId.values()]
      .filter((run) => !finished.has(run.id))
      .map((run) => ({ ...run, progress: live.progress.get(run.id) ?? run.progress }))
      .sort((a, b) => b.id - a.id);
  }, [query.data, live]);
  return { runs, isLoading: query.isLoading };
}
