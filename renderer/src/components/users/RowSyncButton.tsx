import type { IdentityAction, IdentityUserRow } from '@core/api';
import { Button, Group, Text, Tooltip } from '@mantine/core';
import { IconAlertTriangle, IconCircleCheck, IconHandStop, IconRefresh } from '@tabler/icons-react';
import { useState } from 'react';
import { ConfirmIdentityActionModal, type ConfirmTarget } from './ConfirmIdentityActionModal';
import { ACTION_WORDS, buttonLabel, manualReason } from './identity-actions';
import { useUserSync } from './UserSyncContext';

/**
 * Repairs one user towards the source of truth and shows that run's progress
 * in the row. The button says what it will do; a destructive action (ban,
 * delete, relink) asks first, naming the user, the side and whether it can
 * be undone. A user no API call can repair says why instead.
 */
export function RowSyncButton({ row }: { row: IdentityUserRow }) {
  const { activeRun, syncingRow, sync } = useUserSync();
  const [confirm, setConfirm] = useState<ConfirmTarget | null>(null);
  const who = row.email ?? row.localId ?? row.remoteId ?? 'this user';
  if (row.status === 'in-sync') {
    return (
      <Group gap={4} c="teal" wrap="nowrap" aria-label={`${who} is in sync`}>
        <IconCircleCheck size={16} aria-hidden />
        <Text size="xs">Synced</Text>
      </Group>
    );
  }
  const label = buttonLabel(row);
  // A re-signup can be relinked, by choice; other manual cases only explain themselves.
  const action: IdentityAction = row.action === 'manual' && row.problem === 're-signup' ? 'relink-local' : row.action;
  if (action === 'manual' || action === 'none') {
    return (
      <Tooltip label={manualReason(row)} multiline w={320} withArrow>
        <Group gap={4} c="dimmed" wrap="nowrap" tabIndex={0} aria-label={`${who} needs a person: ${manualReason(row)}`} data-testid={`user-sync-${row.row}`}>
          <IconHandStop size={16} aria-hidden />
          <Text size="xs">{label}</Text>
        </Group>
      </Tooltip>
    );
  }
  const words = ACTION_WORDS[action];
  const mine = syncingRow === row.row;
  const percent = mine && activeRun?.state === 'running' ? Math.round(activeRun.progress?.percent ?? 0) : null;
  const go = () => {
    if (!words.destructive) return sync(row);
    setConfirm({ action, users: [who], label });
  };
  return (
    <>
      <Button
        size="compact-sm"
        variant="light"
        color={words.destructive ? (words.reversible ? 'orange' : 'red') : undefined}
        leftSection={words.destructive ? <IconAlertTriangle size={14} aria-hidden /> : <IconRefresh size={14} aria-hidden />}
        loading={mine && percent === null}
        disabled={row.email === null || (activeRun !== null && !mine) || mine}
        onClick={go}
        aria-label={mine ? `Repairing ${who}` : `${label}: ${who}`}
        title={row.email === null ? 'A user without an email can only be repaired from the Findings page' : activeRun && !mine ? 'Another identity run is in progress' : words.effect}
        data-testid={`user-sync-${row.row}`}
        data-action={action}
      >
        {percent === null ? label : `${percent} %`}
      </Button>
      <ConfirmIdentityActionModal
        target={confirm}
        onClose={() => setConfirm(null)}
        onConfirm={() => {
          setConfirm(null);
          sync(row, { confirmDestructive: 1, ...(action === 'relink-local' ? { relink: true } : { confirmDeletes: 1 }) });
        }}
      />
    </>
  );
}
