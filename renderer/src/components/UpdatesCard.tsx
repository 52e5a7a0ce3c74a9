import type { AppInfo, UpdateStatus } from '@core/api';
import { Alert, Button, Group, Paper, Stack, Text, Title } from '@mantine/core';
import { IconDownload, IconRefresh } from '@tabler/icons-react';
import { useApiMutation } from '../hooks/useApi';

const STATE_COLOR: Record<UpdateStatus['state'], string> = { unsupported: 'gray', 'up-to-date': 'teal', downloading: 'blue', downloaded: 'teal', error: 'red' };

/**
 * Settings' "Updates": the desktop app checks its feed on demand (a newer
 * version downloads in the background and installs on quit, as the tray's
 * item does); browser mode only says updates are a desktop feature.
 */
export function UpdatesCard({ info }: { info: AppInfo }) {
  const check = useApiMutation('app.updates.check');
  const desktop = info.host === 'electron';
  const status = check.data;
  return (
    <Paper withBorder p="lg" radius="md" component="section" aria-labelledby="updates-title">
      <Stack gap="sm">
        <Title order={3} size="h4" id="updates-title">
          Updates
        </Title>
        {desktop ? (
          <>
            <Text size="sm" c="dimmed">
              Syncwarden {info.version}. A newer version downloads in the background and is installed when you quit Syncwarden.
            </Text>
            <Group>
              <Button variant="default" leftSection={<IconRefresh size={16} />} loading={check.isPending} onClick={() => check.mutate({})}>
                Check for updates
              </Button>
            </Group>
            {status && (
              <Alert color={STATE_COLOR[status.state]} icon={status.state === 'downloading' || status.state === 'downloaded' ? <IconDownload size={18} /> : undefined} role="status" data-testid="update-status">
                {status.message}
              </Alert>
            )}
            {check.isError && (
              <Alert color="red" role="alert">
                {check.error.message}
              </Alert>
            )}
          </>
        ) : (
          <Text size="sm" data-testid="updates-desktop-only">
            Updates are a desktop feature: the desktop app checks for new versions, downloads them in the background and installs them when you quit. Browser mode runs the
            version installed on this machine ({info.version}); update that installation to update it.
          </Text>
        )}
      </Stack>
    </Paper>
  );
}
