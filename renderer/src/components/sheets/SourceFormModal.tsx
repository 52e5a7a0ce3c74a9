import type { SheetSource } from '@core/api';
import { Modal } from '@mantine/core';
import { SourceForm } from './SourceForm';

/** What the modal is doing: adding, or editing one source. */
export type SourceFormTarget = { mode: 'create' } | { mode: 'edit'; source: SheetSource };

interface SourceFormModalProps {
  /** Kept while the modal closes, so its content does not change mid-transition. */
  target: SourceFormTarget | undefined;
  opened: boolean;
  /** Bumped on every open, so each opening starts from a fresh draft. */
  session: number;
  googleConnections: readonly string[];
  onClose: () => void;
}

export function SourceFormModal({ target, opened, session, googleConnections, onClose }: SourceFormModalProps) {
  const source = target?.mode === 'edit' ? target.source : undefined;
  return (
    <Modal opened={opened} onClose={onClose} title={source ? `Edit ${source.spec.name}` : 'Add a sheet source'} size="xl" closeButtonProps={{ 'aria-label': 'Close' }}>
      {target && <SourceForm key={session} source={source} googleConnections={googleConnections} onClose={onClose} />}
    </Modal>
  );
}
