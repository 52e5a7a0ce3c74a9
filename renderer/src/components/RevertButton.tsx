import type { AuditEntry } from '@core/api';
import { Button, Group, Text } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { IconArrowBackUp } from '@tabler/icons-react';
import { useState } from 'react';
import { useApiMutation } from '../hooks/useApi';
import { useEngineInfo } from '../hooks/useEngineInfo';
import { ConfirmActionModal } from './ConfirmActionModal';

/** The action without its engine's prefix ("identity.update-remote" → "update-remote"). */
const actionName = (entry: AuditEntry) => (entry.engine && entry.action.startsWith(`${entry.engine}.`) ? entry.action.slice(entry.engine.length + 1) : entry.action);

/**
 * Starts a revert run for one audit entry, after saying what it will do: the user goes back to the entry's before-image.
 * Shown only for the actions the entry's engine declares revertible (its `revertActions`, served in app.info).
 */
export function RevertButton({ entry }: { entry: AuditEntry }) {
  const [open, setOpen] = useState(false);
  const effect = useEngineInfo(entry.engine)?.ui.revertActions[entry.action];
  const revert = useApiMutation('runs.start', {
    onSuccess: ({ runId }) => notifications.show({ color: 'blue', title: 'Revert started', message: `Run #${runId} puts ${entry.subject} back to its before-image.` }),
  });
  if (!entry.engine || effect === undefined) return null;
  const engine = entry.engine;
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
        title={`Revert ${actionName(entry)} of ${entry.subject}?`}
        reversibility={{ kind: 'reversible', how: 'the user can be repaired again from the Users page; the revert is audited too.' }}
        confirmLabel="Revert"
        confirmTestId={`audit-revert-go-${entry.id}`}
        color="orange"
        onConfirm={() => {
          setOpen(false);
          revert.mutate({ engine, params: { mode: 'revert', auditId: entry.id, confirmDestructive: true } });
        }}
      >
        <Text size="sm" data-testid="audit-revert-effect">
          {effect}
        </Text>
      </ConfirmActionModal>
    </Group>
  );
}
