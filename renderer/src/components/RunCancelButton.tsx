import type { Run } from '@core/api';
import { Button } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { notifications } from '@mantine/notifications';
import { IconPlayerStopFilled } from '@tabler/icons-react';
import { useApiMutation } from '../hooks/useApi';
import { ConfirmActionModal } from './ConfirmActionModal';

/** What a run was started to do, in words: "repair", "check" … (engines share the `mode` param convention). */
function modeOf(run: Run): string {
  return typeof run.params.mode === 'string' ? run.params.mode : 'run';
}

/**
 * Stopping a run asks first: a stop is not undone by pressing anything, and a
 * repair stopped half-way leaves some users or rows repaired and others not.
 */
export function RunCancelButton({ run }: { run: Run }) {
  const [opened, confirm] = useDisclosure(false);
  const cancel = useApiMutation('runs.cancel', {
    onSuccess: (answer) => {
      if (answer.cancelRequested) notifications.show({ message: `Cancelling run #${answer.id}…`, autoClose: 2500 });
    },
  });
  const requested = cancel.data?.cancelRequested === true;
  const mode = modeOf(run);
  return (
    <>
      <Button
        size="compact-sm"
        variant="light"
        color="red"
        leftSection={<IconPlayerStopFilled size={12} aria-hidden />}
        onClick={confirm.open}
        loading={cancel.isPending}
        disabled={requested}
        aria-label={`Cancel run #${run.id}`}
        data-testid={`run-cancel-${run.id}`}
      >
        {requested ? 'Cancelling' : 'Cancel'}
      </Button>
      <ConfirmActionModal
        opened={opened}
        onClose={confirm.close}
        title={`Stop run #${run.id}?`}
        count={{ n: 1, noun: 'run' }}
        reversibility={{ kind: 'reversible', how: 'start the run again to do what is left; nothing it already did is lost.' }}
        confirmLabel={`Stop run #${run.id}`}
        confirmTestId={`run-cancel-confirm-${run.id}`}
        dismissLabel="Keep running"
        onConfirm={() => {
          confirm.close();
          cancel.mutate({ id: run.id });
        }}
      >
        The {run.engine} {mode}
        {run.scope !== 'all' ? ` (${run.scope})` : ''} stops at its next safe point. What it has done so far stays done and is in the audit log; nothing is rolled back
        {mode === 'repair' ? ', and what it has not reached stays open' : ''}.
      </ConfirmActionModal>
    </>
  );
}
