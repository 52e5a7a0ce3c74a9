import type { MediaBudget } from '@core/api';
import { Group, Paper, Progress, Stack, Text } from '@mantine/core';
import { useNow } from '../../hooks/useNow';
import { formatCount, formatDateTime, formatRelative } from '../../lib/format';

/** The Cloudinary Admin API budget as the last answer reported it (the page itself spends none). */
export function BudgetCard({ budget }: { budget: MediaBudget | null }) {
  const now = useNow();
  const expired = budget ? Date.parse(budget.resetAt) <= now : false;
  const percent = budget && budget.limit > 0 ? Math.round((budget.remaining / budget.limit) * 100) : 0;
  return (
    <Paper withBorder radius="md" p="md" data-testid="media-budget">
      <Stack gap={6}>
        <Text size="xs" c="dimmed" tt="uppercase" fw={700}>
          Cloudinary API budget
        </Text>
        {budget ? (
          <>
            <Group gap="xs" align="baseline">
              <Text fw={700} size="xl" data-testid="media-budget-remaining">
                {formatCount(budget.remaining)}
              </Text>
              <Text size="sm" c="dimmed">
                of {formatCount(budget.limit)} calls left this hour
              </Text>
            </Group>
            <Progress value={percent} color={percent < 10 ? 'red' : percent < 30 ? 'yellow' : 'teal'} aria-label={`${percent}% of the hourly API budget left`} />
            <Text size="xs" c="dimmed" title={formatDateTime(budget.resetAt)}>
              {expired ? 'Refilled since' : 'Refills'} {formatRelative(budget.resetAt, now)} · reported {formatRelative(budget.observedAt, now)}
            </Text>
          </>
        ) : (
          <Text size="sm" c="dimmed">
            Not known yet: a check reads it from Cloudinary’s answers.
          </Text>
        )}
      </Stack>
    </Paper>
  );
}
