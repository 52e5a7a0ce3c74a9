import type { EngineInfo, Run } from '@core/api';
import { Alert, Button, List, Stack, Text } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { IconArrowBackUp } from '@tabler/icons-react';
import { useState } from 'react';
import { useApiMutation } from '../hooks/useApi';
import { useEngineInfo } from '../hooks/useEngineInfo';
import { ConfirmActionModal } from './ConfirmActionModal';

/** A finished run in a mode its engine says can be reverted as a whole (identity repairs). */
export function canRevertRun(run: Run, engine: EngineInfo | undefined): boolean {
  const mode = typeof run.params.mode === 'string' ? run.params.mode : undefined;
  return !!mode && !!engine?.ui.revertRunModes.includes(mode) && (run.state === 'succeeded' || run.state === 'partial' || run.state === 'failed');
}

/**
 * "Revert this run": undoes every revertible identity change of one run in
 * one step, after a confirmation that says what cannot be undone. The revert
 * run's result lists, user by user, what could not be put back.
 */
export function RevertRunButton({ run, onStarted }: { run: Run; onStarted?: (runId: number) => void }) {
  const [open, setOpen] = useState(false);
  const engine = useEngineInfo(run.engine);
  const revert = useApiMutation('identity.revertRun', {
    onSuccess: ({ runId }) => {
      notifications.show({ color: 'blue', title: 'Revert started', message: `Run #${runId} undoes the identity changes of run #${run.id}.` });
      onStarted?.(runId);
    },
    onError: (error) => notifications.show({ color: 'red', title: 'Could not start the revert', message: error.message }),
  });
  if (!canRevertRun(run, engine)) return null;
  const actions = run.result?.actions && typeof run.result.actions === 'object' ? Object.entries(run.result.actions as Record<string, number>) : [];
  return (
    <>
      <Button size="xs" variant="light" color="orange" leftSection={<IconArrowBackUp size={14} aria-hidden />} onClick={() => setOpen(true)} loading={revert.isPending} data-testid="run-revert">
        Revert this run
      </Button>
      <ConfirmActionModal
        opened={open}
        onClose={() => setOpen(false)}
        title={`Revert run #${run.id}?`}
        reversibility={{ kind: 'reversible', how: 'each user can be repaired again from the Users page; the revert is written to the audit log.' }}
        confirmLabel={`Revert run #${run.id}`}
        confirmTestId="run-revert-go"
        color="orange"
        zIndex={400}
        onConfirm={() => {
          setOpen(false);
          revert.mutate({ runId: run.id, confirm: true });
        }}
      >
        <Stack gap="xs" data-testid="run-revert-confirm">
          <Text size="sm">Every identity change this run made is undone, newest first, and each undo is checked afterwards and written to the audit log:</Text>
          <List size="sm">
            {actions.length ? actions.map(([action, n]) => <List.Item key={action}>{`${n} × ${action}`}</List.Item>) : <List.Item>the changes listed in the audit log for this run</List.Item>}
          </List>
          <Alert color="yellow" title="Some changes cannot be undone">
            A soft delete in Supabase cannot be restored, and a confirmed email cannot be unconfirmed. The revert reverts what it can and lists the rest, field by field.
          </Alert>
        </Stack>
      </ConfirmActionModal>
    </>
  );
}
