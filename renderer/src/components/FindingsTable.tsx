import type { Finding } from '@core/api';
import { Stack, Text } from '@mantine/core';
import { useMediaQuery } from '@mantine/hooks';
import { createColumnHelper, flexRender, type CellContext, type SortingState } from '@tanstack/react-table';
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
  // Below 1200 px these four stand for the eight above, showing their cells stacked (the same renderers), so the table fits without sideways scroll.
  column.display({ id: 'foundEngine', header: 'Found · engine', cell: (c) => <Stacked c={c} ids={['createdAt', 'engine']} />, meta: { width: 125 } }),
  column.display({ id: 'userSubject', header: 'User · subject', cell: (c) => <Stacked c={c} ids={['userEmail', 'subject']} />, meta: { width: 220 } }),
  column.display({ id: 'kindStatus', header: 'Kind · status', cell: (c) => <Stacked c={c} ids={['kind', 'status']} />, meta: { width: 120 } }),
  column.display({ id: 'reasonAction', header: 'Reason · proposed action', cell: (c) => <Stacked c={c} ids={['reason', 'proposedAction']} /> }),
];

const hidden = (ids: string[]) => Object.fromEntries(ids.map((id) => [id, false]));
const NARROW_ONLY = hidden(['foundEngine', 'userSubject', 'kindStatus', 'reasonAction']);
const WIDE_ONLY = hidden(['createdAt', 'engine', 'kind', 'subject', 'userEmail', 'reason', 'proposedAction', 'status']);

interface FindingsTableProps {
  findings: Finding[];
  sorting: SortingState;
  onSortingChange: (sorting: SortingState) => void;
  onOpen: (finding: Finding) => void;
}

/** One page of findings; sorting happens on the host, the table only asks for it. */
export function FindingsTable({ findings, sorting, onSortingChange, onOpen }: FindingsTableProps) {
  const wide = useMediaQuery('(min-width: 75em)', true);
  const table = useHostSortedTable({ data: findings, columns, getRowId: (finding) => String(finding.id), sorting, onSortingChange, columnVisibility: wide ? NARROW_ONLY : WIDE_ONLY });
  return (
    <VirtualTable
      table={table}
      label="Findings"
      testId="findings-table"
      maxHeight="max(320px, calc(100vh - 330px))"
      minWidth={wide ? 1000 : 640}
      rowTestId={(finding) => `finding-row-${finding.id}`}
      onRowActivate={(row) => onOpen(row.original)}
    />
  );
}

/** The cells of (hidden) wide columns, one under the other, as those columns render them. */
function Stacked({ c, ids }: { c: CellContext<Finding, unknown>; ids: string[] }) {
  const cells = c.row.getAllCells();
  return (
    <Stack gap={4} miw={0} align="flex-start">
      {ids.map((id) => {
        const cell = cells.find((one) => one.column.id === id);
        return cell ? <div key={id} style={{ maxWidth: '100%', minWidth: 0 }}>{flexRender(cell.column.columnDef.cell, cell.getContext())}</div> : null;
      })}
    </Stack>
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
