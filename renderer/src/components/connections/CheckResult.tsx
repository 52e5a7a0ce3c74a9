import type { ConnectionCheckResult } from '@core/api';
import { Badge, Group, List, Loader, Stack, Text } from '@mantine/core';
import { IconCircleCheck, IconCircleDashed, IconCircleX } from '@tabler/icons-react';
import { RelativeTime } from '../RelativeTime';
import { checkLabel } from './check-status';

/**
 * The last test of a connection: a badge, the service's own message (a failed
 * test is only useful with the words the service used), and each problem by name.
 */
export function CheckResult({ check, testing, testId }: { check: ConnectionCheckResult | null; testing: boolean; testId: string }) {
  if (testing) {
    return (
      <Group gap="xs" data-testid={testId} data-status="testing" aria-live="polite">
        <Loader size={14} aria-hidden />
        <Text size="sm" c="dimmed">
          Testing…
        </Text>
      </Group>
    );
  }
  if (!check) {
    return (
      <Group gap="xs" data-testid={testId} data-status="untested">
        <Badge variant="default" leftSection={<IconCircleDashed size={12} aria-hidden />}>
          Not tested
        </Badge>
        <Text size="sm" c="dimmed">
          Press Test to check the settings with one cheap call.
        </Text>
      </Group>
    );
  }
  const Icon = check.ok ? IconCircleCheck : IconCircleX;
  return (
    <Stack gap={4} data-testid={testId} data-status={check.ok ? 'ok' : 'failed'} aria-live="polite">
      <Group gap="xs" wrap="nowrap" align="center">
        <Badge color={check.ok ? 'teal' : 'red'} variant="light" leftSection={<Icon size={12} aria-hidden />} style={{ flexShrink: 0 }}>
          {check.ok ? 'OK' : checkLabel(check.status)}
        </Badge>
        <Text size="xs" c="dimmed">
          tested <RelativeTime iso={check.at} size="xs" c="dimmed" />
        </Text>
      </Group>
      <Text size="sm" c={check.ok ? undefined : 'red'} style={{ overflowWrap: 'anywhere' }}>
        {check.message}
      </Text>
      {check.problems && check.problems.length > 0 && (
        <List size="sm" spacing={2} aria-label="Problems">
          {check.problems.map((problem) => (
            <List.Item key={problem}>{problem}</List.Item>
          ))}
        </List>
      )}
    </Stack>
  );
}
