import { useNow } from '../../hooks/useNow';
import { formatCount } from '../../lib/format';
import { ConfirmActionModal } from '../ConfirmActionModal';

/** The storage-orphans engine's default retention (core/engines/storage-orphans/storage-model.ts); the page never asks for another. */
export const QUARANTINE_DAYS = 30;

interface QuarantineModalProps {
  opened: boolean;
  count: number;
  /** Whose rows, when the repair is limited to one user, a selection or one file ("you selected", "of ada@…", "“Lost contract.pdf”"). */
  scope?: string | undefined;
  onClose: () => void;
  onConfirm: () => void;
}

/** Every storage repair, one row or many, states its count, what happens to the rows and until when it can be undone (DESIGN §3, §4). */
export function QuarantineModal({ opened, count, scope, onClose, onConfirm }: QuarantineModalProps) {
  const rows = `${formatCount(count)} file ${count === 1 ? 'row' : 'rows'}`;
  const now = useNow(60_000);
  const until = new Date(now + QUARANTINE_DAYS * 86_400_000).toISOString();
  return (
    <ConfirmActionModal
      opened={opened}
      onClose={onClose}
      title={`Quarantine ${rows}?`}
      count={{ n: count, noun: 'file row' }}
      reversibility={{ kind: 'until', date: until, how: 'Restore on the Quarantined tab puts a row back as it was. After that date the row is purged for good.' }}
      confirmLabel={`Quarantine ${rows}`}
      confirmTestId="storage-quarantine-confirm"
      color="violet"
      onConfirm={onConfirm}
    >
      {scope ? `The ${rows} ${scope}` : `Every open finding (${rows})`} will be taken out of the product’s files table and kept in quarantine. Each stays restorable from this page for{' '}
      {QUARANTINE_DAYS} days, then it is purged. The files in Google Drive or Dropbox are not touched; the audit log records every row as it was.
    </ConfirmActionModal>
  );
}
