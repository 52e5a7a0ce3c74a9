import { Alert, Button, Code, Group, Text } from '@mantine/core';
import { IconPlugConnectedX } from '@tabler/icons-react';
import { useClientContext, useConnectionState } from '../hooks/useClient';
import { useNow } from '../hooks/useNow';

/** Shown above every page while the socket is down, with the next retry and a way to retry now. */
export function ConnectionBanner() {
  const { connection } = useClientContext();
  const state = useConnectionState();
  if (state.retryAt === undefined || (state.status !== 'reconnecting' && state.status !== 'connecting')) return null;
  const lost = state.status === 'reconnecting';
  return (
    <Alert
      color={lost ? 'red' : 'yellow'}
      icon={<IconPlugConnectedX aria-hidden />}
      title={lost ? 'Connection lost' : 'Cannot reach the Syncwarden server'}
      mb="lg"
      role="alert"
      data-testid="connection-banner"
    >
      <Group justify="space-between" gap="sm">
        <Text size="sm">
          {lost ? (
            'Live updates are paused; actions wait until the console is back online. '
          ) : (
            <>
              Is <Code>syncwarden serve</Code> still running?{' '}
            </>
          )}
          <Countdown at={state.retryAt} />
        </Text>
        <Button size="xs" variant="white" color={lost ? 'red' : 'yellow'} onClick={connection.retryNow}>
          Retry now
        </Button>
      </Group>
    </Alert>
  );
}

function Countdown({ at }: { at: number }) {
  const now = useNow(1000);
  const seconds = Math.max(0, Math.ceil((at - now) / 1000));
  return <>{seconds > 0 ? `Retrying in ${seconds} s.` : 'Retrying…'}</>;
}
