import type { TeamThroughputPoint } from '@core/api';
import { Card, Center, Group, Loader, Select, Stack, Text, Title } from '@mantine/core';
import { useState } from 'react';
import { useAppInfo } from '../../hooks/useAppInfo';
import { formatCount } from '../../lib/format';
import { ThroughputChartSvg } from './ThroughputChartSvg';
import { enginesOf, throughputSlots } from './throughput-data';

interface ThroughputChartProps {
  points: readonly TeamThroughputPoint[] | undefined;
  loading: boolean;
  since: number;
  now: number;
  bucketMinutes: number;
}

/** Jobs completed and failed per hour over the last 24 hours, for all engines or one. */
export function ThroughputChart({ points, loading, since, now, bucketMinutes }: ThroughputChartProps) {
  const [engine, setEngine] = useState<string | null>(null);
  const engines = useAppInfo().data?.engines ?? [];
  const titleOf = (id: string) => engines.find((e) => e.id === id)?.title ?? id;
  const all = points ?? [];
  const slots = throughputSlots(all, { since, now, bucketMinutes, engine });
  const completed = slots.reduce((sum, s) => sum + s.completed, 0);
  const failed = slots.reduce((sum, s) => sum + s.failed, 0);
  const rate = completed + failed ? (100 * failed) / (completed + failed) : 0;

  return (
    <Card withBorder padding="md" data-testid="throughput-chart">
      <Stack gap="sm">
        <Group justify="space-between" wrap="wrap">
          <Title order={3} size="h4">
            Last 24 hours
          </Title>
          <Select
            size="xs"
            w={220}
            aria-label="Engine shown in the charts"
            data-testid="throughput-engine"
            value={engine ?? 'all'}
            onChange={(value) => setEngine(value === 'all' || value === null ? null : value)}
            allowDeselect={false}
            data={[{ value: 'all', label: 'All engines' }, ...enginesOf(all).map((id) => ({ value: id, label: titleOf(id) }))]}
          />
        </Group>
        {loading && !points ? (
          <Center h={200}>
            <Loader size="sm" aria-label="Loading throughput" />
          </Center>
        ) : completed + failed === 0 ? (
          <Center h={120}>
            <Text size="sm" c="dimmed" data-testid="throughput-empty">
              No job finished in the last 24 hours.
            </Text>
          </Center>
        ) : (
          <>
            <ThroughputChartSvg slots={slots} summary={`${formatCount(completed)} jobs completed and ${formatCount(failed)} failed in the last 24 hours`} />
            <Group gap="lg" wrap="wrap" data-testid="throughput-legend">
              <Text size="xs">Completed {formatCount(completed)}</Text>
              <Text size="xs" c={failed ? 'red' : undefined}>
                Failed {formatCount(failed)} ({rate.toFixed(rate && rate < 1 ? 2 : 1)} %)
              </Text>
              <Text size="xs" c="dimmed">
                {formatCount(Math.round(completed / Math.max(1, (now - since) / 3_600_000)))} jobs an hour on average
              </Text>
            </Group>
          </>
        )}
      </Stack>
    </Card>
  );
}
