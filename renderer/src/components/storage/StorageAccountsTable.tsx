import { Button, Stack, Text, VisuallyHidden } from '@mantine/core';
import { IconRefresh } from '@tabler/icons-react';
import { createColumnHelper, type SortingState } from '@tanstack/react-table';
import { formatCount } from '../../lib/format';
import { RelativeTime } from '../RelativeTime';
import { useHostSortedTable } from '../table/useHostSortedTable';
import { VirtualTable } from '../table/VirtualTable';
import { AccountStatusBadge } from './AccountStatusBadge';
import { ProviderLabel } from './ProviderLabel';
import type { StorageAccountRow } from './useStorage';
import type { StorageAccountsWindow } from './useStorageAccounts';

const column = createColumnHelper<StorageAccountRow>();
const unsorted = { enableSorting: false } as const;
const count = (value: number, color: string) => (
  <Text size="sm" c={value ? color : 'dimmed'} fw={value ? 600 : undefined}>
    {formatCount(value)}
  </Text>
);

const accountKey = (row: StorageAccountRow) => `${row.userId}:${row.provider}`;

interface StorageAccountsTableProps {
  window: StorageAccountsWindow;
  sorting: SortingState;
  onSortingChange: (sorting: SortingState) => void;
  /** The user's check is starting or running (its button shows so). */
  checking: (row: StorageAccountRow) => boolean;
  onCheck: (row: StorageAccountRow) => void;
  onOpen: (row: StorageAccountRow) => void;
}

/**
 * One row per user and provider, as one scrollable list of every matching
 * account: the host filters, sorts and pages (column ids are storage.accounts sort keys).
 * Enter or a click opens the user's detail; the Check button checks just that account.
 */
export function StorageAccountsTable({ window, sorting, onSortingChange, checking, onCheck, onOpen }: StorageAccountsTableProps) {
  const columns = [
    column.accessor((row) => row.userEmail ?? row.userId, {
      id: 'user',
      header: 'User',
      cell: (c) => (
        <Stack gap={0} miw={0}>
          <Text size="sm" truncate title={c.getValue()}>
            {c.getValue()}
          </Text>
          {c.row.original.userName && (
            <Text size="xs" c="dimmed" truncate>
              {c.row.original.userName}
            </Text>
          )}
        </Stack>
      ),
    }),
    column.accessor('provider', { header: 'Provider', cell: (c) => <ProviderLabel provider={c.getValue()} />, meta: { width: 150 } }),
    column.accessor('files', { header: 'Files', cell: (c) => formatCount(c.getValue()), meta: { width: 80, align: 'right' } }),
    column.accessor('openOrphans', { header: 'Orphans', cell: (c) => count(c.getValue(), 'orange'), meta: { width: 100, align: 'right' } }),
    column.accessor('openTrashed', { header: 'Trashed', cell: (c) => count(c.getValue(), 'yellow.8'), meta: { width: 100, align: 'right' }, ...unsorted }),
    column.accessor('lastCheckAt', {
      header: 'Last check',
      cell: (c) => <RelativeTime iso={c.getValue()} size="sm" />,
      meta: { width: 140 },
    }),
    column.accessor('status', {
      header: 'Status',
      cell: (c) => <AccountStatusBadge status={c.getValue()} message={c.row.original.message} testId={`storage-status-${accountKey(c.row.original)}`} />,
      meta: { width: 200 },
    }),
    column.display({
      id: 'check',
      header: () => <VisuallyHidden>Action</VisuallyHidden>,
      cell: (c) => {
        const row = c.row.original;
        const busy = checking(row);
        return (
          <Button
            size="compact-sm"
            variant="light"
            leftSection={<IconRefresh size={14} aria-hidden />}
            loading={busy}
            onClick={(event) => {
              // The row itself opens the detail drawer; this button only checks.
              event.stopPropagation();
              onCheck(row);
            }}
            onKeyDown={(event) => event.stopPropagation()}
            aria-label={`Check ${row.userEmail ?? row.userId} ${row.provider === 'google' ? 'Google Drive' : 'Dropbox'}`}
            data-testid={`storage-check-${accountKey(row)}`}
          >
            Check
          </Button>
        );
      },
      enableSorting: false,
      meta: { width: 110, align: 'right' },
    }),
  ];
  const table = useHostSortedTable({ data: window.rows, columns, getRowId: accountKey, sorting, onSortingChange });
  return (
    <VirtualTable
      table={table}
      label="Storage accounts"
      testId="storage-accounts"
      maxHeight="max(320px, calc(100vh - 520px))"
      minWidth={960}
      estimateRowHeight={55}
      rowCount={window.total}
      rowOffset={window.offset}
      onRangeChange={window.onRangeChange}
      rowTestId={(row) => `storage-account-${accountKey(row)}`}
      onRowActivate={(row) => onOpen(row.original)}
    />
  );
}
