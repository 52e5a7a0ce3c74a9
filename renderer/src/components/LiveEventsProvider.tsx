import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef, useState, type ReactNode } from 'react';
import { batchedInvalidation } from '../hooks/batched-invalidation';
import { LiveContext } from '../hooks/live-context';
import { LiveStore } from '../hooks/live-store';
import { apiKey } from '../hooks/useApi';
import { useClient, useConnectionState } from '../hooks/useClient';

/**
 * Turns host events into fresh screens: progress goes to the live store,
 * starts and finishes invalidate the queries they make stale.
 */
export function LiveEventsProvider({ children }: { children: ReactNode }) {
  const client = useClient();
  const queryClient = useQueryClient();
  const [store] = useState(() => new LiveStore());
  const connection = useConnectionState();
  const previousStatus = useRef(connection.status);

  useEffect(() => {
    const stale = batchedInvalidation(queryClient);
    const offStarted = client.on('run.started', (run) => {
      store.runStarted(run);
      stale.invalidate(apiKey('runs.list'));
    });
    const offProgress = client.on('run.progress', (snapshot) => store.runProgress(snapshot));
    const offFinished = client.on('run.finished', (run) => {
      store.runFinished(run);
      for (const method of ['runs.list', 'runs.log', 'findings.list', 'audit.list', 'sheets.sources.list', 'sheets.cache.preview'] as const) stale.invalidate(apiKey(method));
      stale.invalidate(apiKey('runs.get', { id: run.id }));
    });
    return () => {
      offStarted();
      offProgress();
      offFinished();
      stale.cancel();
    };
  }, [client, queryClient, store]);

  // Events sent while the socket was down are lost: refetch everything on reconnect.
  useEffect(() => {
    if (connection.status === 'open' && previousStatus.current === 'reconnecting') void queryClient.invalidateQueries();
    previousStatus.current = connection.status;
  }, [connection.status, queryClient]);

  return <LiveContext.Provider value={store}>{children}</LiveContext.Provider>;
}
