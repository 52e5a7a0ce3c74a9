import { SimpleGrid } from '@mantine/core';
import { IconArchive, IconClockHour4, IconFileAlert, IconPlugConnectedX } from '@tabler/icons-react';
import { formatCount, formatRelative } from '../../lib/format';
import { StatCard } from '../StatCard';
import type { StorageSummary } from './useStorage';

/** The totals over every account: what is open, what is held in quarantine, who must reconnect, and when it was last looked at. */
export function StorageSummaryCards({ summary }: { summary: StorageSummary }) {
  return (
    <SimpleGrid cols={{ base: 1, xs: 2, md: 4 }}>
      <StatCard
        label="Open orphans"
        value={<span data-testid="storage-open-orphans">{formatCount(summary.openOrphans)}</span>}
        hint={<span data-testid="storage-open-trashed">{`${formatCount(summary.openTrashed)} trashed`}</span>}
        icon={IconFileAlert}
        color="orange"
      />
      <StatCard
        label="Quarantined"
        value={<span data-testid="storage-quarantined">{formatCount(summary.quarantined)}</span>}
        hint="restorable for 30 days"
        icon={IconArchive}
        color="violet"
      />
      <StatCard
        label="Needs reconnect"
        value={<span data-testid="storage-needs-reconnect">{formatCount(summary.needsReconnect)}</span>}
        hint={summary.needsReconnect === 1 ? 'account skipped by checks' : 'accounts skipped by checks'}
        icon={IconPlugConnectedX}
        color={summary.needsReconnect ? 'red' : 'gray'}
      />
      <StatCard
        label="Last check"
        value={summary.lastCheckAt ? formatRelative(summary.lastCheckAt) : 'never'}
        hint={<span data-testid="storage-totals">{`${formatCount(summary.accounts)} accounts · ${formatCount(summary.files)} files`}</span>}
        icon={IconClockHour4}
        color="blue"
      />
    </SimpleGrid>
  );
}
