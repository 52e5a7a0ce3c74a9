import type { IdentityUserRow } from '@core/api';
import { useQueryClient } from '@tanstack/react-query';
import { useEffect } from 'react';
import { apiKey, useApiQuery } from '../../hooks/useApi';
import { useClient } from '../../hooks/useClient';
import { IDENTITY_ENGINE } from './useIdentity';

/**
 * One user's detail (`identity.user`), read live from both sides when the
 * panel opens and again after every identity run, so a repair started from
 * the panel's row shows its effect without closing it.
 */
export function useUserDetail(row: IdentityUserRow | null) {
  const client = useClient();
  const queryClient = useQueryClient();
  useEffect(
    () =>
      client.on('run.finished', (run) => {
        if (run.engine === IDENTITY_ENGINE) void queryClient.invalidateQueries({ queryKey: apiKey('identity.user') });
      }),
    [client, queryClient],
  );
  return useApiQuery(
    'identity.user',
    { localId: row?.localId ?? null, remoteId: row?.remoteId ?? null, email: row?.email ?? null },
    // Both sides are asked live: no retry storm against a service that just said no, and no refetch on focus.
    { enabled: row !== null, retry: false, refetchOnWindowFocus: false },
  );
}
