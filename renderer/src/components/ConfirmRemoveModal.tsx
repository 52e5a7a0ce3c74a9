import { Button, Group, Modal, Stack, Text } from '@mantine/core';
import type { ReactNode } from 'react';

interface ConfirmRemoveModalProps {
  opened: boolean;
  onClose: () => void;
  title: string;
  /** What goes and, as important, what stays. */
  children: ReactNode;
  confirmLabel: ReactNode;
  confirmTestId: string;
  pending: boolean;
  onConfirm: () => void;
}

/** The one shape of every "remove this?" question: what it means, Cancel, and a red button that says exactly what it does. */
export function ConfirmRemoveModal({ opened, onClose, title, children, confirmLabel, confirmTestId, pending, onConfirm }: ConfirmRemoveModalProps) {
  return (
    <Modal opened={opened} onClose={onClose} title={title} centered>
      <Stack gap="md">
        <Text size="sm">{children}</Text>
        <Group justify="flex-end" gap="sm">
          <Button variant="default" onClick={onClose}>
            Cancel
          </Button>
          <Button color="red" loading={pending} onClick={onConfirm} data-testid={confirmTestId} data-autofocus>
            {confirmLabel}
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}
