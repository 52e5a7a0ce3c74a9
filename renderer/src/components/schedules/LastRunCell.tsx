import type { Schedule } from '@core/api';
import { Anchor, Group, Text } from '@mantine/core';
import { Link } from 'wouter';
import { RelativeTime } from '../RelativeTime';
import { RunStateBadge } from '../RunStateBadge';

/** The latest run of a schedule and its state; a skipped firing is said, since it explains a gap. */
export function LastRunCell({ schedule }: { schedule: Schedule }) {
  const { lastRun, lastFiring } = schedule;
  if (!lastRun) {
    return (
      <Text size="sm" c="dimmed">
        Not run yet
      </Text>
    );
  }
  const skipped = lastFiring?.outcome === 'skipped' && lastFiring.at > lastRun.at;
  return (
    <Group gap={6} wrap="wrap">
      <Anchor component={Link} href={`/runs?run=${lastRun.runId}`} aria-label={`Run ${lastRun.runId}, ${lastRun.state}`}>
        <RunStateBadge state={lastRun.state} testId={`schedule-last-${schedule.id}`} />
      </Anchor>
      <RelativeTime iso={lastRun.at} size="sm" />
      {skipped && (
        <Text size="xs" c="dimmed" title={lastFiring.message ?? undefined}>
          (last firing skipped)
        </Text>
      )}
    </Group>
  );
}
