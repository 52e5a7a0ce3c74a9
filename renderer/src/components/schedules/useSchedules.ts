import { useQueryClient } from '@tanstack/react-query';
import { useEffect } from 'react';
import { batchedInvalidation } from '../../hooks/batched-invalidation';
import { apiKey, useApiQuery } from '../../hooks/useApi';
import { useClient } from '../../hooks/useClient';

/**
 * The schedules with their next and last runs. Schedules change from other
 * places (the CLI, the app DB, the tray's pause) and their runs start and end
 * on their own, so the list follows those events, merged into one refetch.
 */
export function useSchedules() {
  const client = useClient();
  const queryClient = useQueryClient();
  useEffect(() => {
    const stale = batchedInvalidation(queryClient);
    const refresh = () => stale.invalidate(apiKey('schedules.list'));
    const offs = [client.on('schedules.changed', refresh), client.on('scheduler.status', refresh), client.on('run.started', refresh), client.on('run.finished', refresh)];
    return () => {
      for (const off of offs) off();
      stale.cancel();
    };
  }, [client, queryClient]);
  return useApiQuery('schedules.list', {});
}
