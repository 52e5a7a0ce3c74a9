import type { MailSettingRow } from '@core/api';
import { Badge, Group, Text, Tooltip } from '@mantine/core';
import type { MailUserLine } from './mail-results';

/** A badge wraps its label rather than cutting it: "No Goog…" says nothing. */
const WRAP = { label: { whiteSpace: 'normal', overflow: 'visible' } } as const;

/**
 * What needs the admin: the product's reconnect flag, a user without Google,
 * and the latest import's outcome for this user when it did not import.
 */
export function MailStatus({ row, latest }: { row: MailSettingRow; latest: (MailUserLine & { runId: number }) | undefined }) {
  const badges = [];
  if (row.needsReconnect === null || row.needsReconnect === undefined) badges.push(<Badge key="none" variant="light" color="gray" tt="none" h="auto" py={2} styles={WRAP}>No Google account</Badge>);
  else if (row.needsReconnect) badges.push(<Badge key="rc" variant="light" color="orange" tt="none" h="auto" py={2} styles={WRAP}>Needs reconnect</Badge>);
  const failed = latest && latest.outcome !== 'imported' && latest.outcome !== 'no-account' && !(latest.outcome === 'needs-reconnect' && row.needsReconnect);
  if (failed) {
    badges.push(
      <Tooltip key="err" label={latest.message ?? latest.outcome} withArrow multiline w={320}>
        <Badge variant="light" color="red" tt="none" h="auto" py={2} styles={WRAP} style={{ cursor: 'help' }}>
          {latest.outcome === 'needs-reconnect' ? 'Refused' : 'Failed'} in run #{latest.runId}
        </Badge>
      </Tooltip>,
    );
  }
  if (badges.length === 0) {
    return (
      <Text size="sm" c="dimmed" data-testid={`mail-status-${row.userId}`}>
        OK
      </Text>
    );
  }
  return (
    <Group gap={4} wrap="wrap" data-testid={`mail-status-${row.userId}`}>
      {badges}
    </Group>
  );
}
