import type { AuditEntry, Finding } from '@core/api';
import { Accordion, Badge, Group, Paper, SimpleGrid, Stack, Text, Title } from '@mantine/core';
import { formatCount } from '../../lib/format';
import { TRIGGER_LABEL } from '../../lib/run-states';
import { FindingBadges } from '../FindingStatusBadge';
import { JsonBlock } from '../JsonBlock';
import { RelativeTime } from '../RelativeTime';
import { RevertButton } from '../RevertButton';
import { STATUS_STYLE } from './SyncStatusBadge';

function More({ shown, total, what }: { shown: number; total: number; what: string }) {
  if (total <= shown) return null;
  return (
    <Text size="xs" c="dimmed">
      The newest {formatCount(shown)} of {formatCount(total)} {what}; the {what === 'findings' ? 'Findings page' : 'Audit log'} has the rest.
    </Text>
  );
}

/** What the identity engine has found about this user, every status, newest first. */
export function UserFindings({ findings, total }: { findings: Finding[]; total: number }) {
  return (
    <Stack gap="xs" data-testid="user-detail-findings">
      <Title order={4} size="h5">
        Findings ({formatCount(total)})
      </Title>
      {findings.length === 0 ? (
        <Text size="sm" c="dimmed">
          No check has reported this user: both sides agreed every time it was compared.
        </Text>
      ) : (
        findings.map((finding) => {
          const kind = STATUS_STYLE[finding.kind as keyof typeof STATUS_STYLE] ?? { label: finding.kind, color: 'gray' };
          return (
            <Paper key={finding.id} withBorder radius="sm" p="xs" data-testid={`user-detail-finding-${finding.id}`}>
              <Stack gap={2}>
                <Group justify="space-between" gap="xs" wrap="nowrap">
                  <Text size="sm" fw={500} miw={0} truncate title={finding.reason}>
                    {finding.reason}
                  </Text>
                  <FindingBadges kind={kind} status={finding.status} />
                </Group>
                <Text size="xs" c="dimmed">
                  Proposed: {finding.proposedAction} · found <RelativeTime iso={finding.createdAt} size="xs" /> by run #{finding.runId}
                </Text>
              </Stack>
            </Paper>
          );
        })
      )}
      <More shown={findings.length} total={total} what="findings" />
    </Stack>
  );
}

/** Every repair and revert of this user, newest first; each opens to its before- and after-image. */
export function UserAudit({ entries, total }: { entries: AuditEntry[]; total: number }) {
  return (
    <Stack gap="xs" data-testid="user-detail-audit">
      <Title order={4} size="h5">
        Audit history ({formatCount(total)})
      </Title>
      {entries.length === 0 ? (
        <Text size="sm" c="dimmed">
          No repair has changed this user yet. Repairs and reverts are listed here with what they changed.
        </Text>
      ) : (
        <Accordion variant="separated" chevronPosition="left" multiple>
          {entries.map((entry) => (
            <Accordion.Item key={entry.id} value={String(entry.id)} data-testid={`user-detail-audit-${entry.id}`}>
              <Accordion.Control>
                <Group justify="space-between" gap="xs" wrap="nowrap">
                  <Text size="sm" ff="monospace" fw={500} truncate>
                    {entry.action}
                  </Text>
                  <Group gap={6} wrap="nowrap" style={{ flexShrink: 0 }}>
                    <Badge size="sm" variant="default">
                      {TRIGGER_LABEL[entry.actor]}
                    </Badge>
                    {entry.runId !== null && (
                      <Text size="xs" c="dimmed">
                        run #{entry.runId}
                      </Text>
                    )}
                    <RelativeTime iso={entry.at} size="xs" c="dimmed" />
                  </Group>
                </Group>
              </Accordion.Control>
              <Accordion.Panel>
                <Stack gap="xs">
                  <RevertButton entry={entry} />
                  <SimpleGrid cols={2} spacing="sm">
                    <Stack gap={4} miw={0}>
                      <Text size="xs" fw={700} tt="uppercase" c="dimmed">
                        Before
                      </Text>
                      <JsonBlock value={entry.before} label="before-image" maxHeight={220} />
                    </Stack>
                    <Stack gap={4} miw={0}>
                      <Text size="xs" fw={700} tt="uppercase" c="dimmed">
                        After
                      </Text>
                      <JsonBlock value={entry.after} label="after-image" maxHeight={220} />
                    </Stack>
                  </SimpleGrid>
                </Stack>
              </Accordion.Panel>
            </Accordion.Item>
          ))}
        </Accordion>
      )}
      <More shown={entries.length} total={total} what="entries" />
    </Stack>
  );
}
