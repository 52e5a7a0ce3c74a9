import type { Connection, ConnectionCheckResult } from '@core/api';
import { notifications } from '@mantine/notifications';
import { useMutationState, useQueryClient, type QueryClient } from '@tanstack/react-query';
import { useCallback, useState } from 'react';
import { apiKey, useApiMutation, useApiQuery } from '../../hooks/useApi';
import { checkLabel } from './check-status';
import { testInTurn, type TestAllProgress, type TestAllSummary } from './test-all';

const LIST_KEY = apiKey('connections.list', {});
const TEST_KEY = apiKey('connections.test');

export function useConnectionsList() {
  return useApiQuery('connections.list', {});
}

/** After any change: the list is small, so refetch it whole rather than patch it. */
export function refreshConnections(queryClient: QueryClient): Promise<void> {
  return queryClient.invalidateQueries({ queryKey: apiKey('connections.list') });
}

function nameOf(queryClient: QueryClient, id: number): string {
  return queryClient.getQueryData<Connection[]>(LIST_KEY)?.find((c) => c.id === id)?.name ?? `Connection ${id}`;
}

/**
 * Testing, shared by every card and by "Test now" after a save. Several tests
 * may run at once, so "is this one testing?" comes from the mutation cache
 * (one entry per call), not from the single observer's latest state.
 */
export function useConnectionTest() {
  const queryClient = useQueryClient();
  const mutation = useApiMutation('connections.test', {
    mutationKey: TEST_KEY,
    // In the hook's options (not mutate's), so it runs for every concurrent call.
    onSuccess: (result: ConnectionCheckResult, { id }) => {
      queryClient.setQueryData<Connection[]>(LIST_KEY, (list) => list?.map((c) => (c.id === id ? { ...c, lastCheck: result } : c)));
      void refreshConnections(queryClient);
      const name = nameOf(queryClient, id);
      notifications.show({
        // One toast per result: reusing an id while the previous toast is still up would drop the new one.
        id: `connection-test:${id}:${result.at}`,
        color: result.ok ? 'teal' : 'red',
        title: result.ok ? `${name} works` : `${name}: ${checkLabel(result.status).toLowerCase()}`,
        message: result.problems?.length ? `${result.message} (${result.problems.join(', ')})` : result.message,
        autoClose: result.ok ? 5000 : 10000,
      });
    },
  });
  const pending = useMutationState({
    filters: { mutationKey: TEST_KEY, status: 'pending' },
    select: (m) => (m.state.variables as { id: number } | undefined)?.id,
  });
  const { mutate } = mutation;
  const test = useCallback((id: number) => mutate({ id }), [mutate]);
  const isTesting = useCallback((id: number) => pending.includes(id), [pending]);
  return { test, isTesting };
}

/**
 * "Test all": every connection in turn, with progress and one summary instead of a toast per
 * connection (five toasts would cover the page). The cards show their own spinner and result,
 * as for a single test, because the calls share the single test's mutation key.
 */
export function useTestAll() {
  const queryClient = useQueryClient();
  const [progress, setProgress] = useState<TestAllProgress | null>(null);
  const [summary, setSummary] = useState<TestAllSummary | null>(null);
  const { mutateAsync } = useApiMutation('connections.test', {
    mutationKey: TEST_KEY,
    onSuccess: (result: ConnectionCheckResult, { id }) => {
      queryClient.setQueryData<Connection[]>(LIST_KEY, (list) => list?.map((c) => (c.id === id ? { ...c, lastCheck: result } : c)));
    },
  });
  const run = useCallback(
    async (ids: readonly number[]) => {
      setSummary(null);
      const done = await testInTurn(ids, (id) => mutateAsync({ id }), setProgress);
      setProgress(null);
      setSummary(done);
      void refreshConnections(queryClient);
    },
    [mutateAsync, queryClient],
  );
  return { run, progress, summary, dismiss: () => setSummary(null) };
}
