import type { RunTrigger } from '@core/api';
import { useQueryClient } from '@tanstack/react-query';
import { useEffect } from 'react';
import { batchedInvalidation } from '../../hooks/batched-invalidation';
import { apiKey, useApiQuery } from '../../hooks/useApi';
import { useClient } from '../../hooks/useClient';

/** `runs.stats` for the chart, refreshed when runs start and finish (merged: a schedule tick may end hundreds). */
export function useRunStats(days: number, trigger: RunTrigger | undefined) {
  const client = useClient();
  const queryClient = useQueryClient();
  useEffect(() => {
    const stale = batchedInvalidation(queryClient);
    const refresh = () => stale.invalidate(apiKey('runs.stats'));
    const offs = [client.on('run.started', refresh), client.on('run.finished', refresh)];
    return () => {
      for (const off of offs) off();
      stale.cancel();
    };
  }, [client, queryClient]);
  return useApiQuery('runs.stats', { days, ...(trigger ? { trigger } : {}) }, { keepPrevious: true });
}
