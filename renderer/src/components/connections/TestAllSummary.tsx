import type { Connection } from '@core/api';
import { Alert, List, Progress, Stack, Text } from '@mantine/core';
import { IconAlertTriangle, IconCircleCheck } from '@tabler/icons-react';
import type { TestAllProgress, TestAllSummary as Summary } from './test-all';

const nameOf = (connections: readonly Connection[], id: number) => connections.find((c) => c.id === id)?.name ?? `Connection ${id}`;

/** While "Test all" runs: which one and how far. After: how many work, and which did not with their message. */
export function TestAllStatus({ progress, summary, connections, onDismiss }: { progress: TestAllProgress | null; summary: Summary | null; connections: readonly Connection[]; onDismiss: () => void }) {
  if (progress)
    return (
      <Stack gap={4} data-testid="test-all-progress" role="status" aria-live="polite">
        <Text size="sm">
          Testing {progress.current === null ? '' : `“${nameOf(connections, progress.current)}” `}({Math.min(progress.done + 1, progress.total)} of {progress.total})…
        </Text>
        <Progress value={(progress.done / Math.max(progress.total, 1)) * 100} size="sm" aria-label="Test all progress" />
      </Stack>
    );
  if (!summary) return null;
  const allOk = summary.failed.length === 0;
  return (
    <Alert
      color={allOk ? 'teal' : 'red'}
      icon={allOk ? <IconCircleCheck aria-hidden /> : <IconAlertTriangle aria-hidden />}
      title={`Tested ${summary.total}: ${summary.ok} ok, ${summary.failed.length} failed`}
      withCloseButton
      closeButtonLabel="Dismiss the test summary"
      onClose={onDismiss}
      role="status"
      data-testid="test-all-summary"
    >
      {allOk ? (
        'Every connection answered with its credentials.'
      ) : (
        <List size="sm" spacing={4}>
          {summary.failed.map((failure) => (
            <List.Item key={failure.id}>
              <Text span fw={600} size="sm">
                {nameOf(connections, failure.id)}
              </Text>
              : {failure.message}
            </List.Item>
          ))}
        </List>
      )}
    </Alert>
  );
}
