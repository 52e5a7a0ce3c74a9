import type { RunTrigger } from '@core/api';
import { Card, Center, Group, Loader, SegmentedControl, Stack, Text, Title } from '@mantine/core';
import { useState } from 'react';
import { useNow } from '../../hooks/useNow';
import { formatCount, formatDuration } from '../../lib/format';
import { TRIGGER_LABEL } from '../../lib/run-states';
import { RunsChartSvg } from './RunsChartSvg';
import { useRunStats } from './useRunStats';
import { bucketRuns, OUTCOMES, outcomeOf, type Outcome } from './runs-chart-data';

const DAYS = 7;
const OUTCOME_STYLE: Record<Outcome, { label: string; color: string }> = {
  succeeded: { label: 'Succeeded', color: 'var(--mantine-color-teal-6)' },
  partial: { label: 'Partial (some items failed)', color: 'var(--mantine-color-grape-6)' },
  failed: { label: 'Failed', color: 'var(--mantine-color-red-6)' },
  stopped: { label: 'Cancelled or interrupted', color: 'var(--mantine-color-orange-5)' },
  active: { label: 'Running', color: 'var(--mantine-color-blue-5)' },
};

type Filter = 'all' | RunTrigger;

/** Run durations and outcomes over the last 7 days, filtered by who started them. */
export function RunsChart() {
  const [filter, setFilter] = useState<Filter>('all');
  const stats = useRunStats(DAYS, filter === 'all' ? undefined : filter);
  const now = useNow(60_000);
  const runs = stats.data?.runs ?? [];
  const buckets = bucketRuns(runs, { now, days: DAYS });
  const totals = Object.fromEntries(OUTCOMES.map((o) => [o, runs.filter((run) => outcomeOf(run.state) === o).length])) as Record<Outcome, number>;
  const durations = runs.flatMap((run) => (run.durationMs === null ? [] : [run.durationMs]));
  const longest = durations.length ? Math.max(...durations) : null;

  return (
    <Card withBorder padding="md" data-testid="runs-chart">
      <Stack gap="sm">
        <Group justify="space-between" wrap="wrap">
          <Title order={3} size="h4">
            Last 7 days
          </Title>
          <SegmentedControl
            size="xs"
            value={filter}
            onChange={(value) => setFilter(value as Filter)}
            aria-label="Show runs started by"
            data-testid="runs-chart-trigger"
            data={[
              { value: 'all', label: 'All' },
              { value: 'manual', label: TRIGGER_LABEL.manual },
              { value: 'schedule', label: TRIGGER_LABEL.schedule },
              { value: 'cli', label: TRIGGER_LABEL.cli },
            ]}
          />
        </Group>
        {stats.isLoading ? (
          <Center h={220}>
            <Loader size="sm" aria-label="Loading run statistics" />
          </Center>
        ) : runs.length === 0 ? (
          <Center h={120}>
            <Text size="sm" c="dimmed" data-testid="runs-chart-empty">
              {filter === 'all' ? 'No runs in the last 7 days.' : `No ${TRIGGER_LABEL[filter].toLowerCase()} runs in the last 7 days.`}
            </Text>
          </Center>
        ) : (
          <>
            <RunsChartSvg buckets={buckets} styles={OUTCOME_STYLE} summary={`${formatCount(runs.length)} runs: ${OUTCOMES.map((o) => `${totals[o]} ${OUTCOME_STYLE[o].label.toLowerCase()}`).join(', ')}`} />
            <Group gap="lg" wrap="wrap" data-testid="runs-chart-legend">
              {OUTCOMES.filter((o) => totals[o] > 0 || o !== 'active').map((o) => (
                <Group key={o} gap={6} wrap="nowrap">
                  <span aria-hidden style={{ width: 10, height: 10, borderRadius: 2, background: OUTCOME_STYLE[o].color, display: 'inline-block' }} />
                  <Text size="xs">
                    {OUTCOME_STYLE[o].label} {formatCount(totals[o])}
                  </Text>
                </Group>
              ))}
              {longest !== null && (
                <Text size="xs" c="dimmed">
                  Longest {formatDuration(longest)}
                </Text>
              )}
            </Group>
          </>
        )}
      </Stack>
    </Card>
  );
}
