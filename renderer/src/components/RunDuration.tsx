import type { Run } from '@core/api';
import { Text } from '@mantine/core';
import { useNow } from '../hooks/useNow';
import { formatDuration, runDuration } from '../lib/format';
import { isActive } from '../lib/run-states';

/** Finished runs show a fixed duration; running ones tick every second. */
export function RunDuration({ run }: { run: Run }) {
  if (isActive(run.state) && run.startedAt) return <TickingDuration startedAt={run.startedAt} />;
  // An interrupted run may have no finish time: show nothing rather than a growing number.
  return <DurationText ms={run.finishedAt ? runDuration(run.startedAt, run.finishedAt) : null} />;
}

function TickingDuration({ startedAt }: { startedAt: string }) {
  const now = useNow(1000);
  return <DurationText ms={runDuration(startedAt, null, now)} />;
}

function DurationText({ ms }: { ms: number | null }) {
  return (
    <Text size="sm" style={{ fontVariantNumeric: 'tabular-nums' }}>
      {ms === null ? '—' : formatDuration(ms)}
    </Text>
  );
}
