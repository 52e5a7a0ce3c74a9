import type { AuditEntry } from '@core/api';
import { Badge, SimpleGrid, Stack, Text } from '@mantine/core';
import { IconChevronDown, IconChevronRight } from '@tabler/icons-react';
import { createColumnHelper, getCoreRowModel, useReactTable, type ExpandedState } from '@tanstack/react-table';
import { useState } from 'react';
import { formatDateTime } from '../lib/format';
import { TRIGGER_LABEL } from '../lib/run-states';
import { JsonBlock } from './JsonBlock';
import { RelativeTime } from './RelativeTime';
import { RevertButton } from './RevertButton';
import { VirtualTable } from './table/VirtualTable';

const column = createColumnHelper<AuditEntry>();

const columns = [
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
    meta: { width: 235 },
  }),
  column.accessor('actor', {
    header: 'Actor',
    cell: (c) => (
      <Badge variant="default" size="sm">
        {TRIGGER_LABEL[c.getValue()]}
      </Badge>
    ),
    meta: { width: 110 },
  }),
  column.accessor('engine', { header: 'Engine', cell: (c) => c.getValue() ?? '—', meta: { width: 150 } }),
  column.accessor('action', { header: 'Action', cell: (c) => <Text size="sm" fw={500}>{c.getValue()}</Text>, meta: { width: 180 } }),
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

/** The audit log; a row expands in place to show the before- and after-images. */
export function AuditTable({ entries }: { entries: AuditEntry[] }) {
  const [expanded, setExpanded] = useState<ExpandedState>({});
   
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
        <Stack gap="xs" py="xs">
          <RevertButton entry={row.original} />
          <SimpleGrid cols={{ base: 1, md: 2 }} spacing="md">
            <Stack gap={4}>
              <Text size="xs" fw={700} tt="uppercase" c="dimmed">
                Before
              </Text>
              <JsonBlock value={row.original.before} label="before-image" />
            </Stack>
            <Stack gap={4}>
              <Text size="xs" fw={700} tt="uppercase" c="dimmed">
                After
              </Text>
              <JsonBlock value={row.original.after} label="after-image" />
            </Stack>
          </SimpleGrid>
        </Stack>
      )}
    />
  );
}
