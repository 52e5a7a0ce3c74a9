import type { Run } from '@core/api';
import { notifications } from '@mantine/notifications';
import { useQueryClient } from '@tanstack/react-query';
import { useEffect } from 'react';
import { apiKey, useApiMutation, useApiQuery } from '../../hooks/useApi';
import { useActiveRuns } from '../../hooks/useActiveRuns';
import { useClient } from '../../hooks/useClient';

export const IDENTITY_ENGINE = 'identity';

/** The sync table's totals, refreshed whenever an identity run finishes. */
export function useIdentitySummary() {
  const client = useClient();
  const queryClient = useQueryClient();
  useEffect(
    () =>
      client.on('run.finished', (run) => {
        if (run.engine !== IDENTITY_ENGINE) return;
        if (run.state === 'failed') notifications.show({ color: 'red', title: `Identity run #${run.id} failed`, message: run.error?.message ?? 'See the run log.' });
        if (run.state === 'partial') {
          const failed = typeof run.result?.itemsFailed === 'number' ? run.result.itemsFailed : 0;
          notifications.show({ color: 'grape', title: `Identity run #${run.id} finished with failures`, message: `${failed} user${failed === 1 ? '' : 's'} could not be repaired; see the run log and the findings.` });
        }
        void queryClient.invalidateQueries({ queryKey: apiKey('identity.users') });
        void queryClient.invalidateQueries({ queryKey: apiKey('identity.summary') });
        void queryClient.invalidateQueries({ queryKey: apiKey('identity.plan') });
      }),
    [client, queryClient],
  );
  return useApiQuery('identity.summary', {});
}

/** The identity run in progress, if any (one at a time: the engine's scope is "all"). */
export function useActiveIdentityRun(): Run | null {
  return useActiveRuns().runs.find((run) => run.engine === IDENTITY_ENGINE) ?? null;
}

type Confirmed = {
  /** One user (a row button): true or the count; "Repair all": the digest of the plan it named. */
  confirmDestructive?: true | number | string;
  confirmDeletes?: number;
  relink?: true;
  remoteOnly?: 'ban' | 'leave' | 'delete';
};
export type IdentityRunParams = { mode: 'check' } | ({ mode: 'repair'; user: string } & Confirmed) | ({ mode: 'repair'; all: true } & Confirmed);

/** Starts an identity run; says so when one is already running instead of starting a second. */
export function useStartIdentityRun(onStarted?: (runId: number) => void, onFailed?: () => void) {
  const mutation = useApiMutation('runs.start', {
    onSuccess: (answer) => {
      if (answer.alreadyRunning) notifications.show({ message: `An identity run is already in progress (run #${answer.runId}).`, autoClose: 3500 });
      onStarted?.(answer.runId);
    },
    onError: (error) => {
      notifications.show({ color: 'red', title: 'Could not start the run', message: error.message });
      onFailed?.();
    },
  });
  return {
    start: (params: IdentityRunParams) => mutation.mutate({ engine: IDENTITY_ENGINE, params }),
    isPending: mutation.isPending,
  };
}
