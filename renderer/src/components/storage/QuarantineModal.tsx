import { Button, Group, Modal, Stack, Text } from '@mantine/core';
import { formatCount } from '../../lib/format';

interface QuarantineModalProps {
  opened: boolean;
  count: number;
  /** Whose rows, when the repair is limited to one user or a selection ("selected", "of ada@…"). */
  scope?: string;
  onClose: () => void;
  onConfirm: () => void;
}

/** Every bulk repair states its count and what happens to the rows before it starts (DESIGN §3, §4.2). */
export function QuarantineModal({ opened, count, scope, onClose, onConfirm }: QuarantineModalProps) {
  const rows = `${formatCount(count)} file ${count === 1 ? 'row' : 'rows'}`;
  return (
    <Modal opened={opened} onClose={onClose} title={`Quarantine ${rows}?`} centered closeButtonProps={{ 'aria-label': 'Close' }}>
      <Stack gap="sm">
        <Text size="sm">
          {scope ? `The ${rows} ${scope}` : `Every open finding (${rows})`} will be taken out of the product’s files table and kept in quarantine. Each stays restorable from this page for 30 days,
          then it is purged. The audit log records every row as it was.
        </Text>
        <Group justify="flex-end" gap="sm">
          <Button variant="default" onClick={onClose}>
            Cancel
          </Button>
          <Button color="violet" onClick={onConfirm} data-testid="storage-quarantine-confirm" data-autofocus>
            Quarantine {formatCount(count)}
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}
