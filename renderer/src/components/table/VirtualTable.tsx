import { Table } from '@mantine/core';
import { flexRender, type Row, type Table as TableInstance } from '@tanstack/react-table';
import { useVirtualizer } from '@tanstack/react-virtual';
import { useEffect, useRef, type KeyboardEvent, type ReactNode } from 'react';
import './column-meta';
import { SortableHeader, ariaSort } from './SortableHeader';
import classes from './VirtualTable.module.css';

interface VirtualTableProps<T> {
  table: TableInstance<T>;
  label: string;
  maxHeight: string | number;
  testId?: string;
  estimateRowHeight?: number;
  rowTestId?: (row: T) => string;
  /** Click, Enter or Space on a row. Rows are focusable only when this is set. */
  onRowActivate?: (row: Row<T>) => void;
  /** Extra content under an expanded row (row.getIsExpanded()). */
  renderExpanded?: (row: Row<T>) => ReactNode;
  /** Called when the last rows come into view, to load the next page. */
  onEndReached?: () => void;
  /** Below this width the table scrolls sideways instead of squeezing columns to nothing. */
  minWidth?: number;
  /**
   * Server-side windows: the table holds only the loaded rows, which are rows
   * `rowOffset…` of `rowCount`. Rows outside the window draw as placeholders
   * and `onRangeChange` says which rows are in view so the caller loads them.
   */
  rowCount?: number;
  rowOffset?: number;
  onRangeChange?: (first: number, last: number) => void;
}

/**
 * TanStack Table drawn with Mantine's Table, only the visible rows mounted.
 * Each row lives in its own <tbody> so that a row and its expansion are
 * measured as one item, and the fixed layout keeps columns from jumping
 * while rows scroll in and out.
 */
export function VirtualTable<T>(props: VirtualTableProps<T>) {
  const { table, label, maxHeight, testId, estimateRowHeight = 45, rowTestId, onRowActivate, renderExpanded, onEndReached, minWidth } = props;
  const { rowOffset = 0, onRangeChange } = props;
  const scrollRef = useRef<HTMLDivElement>(null);
  const rows = table.getRowModel().rows;
  const rowAt = (index: number) => rows[index - rowOffset];
   
  const virtualizer = useVirtualizer({
    count: props.rowCount ?? rows.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => estimateRowHeight,
    overscan: 10,
    getItemKey: (index) => rowAt(index)?.id ?? `placeholder-${index}`,
  });
  const items = virtualizer.getVirtualItems();
  const firstIndex = items[0]?.index ?? 0;
  const lastIndex = items.at(-1)?.index ?? -1;
  const columnCount = table.getVisibleLeafColumns().length;

  useEffect(() => {
    if (onRangeChange && lastIndex >= 0) onRangeChange(firstIndex, lastIndex);
  }, [firstIndex, lastIndex, onRangeChange]);

  useEffect(() => {
    if (onEndReached && rows.length > 0 && lastIndex >= rows.length - 5) onEndReached();
  }, [lastIndex, rows.length, onEndReached]);

  const paddingTop = items[0]?.start ?? 0;
  const paddingBottom = virtualizer.getTotalSize() - (items.at(-1)?.end ?? 0);

  return (
    <div ref={scrollRef} className={classes.scroller} style={{ maxHeight }}>
      <Table
        stickyHeader
        highlightOnHover={Boolean(onRowActivate)}
        layout="fixed"
        tabularNums
        miw={minWidth}
        aria-label={label}
        data-testid={testId}
        verticalSpacing="xs"
      >
        <Table.Thead>
          {table.getHeaderGroups().map((group) => (
            <Table.Tr key={group.id}>
              {group.headers.map((header) => (
                <Table.Th
                  key={header.id}
                  w={header.column.columnDef.meta?.width}
                  ta={header.column.columnDef.meta?.align}
                  aria-sort={ariaSort(header.column.getIsSorted())}
                >
                  {header.isPlaceholder ? null : <SortableHeader header={header} />}
                </Table.Th>
              ))}
            </Table.Tr>
          ))}
        </Table.Thead>
        {paddingTop > 0 && <Spacer height={paddingTop} columns={columnCount} />}
        {items.map((item) => {
          const row = rowAt(item.index);
          if (!row) return props.rowCount === undefined ? null : <Placeholder key={item.key} index={item.index} columns={columnCount} measure={virtualizer.measureElement} />;
          const activate = onRowActivate ? () => onRowActivate(row) : undefined;
          return (
            <Table.Tbody key={item.key} data-index={item.index} ref={virtualizer.measureElement}>
              <Table.Tr
                className={classes.row}
                tabIndex={activate ? 0 : undefined}
                onClick={activate}
                onKeyDown={activate ? (event) => onRowKey(event, activate) : undefined}
                aria-expanded={renderExpanded ? row.getIsExpanded() : undefined}
                data-testid={rowTestId?.(row.original)}
              >
                {row.getVisibleCells().map((cell) => (
                  <Table.Td key={cell.id} ta={cell.column.columnDef.meta?.align} style={{ overflow: 'hidden', textOverflow: 'ellipsis' }}>
                    {flexRender(cell.column.columnDef.cell, cell.getContext())}
                  </Table.Td>
                ))}
              </Table.Tr>
              {renderExpanded && row.getIsExpanded() && (
                <Table.Tr>
                  <Table.Td colSpan={columnCount}>{renderExpanded(row)}</Table.Td>
                </Table.Tr>
              )}
            </Table.Tbody>
          );
        })}
        {paddingBottom > 0 && <Spacer height={paddingBottom} columns={columnCount} />}
      </Table>
    </div>
  );
}

/** A row of a server-side window that has not arrived yet. */
function Placeholder({ index, columns, measure }: { index: number; columns: number; measure: (node: Element | null) => void }) {
  return (
    <Table.Tbody data-index={index} ref={measure} aria-busy>
      <Table.Tr>
        <Table.Td colSpan={columns} c="dimmed">
          Loading…
        </Table.Td>
      </Table.Tr>
    </Table.Tbody>
  );
}

function Spacer({ height, columns }: { height: number; columns: number }) {
  return (
    <tbody aria-hidden>
      <tr style={{ height }}>
        <td colSpan={columns} style={{ padding: 0, border: 0 }} />
      </tr>
    </tbody>
  );
}

/** Enter/Space activate; arrows move between rows like in a list. */
function onRowKey(event: KeyboardEvent<HTMLTableRowElement>, activate: () => void): void {
  if (event.target !== event.currentTarget) return;
  if (event.key === 'Enter' || event.key === ' ') {
    event.preventDefault();
    activate();
    return;
  }
  const body = event.currentTarget.closest('tbody');
  const sibling = event.key === 'ArrowDown' ? body?.nextElementSibling : event.key === 'ArrowUp' ? body?.previousElementSibling : null;
  const next = sibling?.querySelector<HTMLElement>('tr[tabindex]');
  if (next) {
    event.preventDefault();
    next.focus();
  }
}
