import type { IdentityUserRow } from '@core/api';
import { Button, Group, Text } from '@mantine/core';
import { IconCircleCheck, IconRefresh } from '@tabler/icons-react';
import { useUserSync } from './UserSyncContext';

/** Repairs one user towards the source of truth and shows that run's progress in the row. */
export function RowSyncButton({ row }: { row: IdentityUserRow }) {
  const { activeRun, syncingRow, sync } = useUserSync();
  const who = row.email ?? row.localId ?? row.remoteId ?? 'this user';
  if (row.status === 'in-sync') {
    return (
      <Group gap={4} c="teal" wrap="nowrap" aria-label={`${who} is in sync`}>
        <IconCircleCheck size={16} aria-hidden />
        <Text size="xs">Synced</Text>
      </Group>
    );
  }
  const mine = syncingRow === row.row;
  const percent = mine && activeRun?.state === 'running' ? Math.round(activeRun.progress?.percent ?? 0) : null;
  return (
    <Button
      size="compact-sm"
      variant="light"
      leftSection={<IconRefresh size={14} aria-hidden />}
      loading={mine && percent === null}
      disabled={row.email === null || (activeRun !== null && !mine) || mine}
      onClick={() => sync(row)}
      aria-label={mine ? `Syncing ${who}` : `Sync ${who}`}
      title={row.email === null ? 'A user without an email can only be repaired from the Findings page' : activeRun && !mine ? 'Another identity run is in progress' : undefined}
      data-testid={`user-sync-${row.row}`}
    >
      {percent === null ? 'Sync' : `${percent} %`}
    </Button>
  );
}
