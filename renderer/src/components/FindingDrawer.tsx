import type { Finding } from '@core/api';
import { Drawer, Group, Stack, Text, Title } from '@mantine/core';
import { formatDateTime } from '../lib/format';
import { Facts } from './Facts';
import { FindingActions } from './FindingActions';
import { FindingStatusBadge } from './FindingStatusBadge';
import { JsonBlock } from './JsonBlock';
import { FindingUser } from './FindingUser';

/** Everything one finding says, including the engine's details record. */
export function FindingDrawer({ finding, onClose }: { finding: Finding | null; onClose: () => void }) {
  return (
    <Drawer
      opened={finding !== null}
      onClose={onClose}
      position="right"
      size="lg"
      title={
        <Group gap="sm">
          <Text fw={700} size="lg">
            Finding #{finding?.id}
          </Text>
          {finding && <FindingStatusBadge status={finding.status} />}
        </Group>
      }
    >
      {finding && (
        <Stack gap="lg">
          <Stack gap={4}>
            <Text fw={600}>{finding.reason}</Text>
            <Text size="sm" c="dimmed">
              Proposed action: {finding.proposedAction}
            </Text>
          </Stack>
          <FindingActions finding={finding} onDone={onClose} />
          <Facts
            items={[
              ['Subject', <Text key="s" size="sm" ff="monospace">{finding.subject}</Text>],
              ['User', <FindingUser key="u" finding={finding} testId="finding-detail-user" />],
              ['Engine', finding.engine],
              ['Kind', finding.kind],
              ['Found by run', `#${finding.runId}`],
              ['Found', formatDateTime(finding.createdAt)],
              ['Updated', formatDateTime(finding.updatedAt)],
            ]}
          />
          <Stack gap="xs">
            <Title order={4} size="h5">
              Details
            </Title>
            <JsonBlock value={finding.details} label="details" maxHeight={420} />
          </Stack>
        </Stack>
      )}
    </Drawer>
  );
}
