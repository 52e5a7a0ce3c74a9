import type { Run } from '@core/api';
import { useMemo } from 'react';
import { useActiveRuns } from '../../hooks/useActiveRuns';
import { useApiMutation, useApiQuery } from '../../hooks/useApi';
import { useLiveState } from '../../hooks/live-context';
import { selectLatest } from '../../hooks/live-store';

export const MEDIA_ENGINE = 'media-import';
export const MISSING_IN_DB = 'missing-in-db';

/**
 * The media-import runs the page shows: those running now, else the latest
 * one, from the live state every run widget reads. When one finishes,
 * LiveEventsProvider reads every query again (counts and imported rows too).
 */
export function useMediaRuns(): { active: Run[]; latest: Run | null } {
  const { runs } = useActiveRuns();
  const live = useLiveState();
  const history = useApiQuery('runs.list', { engine: MEDIA_ENGINE, limit: 1 });
  const active = useMemo(() => runs.filter((run) => run.engine === MEDIA_ENGINE), [runs]);
  const latest = selectLatest(live, history.data?.items[0], (run) => run.engine === MEDIA_ENGINE);
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
