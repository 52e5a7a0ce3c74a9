import type { Finding, RunState } from '@core/api';
import { Button, Group, Stack, Table, Text } from '@mantine/core';
import { IconDownload } from '@tabler/icons-react';
import { useState } from 'react';
import { useApiQuery } from '../../hooks/useApi';
import { useClient } from '../../hooks/useClient';
import { formatCount } from '../../lib/format';
import { downloadText, rowErrorsCsv } from './row-errors-csv';

const SHOWN = 50;
const PAGE = 500;

/**
 * The rejected rows of one import, by row number, and all of them as a CSV download.
 * "Every row passed" is said only of an import that succeeded: one that failed or was
 * cancelled stopped before validating every row, so its count proves nothing.
 */
export function RowErrors({ runId, state, sourceName, rejected }: { runId: number; state: RunState; sourceName: string; rejected: number }) {
  const client = useClient();
  const [exporting, setExporting] = useState(false);
  const query = useApiQuery('findings.list', { engine: 'sheet-import', runId, sort: 'subject', direction: 'asc', limit: SHOWN });
  const listed = query.data?.total ?? 0;

  async function exportCsv() {
    setExporting(true);
    try {
      const all: Finding[] = [];
      for (let offset = 0; offset < listed; offset += PAGE) {
        all.push(...(await client.request('findings.list', { engine: 'sheet-import', runId, limit: PAGE, offset })).items);
      }
      all.sort((a, b) => rowOf(a) - rowOf(b));
      downloadText(`${sourceName.replace(/[^\w-]+/g, '-')}-row-errors.csv`, rowErrorsCsv(all));
    } finally {
      setExporting(false);
    }
  }

  if (state !== 'succeeded' && rejected === 0) {
    return (
      <Text size="sm" c="dimmed">
        This import stopped before every row was validated, so there is no complete list of row errors.
      </Text>
    );
  }
  if (rejected === 0) return <Text size="sm" c="dimmed">Every row passed validation.</Text>;
  const rows = [...(query.data?.items ?? [])].sort((a, b) => rowOf(a) - rowOf(b));
  return (
    <Stack gap="xs">
      <Group justify="space-between">
        <Text size="sm" fw={500}>
          {formatCount(rejected)} rows rejected{listed < rejected ? ` (the first ${formatCount(listed)} are listed)` : ''}
        </Text>
        <Button size="compact-sm" variant="light" leftSection={<IconDownload size={14} aria-hidden />} onClick={() => void exportCsv()} loading={exporting}>
          Export CSV
        </Button>
      </Group>
      <Table striped withTableBorder fz="sm" aria-label="Row errors">
        <Table.Thead>
          <Table.Tr>
            <Table.Th w={80}>Row</Table.Th>
            <Table.Th>Problem</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {rows.map((finding) => (
            <Table.Tr key={finding.id}>
              <Table.Td ff="monospace">{rowOf(finding)}</Table.Td>
              <Table.Td>{finding.reason.replace(/^Row \d+: /, '')}</Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
      {listed > SHOWN && <Text size="xs" c="dimmed">Showing {SHOWN} of {formatCount(listed)}; export the CSV for all of them.</Text>}
    </Stack>
  );
}

function rowOf(finding: Finding): number {
  return Number((finding.details as { row?: number } | null)?.row ?? finding.subject.replace(/^(source:\d+\/)?row:/, ''));
}
