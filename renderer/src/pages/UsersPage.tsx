import type { IdentityStatus, IdentityUserRow } from '@core/api';
import { Button, Center, EmptyState, Group, Loader, Paper, Stack, Text } from '@mantine/core';
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
import { USERS_PAGE_SIZES, useUsersPage, type UsersPageState, type UsersQuery } from '../components/users/useUsersPage';
import { UserDetailDrawer } from '../components/users/UserDetailDrawer';
import { TablePager } from '../components/table/TablePager';
import { useLiveState } from '../hooks/live-context';
import { selectFinished } from '../hooks/live-store';
import { formatCount } from '../lib/format';

/** Supabase Auth against the users table: the sync overview, every user, and repairs one by one or all at once. */
export function UsersPage() {
  const summary = useIdentitySummary();
  const activeRun = useActiveIdentityRun();
  const [lastRunId, setLastRunId] = useState<number | null>(null);
  const [syncing, setSyncing] = useState<{ row: number; runId: number | null } | null>(null);
  const finished = selectFinished(useLiveState());
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
  const users = useUsersPage(query);
  // The open detail follows its row when a repair or a refresh changes it (same position in the same check).
  const [opened, setOpened] = useState<IdentityUserRow | null>(null);
  const openRow = opened && (users.rows.find((r) => r.row === opened.row && r.localId === opened.localId && r.remoteId === opened.remoteId) ?? opened);

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
                Check all
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
          title="Users have not been checked yet"
          description="A check compares Supabase Auth with your users table: it reads both sides, pairs users by id (then by email) and lists every difference here. It changes nothing."
        >
          <Button mt="sm" leftSection={<IconRefresh size={16} aria-hidden />} onClick={() => run.start({ mode: 'check' })} loading={run.isPending} disabled={busy} data-testid="users-run-check">
            Check all
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
            <UsersList users={users} filtered={Boolean(status || search)} sorting={sorting} onSortingChange={setSorting} onOpen={setOpened} />
          </Stack>
          <UserDetailDrawer row={openRow} onClose={() => setOpened(null)} />
          <SyncAllModal opened={confirmOpen} summary={data} onClose={confirm.close} onConfirm={(confirmed) => run.start({ mode: 'repair', all: true, ...confirmed })} />
        </UserSyncContext.Provider>
      )}
      <RunDetailDrawer runId={logRunId} onClose={() => setLogRunId(null)} />
    </Stack>
  );
}

interface UsersListProps {
  users: UsersPageState;
  filtered: boolean;
  sorting: SortingState;
  onSortingChange: (sorting: SortingState) => void;
  onOpen: (row: IdentityUserRow) => void;
}

/** One page of users with its pager, or what an empty or failed answer means. */
function UsersList({ users, filtered, sorting, onSortingChange, onOpen }: UsersListProps) {
  if (users.error) {
    return (
      <Text c="red" size="sm">
        {users.error.message}
      </Text>
    );
  }
  if (users.isLoading) {
    return (
      <Center py="xl" data-testid="users-loading">
        <Loader size="sm" aria-label="Loading users" />
      </Center>
    );
  }
  if (users.total === 0) {
    return (
      <Paper withBorder p="md" radius="md">
        <Text size="sm" c="dimmed" data-testid="users-empty">
          {filtered ? 'No user matches. Clear the search or pick another status.' : 'The last check found no user on either side. Add users, then press Refresh.'}
        </Text>
      </Paper>
    );
  }
  const pager = <TablePager total={users.total} offset={users.offset} limit={users.limit} onChange={users.setPage} noun="users" pageSizes={USERS_PAGE_SIZES} testId="users-pager" />;
  return (
    <Stack gap="xs" aria-busy={users.isFetching} style={{ opacity: users.isFetching ? 0.6 : 1, transition: 'opacity 150ms' }}>
      <UsersTable page={users} sorting={sorting} onSortingChange={onSortingChange} onOpen={onOpen} />
      {pager}
    </Stack>
  );
}
