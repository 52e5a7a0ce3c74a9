import type { MailSettingRow } from '@core/api';
import { Button, Center, Loader, Stack, Switch, Table, Text, VisuallyHidden } from '@mantine/core';
import { useState } from 'react';
import { useApiQuery } from '../../hooks/useApi';
import { formatCount } from '../../lib/format';
import { RelativeTime } from '../RelativeTime';
import { TablePager } from '../table/TablePager';
import { MailIntervalInput } from './MailIntervalInput';
import { MailStatus } from './MailStatus';
import { MailUserCell } from './MailUserCell';
import type { MailUserLine } from './mail-results';
import { useMailSettingsUpdate } from './useMail';

interface Props {
  latest: ReadonlyMap<string, MailUserLine & { runId: number }>;
  busyUsers: ReadonlySet<string>;
  onImport: (userId: string) => void;
  onPreview: (userId: string) => void;
}

/**
 * Each user's Gmail import as the product database holds it, editable: the
 * switch and the interval are the product's own (the user's setting in the
 * product); the cursor, last import and count are what imports left.
 */
export function MailUsersTable({ latest, busyUsers, onImport, onPreview }: Props) {
  const [page, setPage] = useState({ offset: 0, limit: 25 });
  const query = useApiQuery('mail.settings', page, { keepPrevious: true });
  const update = useMailSettingsUpdate();
  const saving = update.isPending ? update.variables?.userId : undefined;
  if (query.isLoading) {
    return (
      <Center py="md">
        <Loader size="sm" aria-label="Loading mail settings" />
      </Center>
    );
  }
  if (query.isError) {
    return (
      <Text size="sm" c="dimmed" data-testid="mail-settings-unavailable">
        The mail settings could not be read from the product database: {query.error.message} Check the product database connection on the Connections page.
      </Text>
    );
  }
  const data = query.data;
  if (!data || data.total === 0) {
    return (
      <Text size="sm" c="dimmed" data-testid="mail-settings-empty">
        No user has Gmail import settings in the product database yet. They appear here as soon as users turn mail import on in the product.
      </Text>
    );
  }
  const row = (r: MailSettingRow) => {
    const who = r.email ?? r.userId;
    const busy = busyUsers.has(r.userId);
    return (
      <Table.Tr key={r.userId} data-testid={`mail-row-${r.userId}`}>
        <Table.Td maw={240}>
          <MailUserCell userId={r.userId} email={r.email} name={r.name} />
        </Table.Td>
        <Table.Td>
          <Switch
            checked={r.enabled}
            onChange={(event) => update.mutate({ userId: r.userId, enabled: event.currentTarget.checked })}
            disabled={saving === r.userId}
            aria-label={`Mail import for ${who}`}
            data-testid={`mail-enabled-${r.userId}`}
          />
        </Table.Td>
        <Table.Td>
          <MailIntervalInput userId={r.userId} label={`Import interval for ${who}, minutes`} value={r.intervalMinutes} disabled={saving === r.userId} onSave={(intervalMinutes) => update.mutate({ userId: r.userId, intervalMinutes })} />
        </Table.Td>
        <Table.Td>
          <RelativeTime iso={r.lastImportAt} size="sm" />
          <Text size="xs" c="dimmed" truncate="end" maw={140} title={r.historyId ? `Gmail history cursor ${r.historyId}` : "No import finished yet: the first one reads the last 30 days"} data-testid={`mail-cursor-${r.userId}`}>
            {r.historyId ? (
              <>
                cursor <Text span ff="monospace" inherit>{r.historyId}</Text>
              </>
            ) : (
              'no cursor yet'
            )}
          </Text>
        </Table.Td>
        <Table.Td ta="right">
          <Text size="sm" data-testid={`mail-imported-${r.userId}`}>
            {formatCount(r.importedCount ?? 0)}
          </Text>
        </Table.Td>
        <Table.Td miw={110}>
          <MailStatus row={r} latest={latest.get(r.userId)} />
        </Table.Td>
        <Table.Td>
          <Stack gap={4} align="flex-start">
            <Button size="compact-xs" variant="light" onClick={() => onImport(r.userId)} loading={busy} aria-label={`Import now for ${who}`} data-testid={`mail-import-${r.userId}`}>
              Import now
            </Button>
            <Button size="compact-xs" variant="subtle" onClick={() => onPreview(r.userId)} disabled={busy} aria-label={`Preview for ${who}`} data-testid={`mail-preview-${r.userId}`}>
              Preview
            </Button>
          </Stack>
        </Table.Td>
      </Table.Tr>
    );
  };
  return (
    <Stack gap="xs">
      <Table.ScrollContainer minWidth={720}>
        <Table striped verticalSpacing={6} data-testid="mail-users" aria-label="Gmail import per user">
          <Table.Thead>
            <Table.Tr>
              <Table.Th scope="col">User</Table.Th>
              <Table.Th scope="col">Import</Table.Th>
              <Table.Th scope="col">Every</Table.Th>
              <Table.Th scope="col">Last import</Table.Th>
              <Table.Th scope="col" ta="right">
                Imported
              </Table.Th>
              <Table.Th scope="col">Status</Table.Th>
              <Table.Th scope="col">
                <VisuallyHidden>Actions</VisuallyHidden>
              </Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>{data.items.map(row)}</Table.Tbody>
        </Table>
      </Table.ScrollContainer>
      <TablePager total={data.total} offset={page.offset} limit={page.limit} onChange={setPage} noun="users" />
    </Stack>
  );
}
