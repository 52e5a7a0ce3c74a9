import type { AuditEntry } from '@core/api';
import { Button, Group, Text } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { IconArrowBackUp } from '@tabler/icons-react';
import { useState } from 'react';
import { useApiMutation } from '../hooks/useApi';
import { ConfirmActionModal } from './ConfirmActionModal';

/** Identity repairs that a revert can undo, and what the undo does (a soft delete in Supabase cannot be undone). */
const REVERT_EFFECT: Record<string, string> = {
  'identity.update-remote': 'Puts the old values back on the Supabase Auth user (a confirmed email stays confirmed).',
  'identity.update-local': 'Puts the old values back in the users table row.',
  'identity.create-remote': 'Deletes the user this repair created in Supabase Auth.',
  'identity.insert-local': 'Deletes the row this repair inserted into the users table.',
  'identity.delete-local': 'Inserts the deleted row into the users table again, as it was.',
  'identity.ban-remote': 'Unbans the user in Supabase Auth: they can sign in again.',
  'identity.relink-local': 'Changes the users row’s id back to the one it had.',
};

function isRevertible(entry: AuditEntry): boolean {
  return entry.engine === 'identity' && entry.action in REVERT_EFFECT;
}

/** Starts a revert run for one audit entry, after saying what it will do: the user goes back to the entry's before-image. */
export function RevertButton({ entry }: { entry: AuditEntry }) {
  const [open, setOpen] = useState(false);
  const revert = useApiMutation('runs.start', {
    onSuccess: ({ runId }) => notifications.show({ color: 'blue', title: 'Revert started', message: `Run #${runId} puts ${entry.subject} back to its before-image.` }),
  });
  if (!isRevertible(entry)) return null;
  return (
    <Group gap="sm">
      <Button size="xs" variant="light" leftSection={<IconArrowBackUp size={14} />} loading={revert.isPending} onClick={() => setOpen(true)} data-testid={`audit-revert-${entry.id}`}>
        Revert this repair
      </Button>
      <Text size="xs" c="dimmed">
        Puts {entry.subject} back as the before-image shows; the revert is checked afterwards and audited too.
      </Text>
      <ConfirmActionModal
        opened={open}
        onClose={() => setOpen(false)}
        title={`Revert ${entry.action.replace('identity.', '')} of ${entry.subject}?`}
        reversibility={{ kind: 'reversible', how: 'the user can be repaired again from the Users page; the revert is audited too.' }}
        confirmLabel="Revert"
        confirmTestId={`audit-revert-go-${entry.id}`}
        color="orange"
        onConfirm={() => {
          setOpen(false);
          revert.mutate({ engine: 'identity', params: { mode: 'revert', auditId: entry.id, confirmDestructive: true } });
        }}
      >
        <Text size="sm" data-testid="audit-revert-effect">
          {REVERT_EFFECT[entry.action]}
        </Text>
      </ConfirmActionModal>
    </Group>
  );
}
