import { Alert, Button, Group, Modal, Stack, Text } from '@mantine/core';
import { IconAlertTriangle, IconArrowBackUp } from '@tabler/icons-react';
import type { ReactNode } from 'react';
import { formatCount, formatDate } from '../lib/format';

/** Whether the action can be taken back, and how: every destructive question says it (DESIGN §4.4). */
export type Reversibility =
  | { kind: 'until'; date: string; how: string }
  | { kind: 'reversible'; how: string }
  | { kind: 'irreversible'; note?: string };

export interface ConfirmActionModalProps {
  opened: boolean;
  onClose: () => void;
  title: string;
  /** What will happen, on which side; what stays. */
  children: ReactNode;
  /** How many things the action touches, and what they are ("file row", "schedule"). */
  count?: { n: number; noun: string; nounPlural?: string };
  reversibility: Reversibility;
  /** Names the action ("Quarantine 1 file row"), never just "OK". */
  confirmLabel: ReactNode;
  confirmTestId: string;
  /** The dismiss button; "Cancel" unless that would read as the action ("Cancel run"). */
  dismissLabel?: string;
  color?: string;
  pending?: boolean;
  /** The confirm button waits for something the admin must do first (tick an agreement). */
  confirmDisabled?: boolean;
  /** Above a drawer it was opened from (Mantine's default stacks both at 200). */
  zIndex?: number;
  onConfirm: () => void;
}

/**
 * The one shape of every destructive question: what happens and to how many,
 * whether and until when it can be undone, a dismiss that does nothing, and a
 * confirm button that says exactly what it does.
 */
export function ConfirmActionModal(props: ConfirmActionModalProps) {
  const { opened, onClose, title, children, count, reversibility, confirmLabel, confirmTestId, dismissLabel = 'Cancel', color = 'red', pending = false, confirmDisabled = false, zIndex, onConfirm } = props;
  return (
    <Modal
      opened={opened}
      onClose={onClose}
      title={title}
      centered
      closeButtonProps={{ 'aria-label': 'Close' }}
      data-testid="confirm-action"
      {...(zIndex === undefined ? {} : { zIndex })}
    >
      <Stack gap="md">
        <Text size="sm" component="div">
          {children}
        </Text>
        {count && (
          <Text size="sm" fw={600} data-testid="confirm-action-count">
            Affects {formatCount(count.n)} {count.n === 1 ? count.noun : (count.nounPlural ?? `${count.noun}s`)}.
          </Text>
        )}
        <ReversibilityNote reversibility={reversibility} />
        <Group justify="flex-end" gap="sm">
          <Button variant="default" onClick={onClose} data-testid="confirm-action-dismiss">
            {dismissLabel}
          </Button>
          <Button color={color} loading={pending} disabled={confirmDisabled} onClick={onConfirm} data-testid={confirmTestId} data-autofocus>
            {confirmLabel}
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}

function ReversibilityNote({ reversibility }: { reversibility: Reversibility }) {
  if (reversibility.kind === 'irreversible') {
    return (
      <Alert color="red" variant="light" icon={<IconAlertTriangle size={16} aria-hidden />} p="xs" data-testid="confirm-action-reversibility" data-reversible="false">
        <Text size="sm">Cannot be undone.{reversibility.note ? ` ${reversibility.note}` : ''}</Text>
      </Alert>
    );
  }
  return (
    <Alert color="blue" variant="light" icon={<IconArrowBackUp size={16} aria-hidden />} p="xs" data-testid="confirm-action-reversibility" data-reversible="true">
      <Text size="sm">
        {reversibility.kind === 'until' ? `Can be undone until ${formatDate(reversibility.date)}: ${reversibility.how}` : `Can be undone: ${reversibility.how}`}
      </Text>
    </Alert>
  );
}
