import { getCoreRowModel, useReactTable, type ColumnDef, type SortingState, type VisibilityState } from '@tanstack/react-table';

interface HostSortedTableOptions<T> {
  data: T[];
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- TanStack's own column type is ColumnDef<T, any>
  columns: ColumnDef<T, any>[];
  getRowId: (row: T) => string;
  sorting: SortingState;
  onSortingChange: (sorting: SortingState) => void;
  /** Columns to leave out (false), e.g. on a narrow window. */
  columnVisibility?: VisibilityState;
}

/**
 * A table whose sorting the host does: clicking a header only reports the
 * new sorting up, and the page of rows that comes back is shown as is.
 */
export function useHostSortedTable<T>({ data, columns, getRowId, sorting, onSortingChange, columnVisibility = {} }: HostSortedTableOptions<T>) {
  return useReactTable({
    data,
    columns,
    getCoreRowModel: getCoreRowModel(),
    getRowId,
    manualSorting: true,
    enableSortingRemoval: false,
    state: { sorting, columnVisibility },
    onSortingChange: (updater) => onSortingChange(typeof updater === 'function' ? updater(sorting) : updater),
  });
}
