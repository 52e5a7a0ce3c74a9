import type { Finding } from '@core/api';
import { Text } from '@mantine/core';
import { createColumnHelper, type SortingState } from '@tanstack/react-table';
import { useHostSortedTable } from './table/useHostSortedTable';
import { FindingStatusBadge } from './FindingStatusBadge';
import { FindingUser } from './FindingUser';
import { RelativeTime } from './RelativeTime';
import { VirtualTable } from './table/VirtualTable';
import { EngineName } from './EngineName';
import { useEngineInfo } from '../hooks/useEngineInfo';
import { findingSubjectName } from '../lib/result-summary';

const column = createColumnHelper<Finding>();
/** Only the host's sort keys (FINDING_SORT_KEYS) get sortable headers. */
const unsorted = { enableSorting: false } as const;

const columns = [
  column.accessor('createdAt', { header: 'Found', cell: (c) => <RelativeTime iso={c.getValue()} size="sm" />, meta: { width: 135 } }),
  column.accessor('engine', { header: 'Engine', cell: (c) => <EngineName id={c.getValue()} />, meta: { width: 120 }, ...unsorted }),
  column.accessor('kind', { header: 'Kind', cell: (c) => <KindLabel finding={c.row.original} />, meta: { width: 110 } }),
  column.accessor('subject', { header: 'Subject', cell: (c) => <SubjectName finding={c.row.original} />, meta: { width: 130 } }),
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

/** The kind in its engine's words (app.info `ui.findingKinds`); the kind as written on hover. */
function KindLabel({ finding }: { finding: Finding }) {
  const label = useEngineInfo(finding.engine)?.ui.findingKinds[finding.kind];
  return (
    <Text size="sm" truncate title={finding.kind} data-testid="finding-kind">
      {label ?? finding.kind}
    </Text>
  );
}

/** The subject by name (a file's or an asset's, as its engine points at it), the subject as written on hover. */
function SubjectName({ finding }: { finding: Finding }) {
  const name = findingSubjectName(finding.subject, finding.details, useEngineInfo(finding.engine)?.ui.findingName);
  return (
    <Text size="sm" ff={name === finding.subject ? 'monospace' : undefined} truncate title={finding.subject} data-testid="finding-subject">
      {name}
    </Text>
  );
}
