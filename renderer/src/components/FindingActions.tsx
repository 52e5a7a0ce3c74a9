import type { Finding } from '@core/api';
import { Button, Group, Stack, Text, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { IconArrowBackUp, IconTool } from '@tabler/icons-react';
import { useState } from 'react';
import { useApiMutation, useApiQuery } from '../hooks/useApi';
import { useEngineInfo } from '../hooks/useEngineInfo';
import { findingLabel } from '../lib/findings';
import { ConfirmActionModal } from './ConfirmActionModal';
import { RevertButton } from './RevertButton';
import { QuarantineModal } from './storage/QuarantineModal';
import { confirmed, useRestorability, useRestoreFinding } from './storage/useStorage';

/** Above the drawer the actions are offered in (Mantine stacks both at 200). */
const ABOVE_DRAWER = 400;
/** How far back the drawer looks for this finding's audit entries (the audit log is newest first). */
const AUDIT_LOOKBACK = 500;

/**
 * What can be done about one finding, as its engine declares it (`ui.findingActions`, served in app.info):
 * a repair run of just this finding, a restore of a quarantined row, a revert of what a repair changed.
 * Nothing is offered for a finding in a status its engine cannot act on.
 */
export function FindingActions({ finding, onDone }: { finding: Finding; onDone: () => void }) {
  const actions = useEngineInfo(finding.engine)?.ui.findingActions;
  const repair = actions?.repair && actions.repair.statuses.includes(finding.status) ? actions.repair : null;
  const restore = actions?.restore && actions.restore.statuses.includes(finding.status) ? actions.restore : null;
  const revert = actions?.revert && actions.revert.statuses.includes(finding.status) ? actions.revert : null;
  if (!repair && !restore && !revert) return null;
  return (
    <Stack gap="xs" data-testid="finding-actions">
      <Title order={4} size="h5">
        Actions
      </Title>
      {repair && <RepairAction finding={finding} action={repair} onDone={onDone} />}
      {restore && <RestoreAction finding={finding} label={restore.label} onDone={onDone} />}
      {revert && <RevertActions finding={finding} />}
    </Stack>
  );
}

type RepairSpec = NonNullable<NonNullable<ReturnType<typeof useEngineInfo>>['ui']['findingActions']['repair']>;

/** A repair run of this one finding, confirmed as the engine's own page confirms it. */
function RepairAction({ finding, action, onDone }: { finding: Finding; action: RepairSpec; onDone: () => void }) {
  const [asking, setAsking] = useState(false);
  const start = useApiMutation('runs.start', {
    onSuccess: ({ runId, alreadyRunning }) => {
      notifications.show({ color: 'blue', title: alreadyRunning ? 'Already running' : 'Repair started', message: `Run #${runId} repairs ${findingLabel(finding)}. Its result arrives on the Runs page.`, autoClose: 4000 });
      onDone();
    },
    onError: (error) => notifications.show({ color: 'red', title: 'The repair did not start', message: error.message }),
  });
  const run = (allowUnrestorable = false) => {
    setAsking(false);
    const choice = confirmed({ findingIds: [finding.id] }, allowUnrestorable);
    start.mutate({ engine: finding.engine, params: { mode: 'repair', ...choice } });
  };
  return (
    <Group gap="sm" wrap="wrap">
      <Button leftSection={<IconTool size={16} aria-hidden />} loading={start.isPending} onClick={() => setAsking(true)} data-testid="finding-repair">
        {action.label}
      </Button>
      <Text size="xs" c="dimmed" maw={420}>
        {action.effect}
      </Text>
      {action.confirm === 'quarantine' ? (
        <QuarantineConfirm finding={finding} opened={asking} onClose={() => setAsking(false)} onConfirm={run} />
      ) : (
        <ConfirmActionModal
          opened={asking}
          onClose={() => setAsking(false)}
          title={`${action.label}?`}
          count={{ n: 1, noun: 'finding' }}
          reversibility={action.undo === null ? { kind: 'irreversible' } : { kind: 'reversible', how: action.undo }}
          confirmLabel={action.label}
          confirmTestId="finding-repair-confirm"
          color="blue"
          zIndex={ABOVE_DRAWER}
          onConfirm={() => run()}
        >
          {action.effect} Finding #{finding.id}: {finding.reason}
        </ConfirmActionModal>
      )}
    </Group>
  );
}

/** The storage page's own question (count, undo window, and whether a restore would be whole), asked only when opened. */
function QuarantineConfirm({ finding, opened, onClose, onConfirm }: { finding: Finding; opened: boolean; onClose: () => void; onConfirm: (allowUnrestorable: boolean) => void }) {
  const restorability = useRestorability();
  return (
    <QuarantineModal
      opened={opened}
      count={1}
      scope={`of ${finding.subject}${finding.userEmail ? ` (${finding.userEmail})` : ''}`}
      problems={restorability.problems}
      retentionDays={restorability.retentionDays}
      onClose={onClose}
      onConfirm={onConfirm}
      zIndex={ABOVE_DRAWER}
    />
  );
}

/** Puts a quarantined row back at once (no run); the lists are read again by the hook. */
function RestoreAction({ finding, label, onDone }: { finding: Finding; label: string; onDone: () => void }) {
  const restore = useRestoreFinding();
  return (
    <Group gap="sm">
      <Button
        variant="light"
        leftSection={<IconArrowBackUp size={16} aria-hidden />}
        loading={restore.isPending}
        onClick={() => restore.mutate({ findingId: finding.id }, { onSuccess: onDone })}
        data-testid="finding-restore"
      >
        {label}
      </Button>
      <Text size="xs" c="dimmed">
        Moves the row back into the product’s table as it was; restoring is audited.
      </Text>
    </Group>
  );
}

/** The audit entries this finding's repair wrote, each with its own revert (the audit log's). */
function RevertActions({ finding }: { finding: Finding }) {
  const audit = useApiQuery('audit.list', { engine: finding.engine, limit: AUDIT_LOOKBACK, offset: 0 });
  const entries = (audit.data?.items ?? []).filter((entry) => entry.subject === finding.subject && entry.runId !== null && entry.runId >= finding.runId);
  if (audit.isLoading) return null;
  if (entries.length === 0)
    return (
      <Text size="sm" c="dimmed">
        No change of this finding’s repair is in the recent audit log; look it up on the Audit page.
      </Text>
    );
  return (
    <Stack gap="xs">
      {entries.map((entry) => (
        <RevertButton key={entry.id} entry={entry} />
      ))}
    </Stack>
  );
}
