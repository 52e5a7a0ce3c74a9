import { Alert, Button, Group, Text } from '@mantine/core';
import { IconShieldExclamation } from '@tabler/icons-react';
import { formatCount } from '../../lib/format';
import type { StorageSummary } from './useStorage';

type Guard = NonNullable<StorageSummary['guardBlocked']>;

/**
 * DESIGN §4.3: an automatic run that would quarantine more than the limit
 * does nothing and leaves the findings for a person. This says so plainly,
 * since a scheduled run that "succeeded" would otherwise look like all is well.
 */
export function GuardBanner({ guard, onShowRun }: { guard: Guard; onShowRun: (runId: number) => void }) {
  return (
    <Alert color="red" variant="light" icon={<IconShieldExclamation size={20} aria-hidden />} title="The safety guard stopped an automatic repair" data-testid="storage-guard-banner" role="alert">
      <Group justify="space-between" align="flex-end" gap="sm" wrap="wrap">
        <Text size="sm" maw={720}>
          Run #{guard.runId} would have quarantined {formatCount(guard.wouldDelete)} file {guard.wouldDelete === 1 ? 'row' : 'rows'}, more than its limit of {formatCount(guard.limit)}, so those rows were left as they are: review the open findings below
          and repair them yourself if they are right.
        </Text>
        <Button size="compact-sm" variant="white" color="red" onClick={() => onShowRun(guard.runId)}>
          Show run #{guard.runId}
        </Button>
      </Group>
    </Alert>
  );
}
