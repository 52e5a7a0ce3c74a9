import type { IdentityUserRow } from '@core/api';
import { Box, Text, VisuallyHidden } from '@mantine/core';
import { useMediaQuery } from '@mantine/hooks';
import { createColumnHelper, type SortingState, type VisibilityState } from '@tanstack/react-table';
import { useHostSortedTable } from '../table/useHostSortedTable';
import { VirtualTable } from '../table/VirtualTable';
import { FieldValues } from './FieldValues';
import { RowSyncButton } from './RowSyncButton';
import { SyncStatusBadge } from './SyncStatusBadge';
import type { UsersPageState } from './useUsersPage';

const column = createColumnHelper<IdentityUserRow>();
const unsorted = { enableSorting: false } as const;

// The email takes what the fixed and percentage columns leave: at 1366-1440 px that must hold a whole
// address (the issue-18 walk saw "adele.goldberg@e…" beside half-empty side columns).
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
  column.accessor('name', { header: 'Name', cell: (c) => <Text size="sm" truncate title={c.getValue() ?? ''}>{c.getValue() ?? '—'}</Text>, meta: { width: '14%' } }),
  column.accessor('status', { header: 'Status', cell: (c) => <SyncStatusBadge status={c.getValue()} testId={`user-status-${c.row.original.row}`} />, meta: { width: 160 } }),
  column.display({ id: 'local', header: 'Users table', cell: (c) => <FieldValues row={c.row.original} side="local" />, meta: { width: '15%' }, ...unsorted }),
  column.display({ id: 'remote', header: 'Supabase', cell: (c) => <FieldValues row={c.row.original} side="remote" />, meta: { width: '15%' }, ...unsorted }),
  column.display({
    id: 'sync',
    header: () => <VisuallyHidden>Action</VisuallyHidden>,
    // The row opens the detail on click; a click on its button does only what the button says.
    cell: (c) => (
      <Box onClick={(event) => event.stopPropagation()} display="inline-block">
        <RowSyncButton row={c.row.original} />
      </Box>
    ),
    // Wide enough for the longest label ("Delete in Supabase", "Needs a person") without truncation.
    meta: { width: 215, align: 'right' },
    ...unsorted,
  }),
];

interface UsersTableProps {
  page: UsersPageState;
  sorting: SortingState;
  onSortingChange: (sorting: SortingState) => void;
  /** Click, Enter or Space on a row opens that user's detail. */
  onOpen: (row: IdentityUserRow) => void;
}

/**
 * One page of the sync table (the host pages, filters and sorts), drawn at
 * full height: the page scrolls, not a box inside it. Rows are focusable, so
 * Tab, the arrow keys and Enter reach a user's detail without a mouse.
 */
export function UsersTable({ page, sorting, onSortingChange, onOpen }: UsersTableProps) {
  // Below 1200 px the two sides' columns would squeeze emails to a few letters: the detail panel shows them instead.
  const wide = useMediaQuery('(min-width: 75em)', true);
  const columnVisibility: VisibilityState = wide ? {} : { local: false, remote: false };
  const table = useHostSortedTable({ data: page.rows, columns, getRowId: (row) => String(row.row), sorting, onSortingChange, columnVisibility });
  return (
    <VirtualTable
      table={table}
      label="Users"
      testId="users-table"
      maxHeight="none"
      minWidth={wide ? 980 : 600}
      estimateRowHeight={49}
      onRowActivate={(row) => onOpen(row.original)}
      rowTestId={(row) => `user-row-${row.row}`}
    />
  );
}
