import type { Connection } from '@core/api';
import { ConfirmActionModal } from '../ConfirmActionModal';
import { connectedEmail } from './ConnectionCard';
import { kindSpec } from './connection-kinds';
import { useDisconnectAccount } from './useConnectAccount';

/** Disconnect says what it does before it does it: access revoked at the provider, the token deleted here. */
export function DisconnectAccountModal({ connection, opened, onClose }: { connection: Connection | undefined; opened: boolean; onClose: () => void }) {
  const disconnect = useDisconnectAccount(onClose);
  const service = connection ? (kindSpec(connection.kind).connect?.service ?? '') : '';
  const email = connection ? connectedEmail(connection) : null;
  return (
    <ConfirmActionModal
      opened={opened}
      onClose={onClose}
      title={`Disconnect ${email ?? 'the account'}?`}
      count={{ n: 1, noun: 'account' }}
      reversibility={{ kind: 'reversible', how: `Connect ${service} again and allow access.` }}
      confirmLabel={`Disconnect and revoke`}
      confirmTestId="connection-disconnect-confirm"
      color="red"
      pending={disconnect.isPending}
      onConfirm={() => connection && disconnect.mutate({ id: connection.id })}
    >
      Syncwarden asks {service} to revoke its access to <strong>{email}</strong> and deletes the account’s token from the secret store. Sheet sources
      that read with the connected account stop working until you connect again. The connection’s own settings stay.
      {disconnect.error && <div role="alert" style={{ color: 'var(--mantine-color-red-7)', marginTop: 8 }}>{disconnect.error.message}</div>}
    </ConfirmActionModal>
  );
}
