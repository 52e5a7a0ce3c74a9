import type { IdentitySummary } from '@core/api';
import { Group, Paper, Progress, SimpleGrid, Stack, Text } from '@mantine/core';
import { IconAlertTriangle, IconCircleCheck, IconUsers } from '@tabler/icons-react';
import { formatCount, formatRelative } from '../../lib/format';
import { StatCard } from '../StatCard';
import { STATUS_ORDER, STATUS_STYLE } from './SyncStatusBadge';

/** Totals of the sync table and the share in sync as a bar. */
export function UsersOverview({ summary }: { summary: IdentitySummary }) {
  const truth = summary.sourceOfTruth === 'supabase' ? 'Supabase Auth' : 'the users table';
  return (
    <Stack gap="sm" data-testid="users-overview">
      <SimpleGrid cols={{ base: 1, sm: 3 }} spacing="md">
        <StatCard label="Users" value={formatCount(summary.total)} icon={IconUsers} color="blue" testId="users-total" />
        <StatCard label="In sync" value={formatCount(summary.inSync)} icon={IconCircleCheck} color="teal" testId="users-in-sync" />
        <StatCard label="Issues" value={formatCount(summary.issues)} icon={IconAlertTriangle} color={summary.issues ? 'red' : 'gray'} testId="users-issues" />
      </SimpleGrid>
      <Paper withBorder radius="md" p="md">
        <Stack gap={6}>
          <Group justify="space-between" gap="xs">
            <Text size="sm" fw={600}>
              {summary.percentInSync.toFixed(1)} % in sync
            </Text>
            <Text size="xs" c="dimmed">
              Checked {formatRelative(summary.checkedAt)} · source of truth: {truth}
            </Text>
          </Group>
          <Progress
            value={summary.percentInSync}
            color="teal"
            size="lg"
            aria-label={`${summary.percentInSync.toFixed(1)} % of users in sync`}
            data-testid="users-percent"
          />
          <Group gap="lg">
            {STATUS_ORDER.filter((s) => s !== 'in-sync').map((status) => (
              <Text key={status} size="xs" c="dimmed">
                {STATUS_STYLE[status].label}:{' '}
                <Text span size="xs" fw={600} c="var(--mantine-color-text)">
                  {formatCount(summary.counts[status])}
                </Text>
              </Text>
            ))}
          </Group>
        </Stack>
      </Paper>
    </Stack>
  );
}
