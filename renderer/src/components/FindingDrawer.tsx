import type { Finding } from '@core/api';
import { Drawer, Group, Stack, Text, Title } from '@mantine/core';
import { formatDateTime } from '../lib/format';
import { Facts } from './Facts';
import { FindingActions } from './FindingActions';
import { FindingStatusBadge } from './FindingStatusBadge';
import { JsonBlock } from './JsonBlock';
import { FindingUser } from './FindingUser';
import { EngineName } from './EngineName';
import { useEngineInfo } from '../hooks/useEngineInfo';
import { findingSubjectName } from '../lib/result-summary';

/** Everything one finding says, including the engine's details record. */
export function FindingDrawer({ finding, onClose }: { finding: Finding | null; onClose: () => void }) {
  const ui = useEngineInfo(finding?.engine)?.ui;
  const name = finding ? findingSubjectName(finding.subject, finding.details, ui?.findingName) : '';
  const kind = finding ? ui?.findingKinds[finding.kind] : undefined;
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
              [
                'Subject',
                <Text key="s" size="sm">
                  {name !== finding.subject && `${name} · `}
                  <Text span size="sm" ff="monospace">
                    {finding.subject}
                  </Text>
                </Text>,
              ],
              ['User', <FindingUser key="u" finding={finding} testId="finding-detail-user" />],
              ['Engine', <EngineName key="e" id={finding.engine} />],
              ['Kind', kind ? `${kind} (${finding.kind})` : finding.kind],
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
