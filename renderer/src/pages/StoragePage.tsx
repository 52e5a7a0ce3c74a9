import { Alert, Button, Center, EmptyState, Group, Loader, Paper, Stack, Text } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { IconCloudSearch, IconDatabaseOff } from '@tabler/icons-react';
import type { SortingState } from '@tanstack/react-table';
import { useState } from 'react';
import { useSearch } from 'wouter';
import { PageHeader } from '../components/PageHeader';
import { RunDetailDrawer } from '../components/RunDetailDrawer';
import { RunProgressBar } from '../components/RunProgressBar';
import { Section } from '../components/Section';
import { ACCOUNT_STATUS_ORDER } from '../components/storage/AccountStatusBadge';
import { GuardBanner } from '../components/storage/GuardBanner';
import { QuarantineModal } from '../components/storage/QuarantineModal';
import { StorageAccountsTable } from '../components/storage/StorageAccountsTable';
import { StorageFilters } from '../components/storage/StorageFilters';
import { StorageFindingsSection } from '../components/storage/StorageFindingsSection';
import { StorageSummaryCards } from '../components/storage/StorageSummaryCards';
import { StorageUserDrawer } from '../components/storage/StorageUserDrawer';
import { useStorageAccounts, type AccountsSort } from '../components/storage/useStorageAccounts';
import { confirmed, useRestorability, useStorageActions, useStorageRuns, type StorageAccountRow, type StorageAccountStatus, type StorageRepairChoice } from '../components/storage/useStorage';
import { useApiQuery } from '../hooks/useApi';
import { formatCount } from '../lib/format';

/** Drive and Dropbox files vs the product's files table: who has orphans, the findings, repairs into quarantine and restores. */
export function StoragePage() {
  const summary = useApiQuery('storage.summary', {});
  const { active, latest } = useStorageRuns();
  const actions = useStorageActions();
  const restorability = useRestorability();
  const [searchInput, setSearchInput] = useState('');
  const [search] = useDebouncedValue(searchInput.trim(), 250);
  // A needs-reconnect notification links here as /storage?status=needs-reconnect (core/app/notifier.ts).
  const linkedStatus = statusOf(new URLSearchParams(useSearch()).get('status'));
  const [status, setStatus] = useState<StorageAccountStatus | undefined>(linkedStatus);
  // A new link while the page is open (another notification) sets the filter again; adjusted during render, not in an effect.
  const [seenLink, setSeenLink] = useState(linkedStatus);
  if (linkedStatus !== seenLink) {
    setSeenLink(linkedStatus);
    if (linkedStatus) setStatus(linkedStatus);
  }
  const [sorting, setSorting] = useState<SortingState>([{ id: 'status', desc: false }]);
  const sort = sorting[0];
  const [onlyAutoSyncOff, setOnlyAutoSyncOff] = useState(false);
  const accounts = useStorageAccounts({ search, status, onlyAutoSyncOff, sort: (sort?.id ?? 'status') as AccountsSort, direction: sort?.desc ? 'desc' : 'asc' });
  const [opened, setOpened] = useState<StorageAccountRow | null>(null);
  const [checkingRow, setCheckingRow] = useState<string | null>(null);
  const [userRepair, setUserRepair] = useState<{ choice: StorageRepairChoice; count: number; scope: string } | null>(null);
  const [logRunId, setLogRunId] = useState<number | null>(null);

  const checkRunning = active.some((run) => run.params.mode !== 'repair');
  const busy = actions.isPending;
  const data = summary.data;
  const filtered = Boolean(search || status || onlyAutoSyncOff);
  // A row's Check button spins from the click until a check run of that user is no longer active.
  const rowChecking = (row: StorageAccountRow) =>
    (checkingRow === `${row.userId}:${row.provider}` && (busy || active.some((run) => run.params.user === row.userId))) ||
    active.some((run) => run.params.mode !== 'repair' && run.params.user === row.userId && (run.params.provider === undefined || run.params.provider === row.provider));

  return (
    <Stack gap="lg">
      <PageHeader
        title="Storage"
        description="File rows whose Google Drive or Dropbox file is gone. Only a definitive “not found” makes an orphan; a repair quarantines the row for 30 days."
        actions={
          // The empty state has its own first-check button; one is enough.
          data && data.accounts > 0 ? (
            <Button leftSection={<IconCloudSearch size={16} aria-hidden />} onClick={() => actions.check()} loading={busy && checkingRow === null} disabled={checkRunning} data-testid="storage-check-all">
              {checkRunning ? 'Checking…' : 'Check all'}
            </Button>
          ) : undefined
        }
      />
      {data?.guardBlocked && <GuardBanner guard={data.guardBlocked} onShowRun={setLogRunId} />}
      {(active.length ? active : latest ? [latest] : []).map((run) => (
        <div key={run.id} data-testid="storage-run">
          <RunProgressBar run={run} />
        </div>
      ))}
      {summary.isLoading ? (
        <Center py="xl">
          <Loader size="sm" aria-label="Loading storage" />
        </Center>
      ) : summary.error ? (
        <Alert color="red" title="Storage could not be read">
          {summary.error.message}
        </Alert>
      ) : data && data.accounts === 0 ? (
        <EmptyState
          icon={<IconDatabaseOff size={28} aria-hidden />}
          withIndicatorBackground
          size="sm"
          title={data.lastCheckAt ? 'No storage accounts in the product database' : 'Storage has not been checked yet'}
          description="A check reads every user’s Google Drive and Dropbox accounts and file rows from the product database, then asks each service which files still exist. It needs the product database and the Google and Dropbox connections."
          data-testid="storage-empty"
        >
          <Group mt="sm" gap="sm" justify="center">
            <Button leftSection={<IconCloudSearch size={16} aria-hidden />} onClick={() => actions.check()} loading={busy} disabled={checkRunning} data-testid="storage-first-check">
              Check all
            </Button>
            <Button component="a" href="#/connections" variant="default">
              Open Connections
            </Button>
          </Group>
        </EmptyState>
      ) : data ? (
        <>
          <StorageSummaryCards summary={data} />
          <Section id="storage-accounts-title" title="Accounts" hint={data.lastCheckAt ? 'Select a row for the user’s detail; Check looks at that account alone.' : 'Not checked yet: press Check all to compare every account with its files.'}>
            <StorageFilters search={searchInput} onSearch={setSearchInput} status={status} onStatus={setStatus} />
            <Text size="xs" c="dimmed" aria-live="polite" data-testid="storage-accounts-count">
              {formatCount(accounts.total)} {accounts.total === 1 ? 'account' : 'accounts'}
              {filtered ? (accounts.total === 1 ? ' matches' : ' match') : ''}
            </Text>
            {data.autoSyncOff > 0 && <AutoSyncOffNote count={data.autoSyncOff} only={onlyAutoSyncOff} onOnly={setOnlyAutoSyncOff} />}
            {accounts.error ? (
              <Text c="red" size="sm">
                {accounts.error.message}
              </Text>
            ) : accounts.total === 0 && !accounts.isLoading ? (
              <Paper withBorder p="md" radius="md">
                <Text size="sm" c="dimmed" data-testid="storage-accounts-empty">
                  {filtered ? 'No account matches. Clear the search or pick another status.' : 'No account to show.'}
                </Text>
              </Paper>
            ) : (
              <StorageAccountsTable
                window={accounts}
                sorting={sorting}
                onSortingChange={setSorting}
                checking={rowChecking}
                onCheck={(row) => {
                  setCheckingRow(`${row.userId}:${row.provider}`);
                  actions.check({ user: row.userId, provider: row.provider });
                }}
                onOpen={setOpened}
              />
            )}
          </Section>
          <Section id="storage-findings-title" title="Findings" hint="Orphans are rows whose file is gone; trashed files are still in the user’s trash. Repair quarantines the row; Restore puts it back.">
            <StorageFindingsSection busy={busy} repair={actions.repair} />
          </Section>
        </>
      ) : null}
      <StorageUserDrawer
        account={opened}
        activeRuns={active}
        busy={busy}
        onClose={() => setOpened(null)}
        onCheck={(user) => actions.check({ user })}
        onRepair={(choice, count, scope) => setUserRepair({ choice, count, scope })}
      />
      <QuarantineModal
        opened={userRepair !== null}
        count={userRepair?.count ?? 0}
        scope={userRepair?.scope}
        problems={restorability.problems}
        retentionDays={restorability.retentionDays}
        onClose={() => setUserRepair(null)}
        onConfirm={(allowUnrestorable) => {
          if (userRepair) actions.repair(confirmed(userRepair.choice, allowUnrestorable));
          setUserRepair(null);
        }}
      />
      <RunDetailDrawer runId={logRunId} onClose={() => setLogRunId(null)} />
    </Stack>
  );
}

/** Why Check all's "39 of 39" leaves accounts of a roster of 48 "Never checked": their auto-sync is off; one click lists them. */
function AutoSyncOffNote({ count, only, onOnly }: { count: number; only: boolean; onOnly: (only: boolean) => void }) {
  return (
    <Group gap="xs" wrap="wrap" data-testid="storage-auto-sync-off">
      <Text size="sm" c="dimmed">
        {formatCount(count)} {count === 1 ? 'account has' : 'accounts have'} auto-sync off in the product, so Check all and schedules leave {count === 1 ? 'it' : 'them'} out; Check on a row looks at one.
      </Text>
      <Button size="compact-sm" variant="light" onClick={() => onOnly(!only)} aria-pressed={only} data-testid="storage-auto-sync-off-filter">
        {only ? 'Show all accounts' : `Show ${count === 1 ? 'it' : `the ${formatCount(count)}`}`}
      </Button>
    </Group>
  );
}

/** The status filter a link asked for, if it is one the page knows. */
function statusOf(value: string | null): StorageAccountStatus | undefined {
  return ACCOUNT_STATUS_ORDER.find((status) => status === value);
}
