import type { IdentityUserRow } from '@core/api';
import { Text, VisuallyHidden } from '@mantine/core';
import { createColumnHelper, type SortingState } from '@tanstack/react-table';
import { useHostSortedTable } from '../table/useHostSortedTable';
import { VirtualTable } from '../table/VirtualTable';
import { FieldValues } from './FieldValues';
import { RowSyncButton } from './RowSyncButton';
import { SyncStatusBadge } from './SyncStatusBadge';
import type { UsersWindow } from './useUsersWindow';

const column = createColumnHelper<IdentityUserRow>();
const unsorted = { enableSorting: false } as const;

const columns = [
  column.accessor('email', {
    header: 'Email',
    cell: (c) => (
      <>
        <Text size="sm" truncate title={c.getValue() ?? ''}>
          {c.getValue() ?? '(no email)'}
        </Text>
        {c.row.original.matchedBy === 'email' && (
          <Text size="xs" c="dimmed">
            paired by email
          </Text>
        )}
      </>
    ),
  }),
  column.accessor('name', { header: 'Name', cell: (c) => <Text size="sm" truncate title={c.getValue() ?? ''}>{c.getValue() ?? '—'}</Text>, meta: { width: '16%' } }),
  column.accessor('status', { header: 'Status', cell: (c) => <SyncStatusBadge status={c.getValue()} testId={`user-status-${c.row.original.row}`} />, meta: { width: 140 } }),
  column.display({ id: 'local', header: 'Users table', cell: (c) => <FieldValues row={c.row.original} side="local" />, meta: { width: '20%' }, ...unsorted }),
  column.display({ id: 'remote', header: 'Supabase', cell: (c) => <FieldValues row={c.row.original} side="remote" />, meta: { width: '20%' }, ...unsorted }),
  column.display({ id: 'sync', header: () => <VisuallyHidden>Action</VisuallyHidden>, cell: (c) => <RowSyncButton row={c.row.original} />, meta: { width: 110, align: 'right' }, ...unsorted }),
];

interface UsersTableProps {
  window: UsersWindow;
  sorting: SortingState;
  onSortingChange: (sorting: SortingState) => void;
}

/** The sync table as one scrollable list of every matching user; the host pages, filters and sorts. */
export function UsersTable({ window, sorting, onSortingChange }: UsersTableProps) {
  const table = useHostSortedTable({ data: window.rows, columns, getRowId: (row) => String(row.row), sorting, onSortingChange });
  return (
    <VirtualTable
      table={table}
      label="Users"
      testId="users-table"
      maxHeight="max(360px, calc(100vh - 420px))"
      minWidth={980}
      estimateRowHeight={49}
      rowCount={window.total}
      rowOffset={window.offset}
      onRangeChange={window.onRangeChange}
      rowTestId={(row) => `user-row-${row.row}`}
    />
  );
}
