import { Alert, Button, Checkbox, Group, List, Modal, Stack, Text } from '@mantine/core';
import { IconAlertTriangle } from '@tabler/icons-react';
import { useState } from 'react';
import { formatCount } from '../../lib/format';

interface QuarantineModalProps {
  opened: boolean;
  count: number;
  /** Whose rows, when the repair is limited to one user or a selection ("selected", "of ada@…"). */
  scope?: string;
  /** Why a quarantined row could not be restored whole (storage.restorability); empty when it can. */
  problems?: readonly string[];
  /** Days a quarantined row stays restorable. */
  retentionDays?: number;
  onClose: () => void;
  /** `allowUnrestorable`: the admin agreed to repair although a restore would not be whole. */
  onConfirm: (allowUnrestorable: boolean) => void;
}

/**
 * Every bulk repair states its count and what happens to the rows before it starts (DESIGN §3, §4.2). When a
 * restore would not bring a row back whole, it says so first and refuses to go on until the admin agrees (§4.3).
 */
export function QuarantineModal({ opened, count, scope, problems = [], retentionDays = 30, onClose, onConfirm }: QuarantineModalProps) {
  const [agreed, setAgreed] = useState(false);
  // Each opening asks again (adjusted during render, not in an effect).
  const [wasOpened, setWasOpened] = useState(opened);
  if (opened !== wasOpened) {
    setWasOpened(opened);
    if (opened) setAgreed(false);
  }
  const rows = `${formatCount(count)} file ${count === 1 ? 'row' : 'rows'}`;
  const blocked = problems.length > 0 && !agreed;
  return (
    <Modal opened={opened} onClose={onClose} title={`Quarantine ${rows}?`} centered closeButtonProps={{ 'aria-label': 'Close' }}>
      <Stack gap="sm">
        <Text size="sm">
          {scope ? `The ${rows} ${scope}` : `Every open finding (${rows})`} will be taken out of the product’s files table and kept in quarantine, every column as it was. Each stays
          restorable from this page for {retentionDays} days, then it is purged. The audit log records every row as it was.
        </Text>
        {problems.length > 0 && (
          <Alert color="red" icon={<IconAlertTriangle size={18} aria-hidden />} title="A restore would not bring these rows back whole" data-testid="storage-restore-warning">
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
        <Group justify="flex-end" gap="sm">
          <Button variant="default" onClick={onClose}>
            Cancel
          </Button>
          <Button color={problems.length ? 'red' : 'violet'} onClick={() => onConfirm(problems.length > 0 && agreed)} disabled={blocked} data-testid="storage-quarantine-confirm" data-autofocus>
            Quarantine {formatCount(count)}
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}
