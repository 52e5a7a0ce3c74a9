import type { IdentityStatus, IdentityUserRow } from '@core/api';
import { Button, Center, EmptyState, Group, Loader, Stack, Text } from '@mantine/core';
import { useDebouncedValue, useDisclosure } from '@mantine/hooks';
import { IconFileText, IconRefresh, IconUsers, IconUsersGroup } from '@tabler/icons-react';
import type { SortingState } from '@tanstack/react-table';
import { useMemo, useState } from 'react';
import { PageHeader } from '../components/PageHeader';
import { RunDetailDrawer } from '../components/RunDetailDrawer';
import { RunProgressBar } from '../components/RunProgressBar';
import { SyncAllModal } from '../components/users/SyncAllModal';
import { UsersFilters } from '../components/users/UsersFilters';
import { UsersOverview } from '../components/users/UsersOverview';
import { UsersTable } from '../components/users/UsersTable';
import { UserSyncContext, type SyncConfirmation, type UserSync } from '../components/users/UserSyncContext';
import { useActiveIdentityRun, useIdentitySummary, useStartIdentityRun } from '../components/users/useIdentity';
import { useUsersWindow, type UsersQuery } from '../components/users/useUsersWindow';
import { useLiveState } from '../hooks/live-context';
import { formatCount } from '../lib/format';

/** Supabase Auth against the users table: the sync overview, every user, and repairs one by one or all at once. */
export function UsersPage() {
  const summary = useIdentitySummary();
  const activeRun = useActiveIdentityRun();
  const [lastRunId, setLastRunId] = useState<number | null>(null);
  const [syncing, setSyncing] = useState<{ row: number; runId: number | null } | null>(null);
  const finished = useLiveState().finished;
  const run = useStartIdentityRun(
    (runId) => {
      setLastRunId(runId);
      setSyncing((current) => (current && current.runId === null ? { ...current, runId } : current));
    },
    () => setSyncing(null),
  );
  const [logRunId, setLogRunId] = useState<number | null>(null);
  const [confirmOpen, confirm] = useDisclosure(false);

  const [searchInput, setSearchInput] = useState('');
  const [search] = useDebouncedValue(searchInput.trim(), 250);
  const [status, setStatus] = useState<IdentityStatus | undefined>(undefined);
  const [sorting, setSorting] = useState<SortingState>([{ id: 'email', desc: false }]);
  const sort = sorting[0];
  const query: UsersQuery = { status, search, sort: (sort?.id ?? 'email') as UsersQuery['sort'], direction: sort?.desc ? 'desc' : 'asc' };
  const users = useUsersWindow(query);

  // The Sync button's row shows its run's progress until that run finishes.
  const syncingRow = syncing && (syncing.runId === null || !finished.some((r) => r.id === syncing.runId)) ? syncing.row : null;
  const userSync = useMemo<UserSync>(
    () => ({
      activeRun,
      syncingRow,
      sync: (row: IdentityUserRow, confirmed?: SyncConfirmation) => {
        if (!row.email) return;
        setSyncing({ row: row.row, runId: null });
        run.start({ mode: 'repair', user: row.email, ...confirmed });
      },
    }),
    [activeRun, syncingRow, run],
  );

  const data = summary.data;
  const busy = activeRun !== null || run.isPending;
  const runLogId = activeRun?.id ?? lastRunId ?? data?.runId ?? null;

  return (
    <Stack gap="lg">
      <PageHeader
        title="Users"
        description="Supabase Auth compared with the product’s users table. Repairs follow the source of truth and are written to the audit log."
        actions={
          data?.checked ? (
            <Group gap="sm">
              <Button variant="subtle" leftSection={<IconFileText size={16} aria-hidden />} disabled={runLogId === null} onClick={() => setLogRunId(runLogId)} data-testid="users-run-log">
                Run log
              </Button>
              <Button variant="default" leftSection={<IconRefresh size={16} aria-hidden />} onClick={() => run.start({ mode: 'check' })} disabled={busy} data-testid="users-refresh">
                Refresh
              </Button>
              <Button leftSection={<IconUsersGroup size={16} aria-hidden />} onClick={confirm.open} disabled={busy || data.issues === 0} data-testid="users-sync-all">
                Repair all{data.issues ? ` (${formatCount(data.issues)})` : ''}
              </Button>
            </Group>
          ) : undefined
        }
      />
      {activeRun && (
        <div data-testid="users-active-run">
          <RunProgressBar run={activeRun} />
        </div>
      )}
      {summary.isLoading ? (
        <Center py="xl">
          <Loader size="sm" aria-label="Loading users" />
        </Center>
      ) : summary.error ? (
        <Text c="red" size="sm">
          {summary.error.message}
        </Text>
      ) : !data?.checked ? (
        <EmptyState
          icon={<IconUsers size={28} aria-hidden />}
          withIndicatorBackground
          size="sm"
          title="Run a check to compare Supabase Auth with your users table"
          description="A check reads both sides, pairs users by id (then by email) and lists every difference here. It changes nothing."
        >
          <Button mt="sm" onClick={() => run.start({ mode: 'check' })} loading={run.isPending} disabled={busy} data-testid="users-run-check">
            Run a check
          </Button>
        </EmptyState>
      ) : (
        <UserSyncContext.Provider value={userSync}>
          <UsersOverview summary={data} />
          <Stack gap="xs">
            <UsersFilters search={searchInput} onSearch={setSearchInput} status={status} onStatus={setStatus} />
            <Text size="xs" c="dimmed" aria-live="polite" data-testid="users-count">
              {formatCount(users.total)} {users.total === 1 ? 'user' : 'users'}
              {status || search ? (users.total === 1 ? ' matches' : ' match') : ''}
            </Text>
            <UsersTable window={users} sorting={sorting} onSortingChange={setSorting} />
          </Stack>
          <SyncAllModal opened={confirmOpen} summary={data} onClose={confirm.close} onConfirm={(confirmed) => run.start({ mode: 'repair', all: true, ...confirmed })} />
        </UserSyncContext.Provider>
      )}
      <RunDetailDrawer runId={logRunId} onClose={() => setLogRunId(null)} />
    </Stack>
  );
}
