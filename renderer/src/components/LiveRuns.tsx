import { Button, Group, Stack, Text } from '@mantine/core';
import { useLiveState, useLiveStore } from '../hooks/live-context';
import { selectFinished } from '../hooks/live-store';
import { useActiveRuns } from '../hooks/useActiveRuns';
import { RunProgressBar } from './RunProgressBar';

/**
 * Runs in progress, then the ones that finished while this window was open
 * (kept until dismissed, so a fast run is not gone before anyone saw it end;
 * drawn compact, since they no longer move).
 */
export function LiveRuns({ compact = false, emptyText }: { compact?: boolean; emptyText: string }) {
  const { runs } = useActiveRuns();
  const finished = selectFinished(useLiveState());
  const store = useLiveStore();
  if (runs.length === 0 && finished.length === 0) {
    return (
      <Text size="sm" c="dimmed">
        {emptyText}
      </Text>
    );
  }
  return (
    <Stack gap="sm">
      {runs.map((run) => (
        <RunProgressBar key={run.id} run={run} compact={compact} />
      ))}
      {finished.map((run) => (
        <RunProgressBar key={run.id} run={run} compact onDismiss={() => store.dismissFinished(run.id)} />
      ))}
      {finished.length > 1 && (
        <Group justify="flex-end">
          <Button variant="subtle" size="compact-sm" color="gray" onClick={() => store.dismissFinished()}>
            Clear {finished.length} finished
          </Button>
        </Group>
      )}
    </Stack>
  );
}
