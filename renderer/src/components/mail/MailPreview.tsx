import type { Run } from '@core/api';
import { Card, Group, Stack, Table, Text } from '@mantine/core';
import { formatCount } from '../../lib/format';
import { RelativeTime } from '../RelativeTime';
import { RunStateBadge } from '../RunStateBadge';
import { previewTotals, userLines } from './mail-results';

/** The latest Preview (a mail-import check): what an import started now would bring in. It wrote nothing. */
export function MailPreview({ run }: { run: Run | null }) {
  if (!run) {
    return (
      <Text size="sm" c="dimmed" data-testid="mail-preview-empty">
        No preview yet. Preview reads each mailbox as an import would and counts the new messages, without writing anything.
      </Text>
    );
  }
  const totals = previewTotals(run);
  const lines = userLines(run);
  const scope = run.params.user ? `user ${String(run.params.user)}` : 'every user whose import is on';
  return (
    <Card withBorder padding="sm" data-testid="mail-preview">
      <Stack gap="xs">
        <Group justify="space-between" wrap="wrap" gap="xs">
          <Text size="sm">
            Preview #{run.id} of {scope}, <RelativeTime iso={run.finishedAt ?? run.startedAt} size="sm" span />
          </Text>
          <RunStateBadge state={run.state} />
        </Group>
        <Text size="sm" data-testid="mail-preview-totals">
          <b>{formatCount(totals.wouldImport)}</b> new message{totals.wouldImport === 1 ? '' : 's'} would be imported for {formatCount(totals.users)} user{totals.users === 1 ? '' : 's'}
          {totals.skipped > 0 && `, ${formatCount(totals.skipped)} already imported or spam`}
          {totals.needsReconnect > 0 && `, ${formatCount(totals.needsReconnect)} must reconnect Google`}
          {totals.failed > 0 && `, ${formatCount(totals.failed)} could not be read`}.
        </Text>
        {lines.length > 0 && (
          <Table.ScrollContainer minWidth={420} maw={720}>
            <Table verticalSpacing={4} aria-label="Preview per user">
              <Table.Tbody>
                {lines.map((line) => (
                  <Table.Tr key={line.userId}>
                    <Table.Td>
                      <Text size="sm" title={`User id ${line.userId}`}>
                        {line.email ?? line.userId}
                      </Text>
                    </Table.Td>
                    <Table.Td ta="right" data-testid={`mail-preview-count-${line.userId}`}>
                      <Text size="sm">{line.outcome === 'checked' ? `${formatCount(line.count)} new` : line.outcome}</Text>
                    </Table.Td>
                    <Table.Td>
                      <Text size="xs" c="dimmed" lineClamp={1} title={line.message ?? undefined}>
                        {line.message ?? ''}
                      </Text>
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        )}
      </Stack>
    </Card>
  );
}
