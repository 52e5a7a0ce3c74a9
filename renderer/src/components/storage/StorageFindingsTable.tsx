import type { Finding } from '@core/api';
import { Badge, Button, Checkbox, Stack, Text, VisuallyHidden } from '@mantine/core';
import { IconArchive, IconArrowBackUp } from '@tabler/icons-react';
import { createColumnHelper, type SortingState } from '@tanstack/react-table';
import { formatBytes, formatDate, formatDateTime } from '../../lib/format';
import { FindingStatusBadge } from '../FindingStatusBadge';
import { RelativeTime } from '../RelativeTime';
import { useHostSortedTable } from '../table/useHostSortedTable';
import { VirtualTable } from '../table/VirtualTable';
import { ProviderLabel } from './ProviderLabel';
import { KIND_STYLE, canRepair, canRestore, storageFindingView } from './storage-findings';

const column = createColumnHelper<Finding>();
const unsorted = { enableSorting: false } as const;

interface StorageFindingsTableProps {
  findings: Finding[];
  sorting: SortingState;
  onSortingChange: (sorting: SortingState) => void;
  selected: ReadonlySet<number>;
  onToggle: (finding: Finding) => void;
  busy: boolean;
  /** The finding whose restore is in flight. */
  restoring: number | null;
  onRepair: (finding: Finding) => void;
  onRestore: (finding: Finding) => void;
}

/** storage-orphans findings, one page at a time, sorted by the host; each row has its own Quarantine (confirmed first) or Restore. */
export function StorageFindingsTable(props: StorageFindingsTableProps) {
  const { findings, sorting, onSortingChange, selected, onToggle, busy, restoring, onRepair, onRestore } = props;
  const columns = [
    column.display({
      id: 'select',
      header: () => <VisuallyHidden>Select</VisuallyHidden>,
      cell: (c) => {
        const finding = c.row.original;
        const file = storageFindingView(finding).fileName;
        return canRepair(finding) ? (
          <Checkbox size="xs" checked={selected.has(finding.id)} onChange={() => onToggle(finding)} aria-label={`Select ${file}`} data-testid={`storage-select-${finding.id}`} />
        ) : null;
      },
      meta: { width: 44 },
      ...unsorted,
    }),
    column.accessor('subject', {
      header: 'File',
      cell: (c) => {
        const view = storageFindingView(c.row.original);
        return (
          <Stack gap={0} miw={0}>
            <Text size="sm" fw={500} truncate title={view.fileName}>
              {view.fileName}
            </Text>
            <Text size="xs" c="dimmed" truncate>
              {c.row.original.userEmail ?? view.userId ?? 'no user'}
              {view.size !== null ? ` · ${formatBytes(view.size)}` : ''}
            </Text>
          </Stack>
        );
      },
      // The subject is "file:<row id>": sorting by it would not sort by file name.
      ...unsorted,
    }),
    column.display({ id: 'provider', header: 'Provider', cell: (c) => <ProviderLabel provider={storageFindingView(c.row.original).provider} />, meta: { width: 140 }, ...unsorted }),
    column.accessor('kind', {
      header: 'Kind',
      cell: (c) => {
        const kind = KIND_STYLE[c.getValue()] ?? { label: c.getValue(), color: 'gray' };
        return (
          <Badge size="sm" variant="light" color={kind.color}>
            {kind.label}
          </Badge>
        );
      },
      meta: { width: 100 },
    }),
    column.accessor('reason', {
      header: 'Reason',
      cell: (c) => (
        <Text size="sm" truncate title={c.getValue()}>
          {c.getValue()}
        </Text>
      ),
      ...unsorted,
    }),
    column.accessor('createdAt', { header: 'Found', cell: (c) => <RelativeTime iso={c.getValue()} size="sm" />, meta: { width: 110 } }),
    column.accessor('status', {
      header: 'Status',
      cell: (c) => {
        const finding = c.row.original;
        const { purgeAfter, purgedAt } = storageFindingView(finding);
        // The quarantine's end is the admin's deadline for an undo; after the purge there is none.
        const note = purgedAt ? `purged ${formatDate(purgedAt)}` : canRestore(finding) && purgeAfter ? `restorable until ${formatDate(purgeAfter)}` : null;
        return (
          <Stack gap={2} miw={0}>
            <FindingStatusBadge status={c.getValue()} />
            {note && (
              <Text size="xs" c="dimmed" truncate title={formatDateTime(purgedAt ?? purgeAfter ?? '')} data-testid={`storage-finding-note-${finding.id}`}>
                {note}
              </Text>
            )}
          </Stack>
        );
      },
      meta: { width: 200 },
    }),
    column.display({
      id: 'action',
      header: () => <VisuallyHidden>Action</VisuallyHidden>,
      cell: (c) => {
        const finding = c.row.original;
        const file = storageFindingView(finding).fileName;
        if (canRestore(finding)) {
          return (
            <Button
              size="compact-sm"
              variant="light"
              color="blue"
              leftSection={<IconArrowBackUp size={14} aria-hidden />}
              loading={restoring === finding.id}
              disabled={restoring !== null && restoring !== finding.id}
              onClick={() => onRestore(finding)}
              aria-label={`Restore ${file}`}
              data-testid={`storage-restore-${finding.id}`}
            >
              Restore
            </Button>
          );
        }
        if (canRepair(finding)) {
          return (
            <Button
              size="compact-sm"
              variant="light"
              color="violet"
              leftSection={<IconArchive size={14} aria-hidden />}
              disabled={busy}
              onClick={() => onRepair(finding)}
              aria-label={`Quarantine the row of ${file}`}
              data-testid={`storage-repair-${finding.id}`}
            >
              Quarantine
            </Button>
          );
        }
        return null;
      },
      meta: { width: 135, align: 'right' },
      ...unsorted,
    }),
  ];
  const table = useHostSortedTable({ data: findings, columns, getRowId: (finding) => String(finding.id), sorting, onSortingChange });
  return (
    <VirtualTable
      table={table}
      label="Storage findings"
      testId="storage-findings"
      maxHeight="max(320px, calc(100vh - 420px))"
      minWidth={960}
      estimateRowHeight={55}
      rowTestId={(finding) => `storage-finding-${finding.id}`}
    />
  );
}
