import type { Connection } from '@core/api';
import { Button, Group, Modal, Stack, Text } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useQueryClient } from '@tanstack/react-query';
import { useApiMutation } from '../../hooks/useApi';
import { refreshConnections } from './useConnections';

/** Confirms by name: removing a connection also deletes its secrets from the keychain. */
/** `connection` stays set while the modal closes, so its text does not change mid-transition. */
export function RemoveConnectionModal({ connection, opened, onClose }: { connection: Connection | undefined; opened: boolean; onClose: () => void }) {
  const queryClient = useQueryClient();
  const remove = useApiMutation('connections.delete', {
    onSuccess: () => {
      void refreshConnections(queryClient);
      notifications.show({ color: 'teal', title: 'Connection removed', message: `${connection?.name ?? 'The connection'} and its secrets are gone.` });
      onClose();
    },
  });
  return (
    <Modal opened={opened} onClose={onClose} title={connection ? `Remove ${connection.name}?` : 'Remove connection'} centered>
      <Stack gap="md">
        <Text size="sm">
          This removes the connection <strong>{connection?.name}</strong> and deletes its secrets from the OS keychain. Engines that use it stop
          working until you add it again. Findings and the audit log are kept.
        </Text>
        <Group justify="flex-end" gap="sm">
          <Button variant="default" onClick={onClose}>
            Cancel
          </Button>
          <Button color="red" loading={remove.isPending} onClick={() => connection && remove.mutate({ id: connection.id })} data-testid="connection-remove-confirm" data-autofocus>
            Remove {connection?.name}
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}
