import type { AuditEntry, EngineInfo } from '@core/api';
import { Badge, Group, Stack, Text } from '@mantine/core';
import { IconChevronDown, IconChevronRight } from '@tabler/icons-react';
import { createColumnHelper, getCoreRowModel, useReactTable, type ExpandedState } from '@tanstack/react-table';
import { useMemo, useState } from 'react';
import { useAppInfo } from '../hooks/useAppInfo';
import { formatDateTime } from '../lib/format';
import { TRIGGER_LABEL } from '../lib/run-states';
import { AuditDiff } from './audit/AuditDiff';
import { AuditRunRevert } from './audit/AuditRunRevert';
import { RelativeTime } from './RelativeTime';
import { RevertButton } from './RevertButton';
import { VirtualTable } from './table/VirtualTable';

const column = createColumnHelper<AuditEntry>();

/** An action's label as its engine declares it (app.info `ui.auditActions`); an undeclared action shows as written. */
function actionLabel(entry: AuditEntry, engines: readonly EngineInfo[]): string {
  return engines.find((e) => e.id === entry.engine)?.ui.auditActions[entry.action] ?? entry.action;
}

function auditColumns(engines: readonly EngineInfo[]) {
  return [
    column.display({
      id: 'expand',
      header: () => <span aria-hidden />,
      cell: (c) => {
        const Chevron = c.row.getIsExpanded() ? IconChevronDown : IconChevronRight;
        return <Chevron size={16} aria-hidden />;
      },
      meta: { width: 44 },
    }),
    column.accessor('at', {
      header: 'Time',
      cell: (c) => (
        <Stack gap={0}>
          <Text size="sm">{formatDateTime(c.getValue())}</Text>
          <RelativeTime iso={c.getValue()} size="xs" c="dimmed" />
        </Stack>
      ),
      meta: { width: 200 },
    }),
    column.accessor('actor', {
      header: 'Actor',
      cell: (c) => (
        <Badge variant="default" size="sm">
          {TRIGGER_LABEL[c.getValue()]}
        </Badge>
      ),
      meta: { width: 100 },
    }),
    column.accessor('engine', {
      header: 'Engine',
      cell: (c) => {
        const id = c.getValue();
        return id === null ? '—' : (engines.find((e) => e.id === id)?.title ?? id);
      },
      meta: { width: 140 },
    }),
    column.accessor('action', {
      header: 'Action',
      cell: (c) => (
        <Stack gap={0} title={c.getValue()}>
          <Text size="sm" fw={500} lineClamp={2}>
            {actionLabel(c.row.original, engines)}
          </Text>
        </Stack>
      ),
      meta: { width: 240 },
    }),
    column.accessor('subject', {
      header: 'Subject',
      cell: (c) => (
        <Text size="sm" ff="monospace" truncate title={c.getValue()}>
          {c.getValue()}
        </Text>
      ),
    }),
    column.accessor('runId', { header: 'Run', cell: (c) => (c.getValue() === null ? '—' : `#${c.getValue()}`), meta: { width: 80 } }),
  ];
}

/** The audit log; a row expands in place to show what changed, field by field, and the reverts it offers. */
export function AuditTable({ entries }: { entries: AuditEntry[] }) {
  const [expanded, setExpanded] = useState<ExpandedState>({});
  const engines = useAppInfo().data?.engines;
  const columns = useMemo(() => auditColumns(engines ?? []), [engines]);
  const table = useReactTable({
    data: entries,
    columns,
    getCoreRowModel: getCoreRowModel(),
    getRowId: (entry) => String(entry.id),
    getRowCanExpand: () => true,
    state: { expanded },
    onExpandedChange: setExpanded,
    enableSorting: false,
  });
  return (
    <VirtualTable
      table={table}
      label="Audit log"
      testId="audit-table"
      estimateRowHeight={58}
      maxHeight="max(320px, calc(100vh - 330px))"
      minWidth={900}
      rowTestId={(entry) => `audit-row-${entry.id}`}
      onRowActivate={(row) => row.toggleExpanded()}
      renderExpanded={(row) => (
        <Stack gap="xs" py="xs" data-testid={`audit-detail-${row.original.id}`}>
          <Group gap="md">
            <RevertButton entry={row.original} />
            <AuditRunRevert entry={row.original} />
          </Group>
          <Text size="xs" c="dimmed">
            {row.original.action} · {row.original.subject}
          </Text>
          <AuditDiff before={row.original.before} after={row.original.after} />
        </Stack>
      )}
    />
  );
}
