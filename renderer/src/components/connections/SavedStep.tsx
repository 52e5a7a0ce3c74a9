import type { Connection } from '@core/api';
import { Button, Group, Stack, Text } from '@mantine/core';
import { IconCircleCheck, IconPlugConnected } from '@tabler/icons-react';

/** Right after a save: settings are only known to work once tested, so offer it at once. */
export function SavedStep({ connection, onTest, onClose }: { connection: Connection; onTest: () => void; onClose: () => void }) {
  return (
    <Stack gap="md" data-testid="connection-saved">
      <Group gap="sm" wrap="nowrap">
        <IconCircleCheck size={28} color="var(--mantine-color-teal-6)" aria-hidden />
        <Text>
          <strong>{connection.name}</strong> is saved. Test it now to check the settings with one cheap call to the service.
        </Text>
      </Group>
      <Group justify="flex-end" gap="sm">
        <Button variant="default" onClick={onClose}>
          Done
        </Button>
        <Button leftSection={<IconPlugConnected size={16} aria-hidden />} onClick={onTest} data-testid="connection-test-now" data-autofocus autoFocus>
          Test now
        </Button>
      </Group>
    </Stack>
  );
}
