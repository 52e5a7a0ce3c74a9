import type { Connection } from '@core/api';
import { notifications } from '@mantine/notifications';
import { useQueryClient } from '@tanstack/react-query';
import { ConfirmRemoveModal } from '../ConfirmRemoveModal';
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
    <ConfirmRemoveModal opened={opened} onClose={onClose} title={connection ? `Remove ${connection.name}?` : 'Remove connection'} confirmLabel={`Remove ${connection?.name ?? ''}`} confirmTestId="connection-remove-confirm" count={{ n: 1, noun: 'connection' }} reversibility={{ kind: 'irreversible', note: 'The secrets are deleted from the keychain: to connect again, you need them at hand.' }} pending={remove.isPending} onConfirm={() => connection && remove.mutate({ id: connection.id })}>
      This removes the connection <strong>{connection?.name}</strong> and deletes its secrets from the OS keychain. Engines that use it stop
      working until you add it again. Findings and the audit log are kept.
    </ConfirmRemoveModal>
  );
}
