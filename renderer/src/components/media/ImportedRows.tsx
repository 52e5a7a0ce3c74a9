import type { MediaRow } from '@core/api';
import { Badge, Group, Paper, SimpleGrid, Stack, Text } from '@mantine/core';
import { formatRelative } from '../../lib/format';
import { MediaThumbnail } from './MediaThumbnail';

/** Rows the latest imports inserted, as the product database now holds them. */
export function ImportedRows({ rows }: { rows: MediaRow[] }) {
  return (
    <SimpleGrid cols={{ base: 1, sm: 2, lg: 3 }} spacing="xs" data-testid="media-imported" role="list" aria-label="Recently imported rows">
      {rows.map((row) => (
        <Paper key={`${row.kind}:${row.id}`} withBorder radius="md" p="xs" role="listitem" data-testid={`media-row-${row.publicId}`}>
          <Group wrap="nowrap" gap="sm">
            <MediaThumbnail url={row.thumbnailUrl} title={row.title ?? row.publicId} />
            <Stack gap={2} miw={0}>
              <Group gap="xs" wrap="nowrap">
                <Text fw={600} size="sm" truncate>
                  {row.title ?? row.publicId}
                </Text>
                <Badge size="xs" variant="default">
                  {row.kind}
                </Badge>
              </Group>
              <Text size="xs" c="dimmed" truncate>
                {row.userEmail ?? row.userId} · row {row.id.slice(0, 8)}
              </Text>
              <Text size="xs" c="dimmed">
                imported {formatRelative(row.importedAt)}
              </Text>
            </Stack>
          </Group>
        </Paper>
      ))}
    </SimpleGrid>
  );
}
