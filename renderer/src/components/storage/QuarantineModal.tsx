import { Alert, Checkbox, List } from '@mantine/core';
import { IconAlertTriangle } from '@tabler/icons-react';
import { useState } from 'react';
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
  /** Why a quarantined row could not be restored whole (storage.restorability); empty when it can. */
  problems?: readonly string[];
  /** Days a quarantined row stays restorable. */
  retentionDays?: number;
  onClose: () => void;
  /** `allowUnrestorable`: the admin agreed to repair although a restore would not be whole. */
  onConfirm: (allowUnrestorable: boolean) => void;
  /** Above a drawer it was opened from. */
  zIndex?: number;
}

/**
 * Every storage repair, one row or many, states its count, what happens to the rows and until when it can be
 * undone (DESIGN §3, §4). When a restore would not bring a row back whole, it says so first and refuses to go
 * on until the admin agrees (§4.3).
 */
export function QuarantineModal({ opened, count, scope, problems = [], retentionDays = QUARANTINE_DAYS, onClose, onConfirm, zIndex }: QuarantineModalProps) {
  const [agreed, setAgreed] = useState(false);
  // Each opening asks again (adjusted during render, not in an effect).
  const [wasOpened, setWasOpened] = useState(opened);
  if (opened !== wasOpened) {
    setWasOpened(opened);
    if (opened) setAgreed(false);
  }
  const rows = `${formatCount(count)} file ${count === 1 ? 'row' : 'rows'}`;
  const now = useNow(60_000);
  const until = new Date(now + retentionDays * 86_400_000).toISOString();
  const unrestorable = problems.length > 0;
  return (
    <ConfirmActionModal
      opened={opened}
      onClose={onClose}
      title={`Quarantine ${rows}?`}
      count={{ n: count, noun: 'file row' }}
      reversibility={{ kind: 'until', date: until, how: 'Restore on the Quarantined tab puts a row back as it was. After that date the row is purged for good.' }}
      confirmLabel={`Quarantine ${rows}`}
      confirmTestId="storage-quarantine-confirm"
      color={unrestorable ? 'red' : 'violet'}
      confirmDisabled={unrestorable && !agreed}
      onConfirm={() => onConfirm(unrestorable && agreed)}
      {...(zIndex === undefined ? {} : { zIndex })}
    >
      {scope ? `The ${rows} ${scope}` : `Every open finding (${rows})`} will be taken out of the product’s files table and kept in quarantine, every column as it was. Each
      stays restorable from this page for {retentionDays} days, then it is purged. The files in Google Drive or Dropbox are not touched; the audit log records every row as it was.
      {unrestorable && (
        <Alert mt="sm" color="red" icon={<IconAlertTriangle size={18} aria-hidden />} title="A restore would not bring these rows back whole" data-testid="storage-restore-warning">
          <List size="sm" spacing={4}>
            {problems.map((problem) => (
              <List.Item key={problem}>{problem}</List.Item>
            ))}
          </List>
          <Checkbox
            mt="sm"
            checked={agreed}
            onChange={(event) => setAgreed(event.currentTarget.checked)}
            label="I understand: quarantine anyway, although a restore cannot undo all of it"
            data-testid="storage-quarantine-agree"
          />
        </Alert>
      )}
    </ConfirmActionModal>
  );
}
