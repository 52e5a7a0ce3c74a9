import type { Finding } from '@core/api';
import { Button, Group, Paper, SegmentedControl, Stack, Text } from '@mantine/core';
import { IconArchive } from '@tabler/icons-react';
import type { SortingState } from '@tanstack/react-table';
import { useState } from 'react';
import { useApiQuery } from '../../hooks/useApi';
import { formatCount } from '../../lib/format';
import { isSortKey } from '../../lib/findings';
import { TablePager } from '../table/TablePager';
import { QuarantineModal } from './QuarantineModal';
import { canRepair, storageFindingView } from './storage-findings';
import { StorageFindingsTable } from './StorageFindingsTable';
import { confirmed, STORAGE_ENGINE, useRestorability, useRestoreFinding, type StorageRepairChoice } from './useStorage';

const VIEWS = [
  { value: 'open', label: 'Open' },
  { value: 'quarantined', label: 'Quarantined' },
  { value: 'restored', label: 'Restored' },
] as const;
type View = (typeof VIEWS)[number]['value'];

const EMPTY: Record<View, string> = {
  open: 'Nothing open: every checked file row still has its file. Check all looks again.',
  quarantined: 'No row is in quarantine. Repairing a finding puts its row here, restorable for 30 days.',
  restored: 'No quarantined row has been restored. A restored row stays out of automatic repairs.',
};

interface StorageFindingsSectionProps {
  busy: boolean;
  repair: (choice: StorageRepairChoice) => void;
}

/**
 * The storage-orphans findings by status: open ones to repair (one by one,
 * selected, or all, each repair confirmed with its count), quarantined
 * ones to restore.
 */
export function StorageFindingsSection({ busy, repair }: StorageFindingsSectionProps) {
  const [view, setView] = useState<View>('open');
  const [sorting, setSorting] = useState<SortingState>([{ id: 'createdAt', desc: true }]);
  const [page, setPage] = useState({ offset: 0, limit: 50 });
  const [selected, setSelected] = useState<ReadonlySet<number>>(new Set());
  // The repair waiting for its confirmation, with the words that say whose rows it takes.
  const [confirm, setConfirm] = useState<{ choice: StorageRepairChoice; scope?: string } | null>(null);
  const sortKey = sorting[0] && isSortKey(sorting[0].id) ? sorting[0].id : 'createdAt';
  const findings = useApiQuery(
    'findings.list',
    { engine: STORAGE_ENGINE, status: view, sort: sortKey, direction: sorting[0]?.desc === false ? 'asc' : 'desc', ...page },
    { keepPrevious: true },
  );
  const restore = useRestoreFinding();
  const restorability = useRestorability();
  const restoring = restore.isPending ? (restore.variables?.findingId ?? null) : null;
  const items = findings.data?.items ?? [];
  const total = findings.data?.total ?? 0;
  // A selection only means something among the rows on screen that can still be repaired.
  const chosen = items.filter((finding) => selected.has(finding.id) && canRepair(finding)).map((finding) => finding.id);
  const toggle = (finding: Finding) =>
    setSelected((current) => {
      const next = new Set(current);
      if (next.has(finding.id)) next.delete(finding.id);
      else next.add(finding.id);
      return next;
    });
  const confirmCount = confirm === null ? 0 : 'findingIds' in confirm.choice ? confirm.choice.findingIds.length : total;

  return (
    <Stack gap="xs">
      <Group justify="space-between" gap="sm" wrap="wrap">
        <SegmentedControl
          aria-label="Findings by status"
          value={view}
          onChange={(value) => {
            setView(value as View);
            setPage((current) => ({ ...current, offset: 0 }));
            setSelected(new Set());
          }}
          data={VIEWS.map((v) => ({ value: v.value, label: v.label }))}
          data-testid="storage-findings-view"
        />
        {view === 'open' && (
          <Group gap="xs">
            <Button variant="default" leftSection={<IconArchive size={16} aria-hidden />} disabled={chosen.length === 0 || busy} onClick={() => setConfirm({ choice: { findingIds: chosen }, scope: 'you selected' })} data-testid="storage-repair-selected">
              Quarantine selected{chosen.length ? ` (${formatCount(chosen.length)})` : ''}
            </Button>
            <Button color="violet" leftSection={<IconArchive size={16} aria-hidden />} disabled={total === 0 || busy} onClick={() => setConfirm({ choice: { all: true } })} data-testid="storage-repair-all">
              Quarantine all{total ? ` (${formatCount(total)})` : ''}
            </Button>
          </Group>
        )}
      </Group>
      {findings.isLoading ? null : items.length === 0 ? (
        <Paper withBorder p="md" radius="md">
          <Text size="sm" c="dimmed" data-testid="storage-findings-empty">
            {EMPTY[view]}
          </Text>
        </Paper>
      ) : (
        <>
          <StorageFindingsTable
            findings={items}
            sorting={sorting}
            onSortingChange={(next) => {
              setSorting(next);
              setPage((current) => ({ ...current, offset: 0 }));
            }}
            selected={selected}
            onToggle={toggle}
            busy={busy}
            restoring={restoring}
            onRepair={(finding) => setConfirm({ choice: { findingIds: [finding.id] }, scope: `of “${storageFindingView(finding).fileName}”${finding.userEmail ? ` (${finding.userEmail})` : ''}` })}
            onRestore={(finding) => restore.mutate({ findingId: finding.id })}
          />
          {total > page.limit && <TablePager total={total} offset={page.offset} limit={page.limit} onChange={setPage} noun="findings" />}
        </>
      )}
      <QuarantineModal
        opened={confirm !== null}
        count={confirmCount}
        scope={confirm?.scope}
        problems={restorability.problems}
        retentionDays={restorability.retentionDays}
        onClose={() => setConfirm(null)}
        onConfirm={(allowUnrestorable) => {
          if (confirm) repair(confirmed(confirm.choice, allowUnrestorable));
          setConfirm(null);
          setSelected(new Set());
        }}
      />
    </Stack>
  );
}
