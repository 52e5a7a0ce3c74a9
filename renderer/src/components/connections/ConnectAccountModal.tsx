import type { OAuthFlow } from '@core/api';
import { Alert, Anchor, Button, Group, Loader, Modal, Stack, Text } from '@mantine/core';
import { IconAlertCircle, IconCircleCheck, IconExternalLink } from '@tabler/icons-react';

interface ConnectAccountModalProps {
  opened: boolean;
  service: string;
  flow: OAuthFlow | null;
  starting: boolean;
  startError: Error | null;
  onCancel: () => void;
  onClose: () => void;
}

/**
 * The admin's side of a browser sign-in: where it stands, the provider's page
 * as a link (browser mode, or a desktop whose browser did not open), and a
 * way to stop waiting. It never shows a token, only the account's address.
 */
export function ConnectAccountModal({ opened, service, flow, starting, startError, onCancel, onClose }: ConnectAccountModalProps) {
  const waiting = flow?.state === 'waiting';
  return (
    <Modal opened={opened} onClose={onClose} title={`Connect your ${service} account`} centered data-testid="connect-account-modal">
      <Stack gap="md">
        {(starting || (!flow && !startError)) && (
          <Group gap="sm">
            <Loader size="sm" aria-hidden />
            <Text size="sm">Preparing the {service} sign-in…</Text>
          </Group>
        )}
        {startError && (
          <Alert color="red" icon={<IconAlertCircle aria-hidden />} title="Could not start the sign-in" data-testid="connect-error">
            {startError.message}
          </Alert>
        )}
        {flow && waiting && (
          <>
            <Text size="sm">
              {flow.opened ? `Your browser opened ${service}'s sign-in page. ` : `Open ${service}'s sign-in page, `}
              choose the account, and allow access. This window follows along; {service} sends you back to Syncwarden on this computer when you are done.
            </Text>
            <Anchor href={flow.authUrl} target="_blank" rel="noopener noreferrer" data-testid="connect-link" fw={500}>
              <Group gap={6} component="span">
                <IconExternalLink size={16} aria-hidden />
                {flow.opened ? `Open the ${service} page again` : `Sign in with ${service}`}
              </Group>
            </Anchor>
            <Group gap="sm">
              <Loader size="xs" aria-hidden />
              <Text size="sm" c="dimmed" data-testid="connect-waiting">
                Waiting for {service}…
              </Text>
            </Group>
          </>
        )}
        {flow?.state === 'connected' && (
          <Alert color="teal" icon={<IconCircleCheck aria-hidden />} title="Connected" data-testid="connect-done">
            {flow.email ? `${flow.email} is connected.` : flow.message}
          </Alert>
        )}
        {(flow?.state === 'failed' || flow?.state === 'cancelled') && (
          <Alert color={flow.state === 'failed' ? 'red' : 'gray'} icon={<IconAlertCircle aria-hidden />} title={flow.state === 'failed' ? 'Not connected' : 'Cancelled'} data-testid="connect-failed">
            {flow.message}
          </Alert>
        )}
        <Group justify="flex-end" gap="sm">
          {waiting ? (
            <Button variant="default" onClick={onCancel} data-testid="connect-cancel">
              Stop waiting
            </Button>
          ) : (
            <Button variant={flow?.state === 'connected' ? 'filled' : 'default'} onClick={onClose} data-testid="connect-close">
              Close
            </Button>
          )}
        </Group>
      </Stack>
    </Modal>
  );
}
