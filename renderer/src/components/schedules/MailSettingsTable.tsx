import { Badge, Center, Loader, Stack, Table, Text } from '@mantine/core';
import { useState } from 'react';
import { useApiQuery } from '../../hooks/useApi';
import { RelativeTime } from '../RelativeTime';
import { TablePager } from '../table/TablePager';

/**
 * Each user's Gmail import settings, exactly as the product database holds
 * them: the product's users change them there, the scheduler follows within a minute.
 */
export function MailSettingsTable() {
  const [page, setPage] = useState({ offset: 0, limit: 25 });
  const query = useApiQuery('mail.settings', page, { keepPrevious: true });
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
  return (
    <Stack gap="xs">
      <Table.ScrollContainer minWidth={640}>
        <Table striped verticalSpacing={6} data-testid="mail-settings" aria-label="Gmail import settings per user">
          <Table.Thead>
            <Table.Tr>
              <Table.Th scope="col">User</Table.Th>
              <Table.Th scope="col">Import</Table.Th>
              <Table.Th scope="col">Every</Table.Th>
              <Table.Th scope="col">History cursor</Table.Th>
              <Table.Th scope="col">Last import</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {data.items.map((row) => (
              <Table.Tr key={row.userId}>
                <Table.Td>
                  <Text size="sm">{row.email ?? row.userId}</Text>
                </Table.Td>
                <Table.Td>
                  <Badge variant="light" color={row.enabled ? 'teal' : 'gray'}>
                    {row.enabled ? 'On' : 'Off'}
                  </Badge>
                </Table.Td>
                <Table.Td>
                  <Text size="sm">{row.intervalMinutes} min</Text>
                </Table.Td>
                <Table.Td>
                  <Text size="sm" ff="monospace" c={row.historyId ? undefined : 'dimmed'}>
                    {row.historyId ?? 'first import pending'}
                  </Text>
                </Table.Td>
                <Table.Td>
                  <RelativeTime iso={row.lastImportAt} size="sm" />
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
      <TablePager total={data.total} offset={page.offset} limit={page.limit} onChange={setPage} noun="users" />
    </Stack>
  );
}
