import { ScrollArea, Skeleton, Table, Text } from '@mantine/core';
import { useApiQuery } from '../../hooks/useApi';
import { formatCount } from '../../lib/format';

/** The first rows of a source's live cache table, as the product reads it now. */
export function CachePreview({ sourceId }: { sourceId: number }) {
  const query = useApiQuery('sheets.cache.preview', { id: sourceId, limit: 10 });
  if (query.isLoading) return <Skeleton h={80} />;
  const preview = query.data;
  if (!preview?.exists) return <Text size="sm" c="dimmed">The cache table is not there yet: run the first import.</Text>;
  return (
    <>
      <Text size="xs" c="dimmed" data-testid={`cache-total-${sourceId}`}>
        {preview.table}: {formatCount(preview.total)} rows{preview.total > preview.rows.length ? `, first ${preview.rows.length} shown` : ''}
      </Text>
      <ScrollArea>
        <Table striped withTableBorder fz="xs" aria-label={`Cache table ${preview.table}`}>
          <Table.Thead>
            <Table.Tr>
              {preview.columns.map((column) => (
                <Table.Th key={column}>{column === '_sheet_row' ? 'row' : column}</Table.Th>
              ))}
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {preview.rows.map((row, index) => (
              <Table.Tr key={index}>
                {preview.columns.map((column) => (
                  <Table.Td key={column}>{row[column] === null || row[column] === undefined ? '—' : String(row[column])}</Table.Td>
                ))}
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </ScrollArea>
    </>
  );
}
