import type { Connection } from '@core/api';
import { notifications } from '@mantine/notifications';
import { useQueryClient } from '@tanstack/react-query';
import { ConfirmRemoveModal } from '../ConfirmRemoveModal';
import { useApiMutation } from '../../hooks/useApi';
import { useAppInfo } from '../../hooks/useAppInfo';
import { secretStoreWhere } from './useSecretStoreWording';
import { refreshConnections } from './useConnections';

/** Confirms by name: removing a connection also deletes its secrets from the secret store (an environment's variables stay). */
/** `connection` stays set while the modal closes, so its text does not change mid-transition. */
export function RemoveConnectionModal({ connection, opened, onClose }: { connection: Connection | undefined; opened: boolean; onClose: () => void }) {
  const queryClient = useQueryClient();
  const kind = useAppInfo().data?.secretStore;
  const secretsFate = kind === 'env' ? 'leaves its secrets in the environment, where you set them' : `deletes its secrets from ${secretStoreWhere(kind)}`;
  const remove = useApiMutation('connections.delete', {
    onSuccess: (result) => {
      void refreshConnections(queryClient);
      const left = result.leftoverSecrets ?? [];
      // Removed, but a secret stayed in the secret store: said, with its entry, never shown as a clean removal.
      if (left.length) {
        const named = left.map((l) => `${l.field} (${l.entry}: ${l.reason})`).join('; ');
        notifications.show({ color: 'yellow', autoClose: false, title: 'Connection removed, a secret was left', message: `${connection?.name ?? 'The connection'} is removed, but ${secretStoreWhere(kind)} still holds ${named}. Remove it there by hand.` });
      } else {
        notifications.show({ color: 'teal', title: 'Connection removed', message: `${connection?.name ?? 'The connection'} and its secrets are gone.` });
      }
      onClose();
    },
  });
  return (
    <ConfirmRemoveModal opened={opened} onClose={onClose} title={connection ? `Remove ${connection.name}?` : 'Remove connection'} confirmLabel={`Remove ${connection?.name ?? ''}`} confirmTestId="connection-remove-confirm" count={{ n: 1, noun: 'connection' }} reversibility={{ kind: 'irreversible', note: kind === 'env' ? 'To connect again, add it again; its variables are still set.' : 'The secrets are deleted: to connect again, you need them at hand.' }} pending={remove.isPending} onConfirm={() => connection && remove.mutate({ id: connection.id })}>
      This removes the connection <strong>{connection?.name}</strong> and {secretsFate}. Engines that use it stop
      working until you add it again. Findings and the audit log are kept.
    </ConfirmRemoveModal>
  );
}
