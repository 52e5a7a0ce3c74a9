import type { IdentitySummary } from '@core/api';
import { Alert, Button, Group, Modal, NumberInput, Stack, Text } from '@mantine/core';
import { IconAlertTriangle } from '@tabler/icons-react';
import { useState } from 'react';
import { formatCount } from '../../lib/format';

interface SyncAllModalProps {
  opened: boolean;
  summary: IdentitySummary;
  onClose: () => void;
  onConfirm: (confirmDeletes: number | undefined) => void;
}

/**
 * "Sync all" states what it will do. Past the mass-deletion guard (DESIGN §4)
 * the admin must type the number of deletions, which the run checks again.
 */
export function SyncAllModal({ opened, summary, onClose, onConfirm }: SyncAllModalProps) {
  const [typed, setTyped] = useState<string | number>('');
  const deletes = summary.pendingDeletes;
  const guarded = deletes > summary.deleteLimit;
  const confirmed = !guarded || Number(typed) === deletes;
  const truth = summary.sourceOfTruth === 'supabase' ? 'Supabase Auth' : 'the users table';
  const deletedFrom = summary.sourceOfTruth === 'supabase' ? 'the users table' : 'Supabase Auth (soft delete)';
  const close = () => {
    setTyped('');
    onClose();
  };
  return (
    <Modal opened={opened} onClose={close} title={`Sync ${formatCount(summary.issues)} users?`} centered>
      <Stack gap="sm">
        <Text size="sm">
          Every user that is not in sync ({formatCount(summary.issues)} of {formatCount(summary.total)}) is repaired towards {truth}. Each change is written to the audit log.
        </Text>
        {deletes > 0 && (
          <Alert color={guarded ? 'red' : 'yellow'} icon={<IconAlertTriangle size={16} aria-hidden />} title={`${formatCount(deletes)} users will be deleted from ${deletedFrom}`}>
            {guarded ? (
              <Stack gap="xs">
                <Text size="sm">
                  That is more than the safety limit of {formatCount(summary.deleteLimit)}. Type {deletes} to confirm.
                </Text>
                <NumberInput label="Number of deletions" value={typed} onChange={setTyped} allowDecimal={false} min={0} data-testid="sync-all-confirm-count" data-autofocus />
              </Stack>
            ) : (
              <Text size="sm">Within the safety limit of {formatCount(summary.deleteLimit)}.</Text>
            )}
          </Alert>
        )}
        <Group justify="flex-end" gap="sm">
          <Button variant="default" onClick={close}>
            Cancel
          </Button>
          <Button
            color={deletes > 0 ? 'red' : undefined}
            disabled={!confirmed}
            onClick={() => {
              onConfirm(guarded ? deletes : undefined);
              close();
            }}
            data-testid="sync-all-confirm"
          >
            Sync {formatCount(summary.issues)} users
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}
