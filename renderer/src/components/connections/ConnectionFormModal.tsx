import type { Connection } from '@core/api';
import { Modal } from '@mantine/core';
import { ConnectionForm } from './ConnectionForm';

/** What the modal is doing: adding, or editing one connection. */
export type FormTarget = { mode: 'create' } | { mode: 'edit'; connection: Connection };

interface ConnectionFormModalProps {
  /** Kept while the modal closes, so its content does not change mid-transition. */
  target: FormTarget | undefined;
  opened: boolean;
  /** Bumped on every open, so each opening starts from a fresh draft. */
  session: number;
  onClose: () => void;
  onTest: (id: number) => void;
}

export function ConnectionFormModal({ target, opened, session, onClose, onTest }: ConnectionFormModalProps) {
  const connection = target?.mode === 'edit' ? target.connection : undefined;
  return (
    <Modal opened={opened} onClose={onClose} title={connection ? `Edit ${connection.name}` : 'Add a connection'} size="xl" closeButtonProps={{ 'aria-label': 'Close' }}>
      {target && <ConnectionForm key={session} connection={connection} onClose={onClose} onTest={onTest} />}
    </Modal>
  );
}
