import type { Finding } from '@core/api';
import { Text } from '@mantine/core';
import { createColumnHelper, type SortingState } from '@tanstack/react-table';
import { useHostSortedTable } from './table/useHostSortedTable';
import { FindingStatusBadge } from './FindingStatusBadge';
import { FindingUser } from './FindingUser';
import { RelativeTime } from './RelativeTime';
import { VirtualTable } from './table/VirtualTable';
import { EngineName } from './EngineName';

const column = createColumnHelper<Finding>();
/** Only the host's sort keys (FINDING_SORT_KEYS) get sortable headers. */
const unsorted = { enableSorting: false } as const;

const columns = [
  column.accessor('createdAt', { header: 'Found', cell: (c) => <RelativeTime iso={c.getValue()} size="sm" />, meta: { width: 135 } }),
  column.accessor('engine', { header: 'Engine', cell: (c) => <EngineName id={c.getValue()} />, meta: { width: 120 }, ...unsorted }),
  column.accessor('kind', { header: 'Kind', meta: { width: 110 } }),
  column.accessor('subject', { header: 'Subject', cell: (c) => <Mono text={c.getValue()} />, meta: { width: 130 } }),
  column.accessor('userEmail', { header: 'User', cell: (c) => <FindingUser finding={c.row.original} inline />, meta: { width: 240 } }),
  column.accessor('reason', { header: 'Reason', cell: (c) => <Ellipsis text={c.getValue()} />, ...unsorted }),
  column.accessor('proposedAction', { header: 'Proposed action', cell: (c) => <Ellipsis text={c.getValue()} />, ...unsorted }),
  column.accessor('status', { header: 'Status', cell: (c) => <FindingStatusBadge status={c.getValue()} />, meta: { width: 110 } }),
];

interface FindingsTableProps {
  findings: Finding[];
  sorting: SortingState;
  onSortingChange: (sorting: SortingState) => void;
  onOpen: (finding: Finding) => void;
}

/** One page of findings; sorting happens on the host, the table only asks for it. */
export function FindingsTable({ findings, sorting, onSortingChange, onOpen }: FindingsTableProps) {
  const table = useHostSortedTable({ data: findings, columns, getRowId: (finding) => String(finding.id), sorting, onSortingChange });
  return (
    <VirtualTable
      table={table}
      label="Findings"
      testId="findings-table"
      maxHeight="max(320px, calc(100vh - 330px))"
      minWidth={1000}
      rowTestId={(finding) => `finding-row-${finding.id}`}
      onRowActivate={(row) => onOpen(row.original)}
    />
  );
}

function Ellipsis({ text }: { text: string }) {
  return (
    <Text size="sm" truncate title={text}>
      {text}
    </Text>
  );
}

function Mono({ text }: { text: string }) {
  return (
    <Text size="sm" ff="monospace" truncate title={text}>
      {text}
    </Text>
  );
}
