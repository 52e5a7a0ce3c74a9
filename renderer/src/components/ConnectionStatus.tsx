import { Badge, Tooltip } from '@mantine/core';
import { useClientContext, useConnectionState } from '../hooks/useClient';

/** A small dot in the header: is the console talking to its host right now? */
export function ConnectionStatus() {
  const { kind } = useClientContext();
  const { status } = useConnectionState();
  const view =
    status === 'open'
      ? { color: 'teal', label: 'Connected', hint: kind === 'ipc' ? 'Connected to the desktop host.' : 'Connected to the Syncwarden server.' }
      : status === 'connecting'
        ? { color: 'gray', label: 'Connecting…', hint: 'Reaching the Syncwarden server.' }
        : status === 'reconnecting'
          ? { color: 'red', label: 'Offline', hint: 'The connection was lost; retrying.' }
          : { color: 'red', label: 'No access', hint: 'The access token was refused.' };
  return (
    <Tooltip label={view.hint}>
      <Badge variant="dot" color={view.color} size="lg" role="status" aria-live="polite" data-testid="connection-status" data-status={status}>
        {view.label}
      </Badge>
    </Tooltip>
  );
}
