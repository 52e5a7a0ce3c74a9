import type { MethodOutput } from '@core/api';
import { Table, Text } from '@mantine/core';
import { formatCount } from '../../lib/format';
import { EngineName } from '../EngineName';

type Depth = MethodOutput<'team.queue'>[number];

/** Jobs waiting, running and dead per engine, deepest queue first. */
export function QueueDepthTable({ depth }: { depth: readonly Depth[] }) {
  const rows = [...depth].sort((a, b) => b.queued - a.queued || b.deadLetter - a.deadLetter);
  if (rows.length === 0) {
    return (
      <Text size="sm" c="dimmed" data-testid="queue-empty">
        No jobs are queued: every engine's queue is empty.
      </Text>
    );
  }
  return (
    <Table verticalSpacing={6} aria-label="Queue depth per engine" data-testid="queue-table">
      <Table.Thead>
        <Table.Tr>
          <Table.Th>Engine</Table.Th>
          <Table.Th ta="right">Waiting</Table.Th>
          <Table.Th ta="right">Running</Table.Th>
          <Table.Th ta="right">Dead letters</Table.Th>
        </Table.Tr>
      </Table.Thead>
      <Table.Tbody>
        {rows.map((row) => (
          <Table.Tr key={row.engine} data-testid={`queue-row-${row.engine}`}>
            <Table.Td>
              <EngineName id={row.engine} />
            </Table.Td>
            <Table.Td ta="right" fw={600}>
              {formatCount(row.queued)}
            </Table.Td>
            <Table.Td ta="right">{formatCount(row.active)}</Table.Td>
            <Table.Td ta="right" c={row.deadLetter ? 'red' : 'dimmed'}>
              {formatCount(row.deadLetter)}
            </Table.Td>
          </Table.Tr>
        ))}
      </Table.Tbody>
    </Table>
  );
}
