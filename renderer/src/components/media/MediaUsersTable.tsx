import type { MediaUserCounts } from '@core/api';
import { Button, Table, Text } from '@mantine/core';
import { IconDownload } from '@tabler/icons-react';
import { formatCount } from '../../lib/format';

interface MediaUsersTableProps {
  users: MediaUserCounts[];
  busy: boolean;
  onImportUser: (email: string) => void;
}

/** Per user: assets in Cloudinary at the latest complete listing, and what is open. */
export function MediaUsersTable({ users, busy, onImportUser }: MediaUsersTableProps) {
  return (
    <Table.ScrollContainer minWidth={560} maxHeight={360}>
      <Table striped highlightOnHover stickyHeader data-testid="media-users" aria-label="Media per user">
        <Table.Thead>
          <Table.Tr>
            <Table.Th scope="col">User</Table.Th>
            <Table.Th scope="col" ta="right">Videos</Table.Th>
            <Table.Th scope="col" ta="right">Clips</Table.Th>
            <Table.Th scope="col" ta="right">Missing in DB</Table.Th>
            <Table.Th scope="col" ta="right">Mismatched</Table.Th>
            <Table.Th scope="col">
              <Text span size="sm" fw={700} style={{ position: 'absolute', width: 1, height: 1, overflow: 'hidden', clip: 'rect(0 0 0 0)' }}>
                Actions
              </Text>
            </Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {users.map((user) => (
            <Table.Tr key={user.email} data-testid={`media-user-${user.email}`}>
              <Table.Td>
                <Text size="sm" truncate maw={320}>
                  {user.email}
                </Text>
              </Table.Td>
              <Table.Td ta="right">{formatCount(user.videos)}</Table.Td>
              <Table.Td ta="right">{formatCount(user.clips)}</Table.Td>
              <Table.Td ta="right" c={user.missing ? 'orange' : undefined} fw={user.missing ? 600 : undefined}>
                {formatCount(user.missing)}
              </Table.Td>
              <Table.Td ta="right" c={user.mismatched ? 'yellow.8' : undefined}>
                {formatCount(user.mismatched)}
              </Table.Td>
              <Table.Td ta="right">
                <Button
                  size="compact-sm"
                  variant="light"
                  leftSection={<IconDownload size={14} aria-hidden />}
                  disabled={user.missing === 0 || busy}
                  onClick={() => onImportUser(user.email)}
                  aria-label={`Import ${user.missing} missing for ${user.email}`}
                >
                  Import {user.missing > 0 ? formatCount(user.missing) : ''}
                </Button>
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}
