import { Button, Stack, Text, VisuallyHidden } from '@mantine/core';
import { useMediaQuery } from '@mantine/hooks';
import { IconRefresh } from '@tabler/icons-react';
import { createColumnHelper, flexRender, type CellContext, type SortingState } from '@tanstack/react-table';
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
    // Below 1200 px these three stand for the six above, showing their cells stacked (the same renderers), so the table fits
    // without sideways scroll and Status and Check stay in view (issue-18 walk at 1024 px).
    column.display({ id: 'userProvider', header: 'User · provider', cell: (c) => <Stacked c={c} ids={['user', 'provider']} />, enableSorting: false }),
    column.display({
      id: 'counts',
      header: 'Files · orphans · trashed',
      cell: (c) => <Counts row={c.row.original} />,
      enableSorting: false,
      meta: { width: 130, align: 'right' },
    }),
    column.display({
      id: 'statusChecked',
      header: 'Status · last check',
      cell: (c) => <Stacked c={c} ids={['status', 'lastCheckAt']} />,
      enableSorting: false,
      meta: { width: 190 },
    }),
    // Last in both layouts, so Check stays at the row's end.
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
  const wide = useMediaQuery('(min-width: 75em)', true);
  const table = useHostSortedTable({
    data: window.rows,
    columns,
    getRowId: accountKey,
    sorting,
    onSortingChange,
    columnVisibility: wide ? NARROW_ONLY : WIDE_ONLY,
  });
  return (
    <VirtualTable
      table={table}
      label="Storage accounts"
      testId="storage-accounts"
      maxHeight="max(320px, calc(100vh - 520px))"
      minWidth={wide ? 960 : 640}
      estimateRowHeight={wide ? 55 : 80}
      rowCount={window.total}
      rowOffset={window.offset}
      onRangeChange={window.onRangeChange}
      rowTestId={(row) => `storage-account-${accountKey(row)}`}
      onRowActivate={(row) => onOpen(row.original)}
    />
  );
}

const hidden = (ids: string[]) => Object.fromEntries(ids.map((id) => [id, false]));
const NARROW_ONLY = hidden(['userProvider', 'counts', 'statusChecked']);
const WIDE_ONLY = hidden(['user', 'provider', 'files', 'openOrphans', 'openTrashed', 'lastCheckAt', 'status']);

/** The cells of (hidden) wide columns, one under the other, as those columns render them. */
function Stacked({ c, ids }: { c: CellContext<StorageAccountRow, unknown>; ids: string[] }) {
  const cells = c.row.getAllCells();
  return (
    <Stack gap={4} miw={0} align="flex-start">
      {ids.map((id) => {
        const cell = cells.find((one) => one.column.id === id);
        return cell ? (
          <div key={id} style={{ maxWidth: '100%', minWidth: 0 }}>
            {flexRender(cell.column.columnDef.cell, cell.getContext())}
          </div>
        ) : null;
      })}
    </Stack>
  );
}

/** Files, open orphans and trashed files, named, since three bare numbers in one cell would not say which is which. */
function Counts({ row }: { row: StorageAccountRow }) {
  return (
    <Stack gap={0} align="flex-end">
      <Text size="sm">{formatCount(row.files)} {row.files === 1 ? 'file' : 'files'}</Text>
      <Text size="xs" c={row.openOrphans ? 'orange' : 'dimmed'} fw={row.openOrphans ? 600 : undefined}>
        {formatCount(row.openOrphans)} {row.openOrphans === 1 ? 'orphan' : 'orphans'}
      </Text>
      <Text size="xs" c={row.openTrashed ? 'yellow.8' : 'dimmed'} fw={row.openTrashed ? 600 : undefined}>
        {formatCount(row.openTrashed)} trashed
      </Text>
    </Stack>
  );
}
