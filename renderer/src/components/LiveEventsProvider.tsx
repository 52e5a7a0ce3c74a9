import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef, useState, type ReactNode } from 'react';
import { batchedInvalidation } from '../hooks/batched-invalidation';
import { LiveContext } from '../hooks/live-context';
import { LiveStore } from '../hooks/live-store';
import { syncRunQueries } from '../hooks/live-sync';
import { apiKey } from '../hooks/useApi';
import { useClient, useConnectionState } from '../hooks/useClient';

/**
 * Turns host events into fresh screens. Events and every fetched run list go
 * into one live store that every run widget reads; a start refetches the run
 * lists, and an end refetches everything on screen (counters, findings, audit,
 * each engine page's totals), since any of them may have changed with it.
 */
export function LiveEventsProvider({ children }: { children: ReactNode }) {
  const client = useClient();
  const queryClient = useQueryClient();
  const [store] = useState(() => new LiveStore());
  const connection = useConnectionState();
  const previousStatus = useRef(connection.status);

  useEffect(() => {
    const stale = batchedInvalidation(queryClient);
    let disposed = false;
    // A run whose end event was lost: ask for it, and let its answer end it everywhere at once.
    const offQueries = syncRunQueries(queryClient.getQueryCache(), store, (runIds) => {
      for (const id of runIds) {
        client.request('runs.get', { id }).then(
          (detail) => disposed || store.observe([detail.run]),
          () => undefined,
        );
      }
    });
    const offStarted = client.on('run.started', (run) => {
      store.runStarted(run);
      stale.invalidate(apiKey('runs.list'));
    });
    const offProgress = client.on('run.progress', (snapshot) => {
      // Progress of a run never seen starting: its start event was lost, read the list again.
      if (!store.runProgress(snapshot)) stale.invalidate(apiKey('runs.list'));
    });
    const offFinished = client.on('run.finished', (run) => {
      store.runFinished(run);
      stale.invalidateAll();
    });
    return () => {
      disposed = true;
      offQueries();
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
