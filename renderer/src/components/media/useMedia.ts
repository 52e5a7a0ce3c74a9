import type { Run } from '@core/api';
import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useMemo } from 'react';
import { useActiveRuns } from '../../hooks/useActiveRuns';
import { apiKey, useApiMutation, useApiQuery } from '../../hooks/useApi';
import { useLiveState } from '../../hooks/live-context';

export const MEDIA_ENGINE = 'media-import';
export const MISSING_IN_DB = 'missing-in-db';

/**
 * The media-import runs the page shows: those running now, else the latest
 * one. When one finishes, the counts and the imported rows are read again
 * (LiveEventsProvider already refreshes findings and runs).
 */
export function useMediaRuns(): { active: Run[]; latest: Run | null } {
  const { runs } = useActiveRuns();
  const live = useLiveState();
  const queryClient = useQueryClient();
  const history = useApiQuery('runs.list', { engine: MEDIA_ENGINE, limit: 1 });
  const active = useMemo(() => runs.filter((run) => run.engine === MEDIA_ENGINE), [runs]);
  const finishedIds = live.finished.filter((run) => run.engine === MEDIA_ENGINE).map((run) => run.id).join(',');
  useEffect(() => {
    if (!finishedIds) return;
    void queryClient.invalidateQueries({ queryKey: apiKey('media.overview') });
    void queryClient.invalidateQueries({ queryKey: apiKey('media.imported') });
  }, [finishedIds, queryClient]);
  const latestFinished = live.finished.find((run) => run.engine === MEDIA_ENGINE) ?? null;
  const stored = history.data?.items[0] ?? null;
  const latest = latestFinished && (!stored || latestFinished.id >= stored.id) ? latestFinished : stored;
  return { active, latest };
}

export type MediaRepairChoice = { findingIds: number[] } | { user: string } | { all: true };

/** Starts a check (optionally of one user) or an import; the run's progress arrives by events. */
export function useMediaActions() {
  const start = useApiMutation('runs.start');
  return {
    check: (user?: string) => start.mutate({ engine: MEDIA_ENGINE, params: { mode: 'check', ...(user ? { user } : {}) } }),
    repair: (choice: MediaRepairChoice) => start.mutate({ engine: MEDIA_ENGINE, params: { mode: 'repair', ...choice } }),
    isPending: start.isPending,
    error: start.error,
  };
}
