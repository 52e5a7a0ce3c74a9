import type { AuditEntry, EngineInfo } from '@core/api';
import { Badge, Group, Stack, Text } from '@mantine/core';
import { IconChevronDown, IconChevronRight } from '@tabler/icons-react';
import { createColumnHelper, getCoreRowModel, useReactTable, type ExpandedState } from '@tanstack/react-table';
import { useMemo, useState } from 'react';
import { useAppInfo } from '../hooks/useAppInfo';
import { formatDateTime } from '../lib/format';
import { TRIGGER_LABEL } from '../lib/run-states';
import { AuditDiff } from './audit/AuditDiff';
import type { AuditRowSpec } from '../lib/audit-diff';
import { AuditRunRevert } from './audit/AuditRunRevert';
import { RelativeTime } from './RelativeTime';
import { RevertButton } from './RevertButton';
import { VirtualTable } from './table/VirtualTable';

const column = createColumnHelper<AuditEntry>();

/** An action's label as its engine declares it (app.info `ui.auditActions`); an undeclared action shows as written. */
function actionLabel(entry: AuditEntry, engines: readonly EngineInfo[]): string {
  return engines.find((e) => e.id === entry.engine)?.ui.auditActions[entry.action] ?? entry.action;
}

/** How the entry's engine reads a batch of rows in this action's images (app.info `ui.auditRows`), if it says. */
function rowSpecOf(engines: readonly EngineInfo[] | undefined, entry: AuditEntry): AuditRowSpec | undefined {
  return engines?.find((e) => e.id === entry.engine)?.ui.auditRows[entry.action];
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
      meta: { width: 36 },
    }),
    column.accessor('at', {
      header: 'Time · actor',
      // Who asked stands under the time: one column less keeps the subject readable at 1024 px.
      cell: (c) => (
        <Stack gap={2}>
          <Text size="sm">{formatDateTime(c.getValue())}</Text>
          <Group gap={6} wrap="nowrap">
            <RelativeTime iso={c.getValue()} size="xs" c="dimmed" />
            <Badge variant="default" size="xs">
              {TRIGGER_LABEL[c.row.original.actor]}
            </Badge>
          </Group>
        </Stack>
      ),
      meta: { width: 190 },
    }),
    column.accessor('action', {
      header: 'Action',
      // The engine stands under the action: one column less keeps the subject readable at 1024 px.
      cell: (c) => {
        const entry = c.row.original;
        return (
          <Stack gap={0} title={c.getValue()}>
            <Text size="sm" fw={500} lineClamp={2}>
              {actionLabel(entry, engines)}
            </Text>
            <Text size="xs" c="dimmed" truncate>
              {entry.engine === null ? 'Console' : (engines.find((e) => e.id === entry.engine)?.title ?? entry.engine)}
            </Text>
          </Stack>
        );
      },
      meta: { width: 250 },
    }),
    column.accessor('subject', {
      header: 'Subject',
      cell: (c) => (
        <Text size="sm" ff="monospace" lineClamp={2} title={c.getValue()} style={{ wordBreak: 'break-all' }}>
          {c.getValue()}
        </Text>
      ),
    }),
    column.accessor('runId', { header: 'Run', cell: (c) => (c.getValue() === null ? '—' : `#${c.getValue()}`), meta: { width: 68 } }),
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
      minWidth={700}
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
          <AuditDiff before={row.original.before} after={row.original.after} spec={rowSpecOf(engines, row.original)} />
        </Stack>
      )}
    />
  );
}
