import type { RunItemOutcome, RunLogLine, RunLogPage } from '@core/api';
import { Alert, Badge, Button, Group, Loader, Pagination, Stack, Table, Text } from '@mantine/core';
import { IconDownload } from '@tabler/icons-react';
import { useState } from 'react';
import { useApiQuery } from '../../hooks/useApi';
import { useClient } from '../../hooks/useClient';
import { formatCount, formatTime } from '../../lib/format';
import { downloadJsonl, runLogJsonl } from './run-log-jsonl';

const PAGE = 100;
/** The most `runs.log` gives in one call (the contract's bound). */
const DOWNLOAD_PAGE = 1000;

const OUTCOME: Record<RunItemOutcome, { color: string; label: string }> = {
  done: { color: 'teal', label: 'Done' },
  skipped: { color: 'gray', label: 'Skipped' },
  failed: { color: 'red', label: 'Failed' },
  info: { color: 'blue', label: 'Info' },
};

/** What a run did item by item (`runs.log`), a page at a time, with its counts and a JSON-lines download. */
export function RunItemLog({ runId, active }: { runId: number; active: boolean }) {
  const [page, setPage] = useState(1);
  const query = useApiQuery('runs.log', { id: runId, limit: PAGE, offset: (page - 1) * PAGE }, { keepPrevious: true, refetchInterval: active ? 2000 : false });
  const client = useClient();
  const [downloading, setDownloading] = useState(false);
  const [downloadError, setDownloadError] = useState<string | null>(null);

  const download = async () => {
    setDownloading(true);
    setDownloadError(null);
    try {
      const lines: RunLogLine[] = [];
      let last: RunLogPage;
      do {
        last = await client.request('runs.log', { id: runId, limit: DOWNLOAD_PAGE, offset: lines.length });
        lines.push(...last.items);
      } while (last.items.length > 0 && lines.length < last.total);
      downloadJsonl(`run-${runId}-items.jsonl`, runLogJsonl(runId, lines, last));
    } catch (error) {
      setDownloadError(error instanceof Error ? error.message : String(error));
    } finally {
      setDownloading(false);
    }
  };

  if (query.isLoading) return <Loader size="sm" aria-label="Loading the item log" />;
  if (query.isError) {
    return (
      <Alert color="red" title="Could not load the item log">
        {query.error.message}
      </Alert>
    );
  }
  const log = query.data;
  if (!log || (log.total === 0 && log.notKept === 0)) {
    return (
      <Text size="sm" c="dimmed" data-testid="run-items-empty">
        {active ? 'No item done yet.' : 'This run logged no item: it changed nothing item by item, or its engine keeps no item log.'}
      </Text>
    );
  }
  const pages = Math.max(1, Math.ceil(log.total / PAGE));
  const lastPage = page >= pages;
  return (
    <Stack gap="sm" data-testid="run-items">
      <Group justify="space-between" wrap="wrap">
        <Group gap={6} aria-label="Items by outcome">
          {(Object.keys(OUTCOME) as RunItemOutcome[])
            .filter((outcome) => (log.counts[outcome] ?? 0) > 0)
            .map((outcome) => (
              <Badge key={outcome} color={OUTCOME[outcome].color} variant="light" tt="none">
                {OUTCOME[outcome].label}: {formatCount(log.counts[outcome] ?? 0)}
              </Badge>
            ))}
        </Group>
        <Button size="compact-sm" variant="light" leftSection={<IconDownload size={14} aria-hidden />} loading={downloading} onClick={() => void download()} data-testid="run-items-download">
          Download JSON lines
        </Button>
      </Group>
      {downloadError && (
        <Alert color="red" title="Download failed">
          {downloadError}
        </Alert>
      )}
      <Table.ScrollContainer minWidth={560}>
        <Table verticalSpacing={4} fz="sm" aria-label={`Items of run ${runId}`}>
          <Table.Thead>
            <Table.Tr>
              <Table.Th scope="col">#</Table.Th>
              <Table.Th scope="col">Time</Table.Th>
              <Table.Th scope="col">Item</Table.Th>
              <Table.Th scope="col">Action</Table.Th>
              <Table.Th scope="col">Outcome</Table.Th>
              <Table.Th scope="col">Message</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {log.items.map((line) => (
              <Table.Tr key={line.seq} data-testid="run-item-line">
                <Table.Td c="dimmed">{line.seq}</Table.Td>
                <Table.Td style={{ whiteSpace: 'nowrap' }}>
                  <time dateTime={line.at}>{formatTime(line.at)}</time>
                </Table.Td>
                <Table.Td style={{ wordBreak: 'break-word' }}>{line.item}</Table.Td>
                <Table.Td ff="monospace" fz="xs">
                  {line.action}
                </Table.Td>
                <Table.Td>
                  <Badge size="sm" variant="light" color={OUTCOME[line.outcome].color} tt="none">
                    {OUTCOME[line.outcome].label}
                  </Badge>
                </Table.Td>
                <Table.Td c="dimmed" style={{ wordBreak: 'break-word' }}>
                  {line.message ?? ''}
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
      {lastPage && log.notKept > 0 && (
        <Text size="sm" c="dimmed" data-testid="run-items-not-kept">
          {formatCount(log.notKept)} more not kept: a run keeps its first {formatCount(log.total)} lines; the counts above include every item.
        </Text>
      )}
      {pages > 1 && <Pagination value={page} onChange={setPage} total={pages} size="sm" aria-label="Item log pages" />}
    </Stack>
  );
}
