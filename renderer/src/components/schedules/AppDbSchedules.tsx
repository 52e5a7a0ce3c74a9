import type { Schedule } from '@core/api';
import { Stack, Text } from '@mantine/core';
import { useState } from 'react';
import { TablePager } from '../table/TablePager';
import { SchedulesTable } from './SchedulesTable';

interface AppDbSchedulesProps {
  schedules: readonly Schedule[];
  engineTitle: (id: string) => string;
  busyIds: ReadonlySet<number>;
  onRunNow: (schedule: Schedule) => void;
  pausedIndefinitely: boolean;
}

/**
 * Per-user schedules derived from the product database (mail settings, storage
 * auto-sync). They can number in the thousands, so they are paged; they are
 * read-only because the product's users own them.
 */
export function AppDbSchedules({ schedules, engineTitle, busyIds, onRunNow, pausedIndefinitely }: AppDbSchedulesProps) {
  const [page, setPage] = useState({ offset: 0, limit: 25 });
  if (schedules.length === 0) {
    return (
      <Text size="sm" c="dimmed" data-testid="app-db-schedules-empty">
        No per-user schedules: none of the product's users has turned on storage auto-sync or mail import, or the product database is not connected yet.
      </Text>
    );
  }
  const offset = Math.min(page.offset, Math.max(0, schedules.length - 1));
  return (
    <Stack gap="xs">
      <SchedulesTable
        schedules={schedules.slice(offset, offset + page.limit)}
        engineTitle={engineTitle}
        readOnly
        busyIds={busyIds}
        onRunNow={onRunNow}
        pausedIndefinitely={pausedIndefinitely}
        label="Per-user schedules from the product database"
        testId="app-db-schedules"
      />
      {schedules.length > 25 && <TablePager total={schedules.length} offset={offset} limit={page.limit} onChange={setPage} noun="per-user schedules" />}
    </Stack>
  );
}
