import type { AuditEntry } from '@core/api';
import { Button, Group, Text } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { IconArrowBackUp } from '@tabler/icons-react';
import { useApiMutation } from '../hooks/useApi';

/** Identity repairs that a revert can undo (a soft delete in Supabase cannot be; a ban is undone by an unban). */
const REVERTIBLE = [
  'identity.update-remote',
  'identity.update-local',
  'identity.create-remote',
  'identity.insert-local',
  'identity.delete-local',
  'identity.ban-remote',
  'identity.relink-local',
];

export function isRevertible(entry: AuditEntry): boolean {
  return entry.engine === 'identity' && REVERTIBLE.includes(entry.action);
}

/** Starts a revert run for one audit entry: the user goes back to the entry's before-image. */
export function RevertButton({ entry }: { entry: AuditEntry }) {
  const revert = useApiMutation('runs.start', {
    onSuccess: ({ runId }) => notifications.show({ color: 'blue', title: 'Revert started', message: `Run #${runId} puts ${entry.subject} back to its before-image.` }),
  });
  if (!isRevertible(entry)) return null;
  return (
    <Group gap="sm">
      <Button
        size="xs"
        variant="light"
        leftSection={<IconArrowBackUp size={14} />}
        loading={revert.isPending}
        onClick={() => revert.mutate({ engine: 'identity', params: { mode: 'revert', auditId: entry.id } })}
        data-testid={`audit-revert-${entry.id}`}
      >
        Revert this repair
      </Button>
      <Text size="xs" c="dimmed">
        Puts {entry.subject} back as the before-image shows; the revert is audited too.
      </Text>
    </Group>
  );
}
