import type { OAuthFlow } from '@core/api';
import { notifications } from '@mantine/notifications';
import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { useApiMutation, useApiQuery } from '../../hooks/useApi';
import { refreshConnections } from './useConnections';

/** How often the page asks whether the browser sign-in has finished. */
const POLL_MS = 1000;

/**
 * Connect (RFC 8252): starts the sign-in on the host (which opens the system
 * browser in the desktop app), then follows it by polling until it is
 * connected, failed or cancelled. The flow stays shown after it ends, so a
 * failure's words stay on screen until the admin closes them.
 */
export function useConnectAccount() {
  const queryClient = useQueryClient();
  const [flow, setFlow] = useState<OAuthFlow | null>(null);
  const start = useApiMutation('connections.connect', { onSuccess: setFlow });
  const cancel = useApiMutation('connections.connect.cancel', { onSuccess: setFlow });
  // The latest word on the flow: the poll's answer once there is one for this flow, else what start/cancel returned.
  const polled = useApiQuery('connections.connect.status', { flowId: flow?.flowId ?? '-' }, { enabled: flow?.state === 'waiting', refetchInterval: POLL_MS, gcTime: 0 });
  const current = polled.data && flow && polled.data.flowId === flow.flowId && flow.state === 'waiting' ? polled.data : flow;
  const waiting = current?.state === 'waiting';
  const connectedFlow = current?.state === 'connected' ? current : null;

  useEffect(() => {
    if (!connectedFlow) return;
    void refreshConnections(queryClient);
    notifications.show({ id: `connected:${connectedFlow.flowId}`, color: 'teal', title: `${connectedFlow.service} account connected`, message: connectedFlow.email ?? connectedFlow.message ?? '' });
  }, [connectedFlow, queryClient]);

  return {
    flow: current,
    starting: start.isPending,
    startError: start.error,
    start: (id: number) => {
      setFlow(null);
      start.reset();
      start.mutate({ id });
    },
    cancel: () => current && waiting && cancel.mutate({ flowId: current.flowId }),
    dismiss: () => {
      if (current && waiting) cancel.mutate({ flowId: current.flowId });
      setFlow(null);
      start.reset();
    },
  };
}

/** Disconnect: revoke at the provider, then forget the token. */
export function useDisconnectAccount(onDone: () => void) {
  const queryClient = useQueryClient();
  return useApiMutation('connections.disconnect', {
    onSuccess: (connection) => {
      void refreshConnections(queryClient);
      notifications.show({ color: 'teal', title: 'Account disconnected', message: `${connection.name}: access revoked and its token removed.` });
      onDone();
    },
  });
}
