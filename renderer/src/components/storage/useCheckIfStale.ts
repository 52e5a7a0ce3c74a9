import type { Run } from '@core/api';
import { useEffect, useRef } from 'react';
import { useApiMutation } from '../../hooks/useApi';

/**
 * Opening a user's detail asks the host for a quiet check of that user when
 * the last one is older than an hour (issue #5). It never blocks the drawer:
 * the answer only says whether a check is now running, and which run it is.
 * Asked once per opening; errors stay quiet (the detail is still worth showing).
 */
export function useCheckIfStale(userId: string | null, activeRuns: Run[]): { checking: boolean; runId: number | null } {
  const ask = useApiMutation('storage.checkIfStale');
  const askedFor = useRef<string | null>(null);
  const { mutate } = ask;
  useEffect(() => {
    if (userId === null) {
      askedFor.current = null;
      return;
    }
    if (askedFor.current === userId) return;
    askedFor.current = userId;
    mutate({ userId });
  }, [userId, mutate]);
  const runId = userId !== null && ask.variables?.userId === userId ? (ask.data?.runId ?? null) : null;
  const running = runId !== null && activeRuns.some((run) => run.id === runId);
  return { checking: running, runId };
}
