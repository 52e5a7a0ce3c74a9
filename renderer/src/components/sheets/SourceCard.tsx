import type { SheetSource } from '@core/api';
import { Accordion, ActionIcon, Badge, Button, Group, Paper, Stack, Text, Title, Tooltip } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { IconPencil, IconPlayerPlayFilled, IconTrash } from '@tabler/icons-react';
import { useApiMutation } from '../../hooks/useApi';
import { formatBytes, formatCount, formatDuration, formatRelative } from '../../lib/format';
import { RunProgressBar } from '../RunProgressBar';
import { RunStateBadge } from '../RunStateBadge';
import { CachePreview } from './CachePreview';
import { RowErrors } from './RowErrors';
import { isImporting } from './useSheetSources';

/** One source: what it reads and writes, its last import, live progress, row errors and the cache. */
export function SourceCard({ source, onEdit, onRemove }: { source: SheetSource; onEdit: () => void; onRemove: () => void }) {
  const { spec, lastRun, lastSuccess } = source;
  const running = isImporting(lastRun);
  const start = useApiMutation('sheets.import', {
    onSuccess: (answer) => {
      if (answer.alreadyRunning) notifications.show({ message: `“${spec.name}” is already importing (run #${answer.runId}).`, autoClose: 3000 });
    },
  });
  const stats = lastRun?.result ?? null;
  const rows = typeof lastSuccess?.result?.rows === 'number' ? lastSuccess.result.rows : null;
  // While an import runs, and after one failed or was cancelled, the previous cache stays live and
  // readable: show the row errors of the import that produced it, never "every row passed" for an
  // import that stopped before it validated every row.
  const unfinished = lastRun !== null && lastRun !== undefined && !running && lastRun.state !== 'succeeded';
  const finished = running || unfinished ? lastSuccess : lastRun;
  const rejected = typeof finished?.result?.rowsRejected === 'number' ? finished.result.rowsRejected : 0;
  const errorsLabel = running
    ? 'Row errors of the import cached now'
    : unfinished
      ? `Row errors of the import cached now (the last import ${lastRun.state === 'cancelled' ? 'was cancelled' : lastRun.state === 'interrupted' ? 'was interrupted' : 'failed'} and changed nothing)`
      : 'Row errors of the last import';

  return (
    <Paper withBorder radius="md" p="md" data-testid={`sheet-source-${source.id}`}>
      <Stack gap="sm">
        <Group justify="space-between" wrap="nowrap" align="flex-start">
          <Stack gap={2} miw={0}>
            <Group gap="xs">
              <Title order={3} size="h5">
                {spec.name}
              </Title>
              {lastRun ? <RunStateBadge state={lastRun.state} testId={`sheet-status-${source.id}`} /> : <Badge variant="default">Never imported</Badge>}
            </Group>
            <Text size="xs" c="dimmed" truncate>
              {spec.spreadsheetId} · {spec.sheet || 'first tab'}
              {spec.range ? ` · ${spec.range}` : ''} · {spec.method === 'csv-export' ? 'CSV export' : 'Sheets API'} → table {spec.targetTable}
            </Text>
          </Stack>
          <Group gap="xs" wrap="nowrap">
            <Tooltip label="Edit source">
              <ActionIcon variant="subtle" color="gray" size="lg" onClick={onEdit} aria-label={`Edit ${spec.name}`}>
                <IconPencil size={16} aria-hidden />
              </ActionIcon>
            </Tooltip>
            <Tooltip label={running ? 'Wait for the import to finish' : 'Remove source'}>
              <ActionIcon variant="subtle" color="red" size="lg" onClick={onRemove} disabled={running} aria-label={`Remove ${spec.name}`}>
                <IconTrash size={16} aria-hidden />
              </ActionIcon>
            </Tooltip>
            <Button
            leftSection={<IconPlayerPlayFilled size={14} aria-hidden />}
            onClick={() => start.mutate({ id: source.id })}
            loading={start.isPending}
            disabled={running}
            aria-label={`Import ${spec.name} now`}
          >
            {running ? 'Importing' : 'Import now'}
          </Button>
          </Group>
        </Group>
        <Group gap="xl">
          <Fact label="Cached rows" value={rows === null ? '—' : formatCount(rows)} testId={`sheet-rows-${source.id}`} />
          <Fact label="Last success" value={lastSuccess?.finishedAt ? formatRelative(lastSuccess.finishedAt) : 'never'} />
          {typeof stats?.bytes === 'number' && <Fact label="Downloaded" value={formatBytes(stats.bytes)} />}
          {typeof stats?.durationMs === 'number' && <Fact label="Took" value={formatDuration(stats.durationMs)} />}
          {lastRun?.state === 'succeeded' && <Fact label="Rejected rows" value={formatCount(rejected)} />}
        </Group>
        {lastRun && <RunProgressBar run={lastRun} hideIdentity />}
        {finished && (
          <Accordion variant="contained" multiple defaultValue={rejected > 0 ? ['errors'] : []}>
            <Accordion.Item value="errors">
              <Accordion.Control>{errorsLabel}</Accordion.Control>
              <Accordion.Panel>
                <RowErrors runId={finished.id} state={finished.state} sourceName={spec.name} rejected={rejected} />
              </Accordion.Panel>
            </Accordion.Item>
            <Accordion.Item value="cache">
              <Accordion.Control>Cached data</Accordion.Control>
              <Accordion.Panel>
                <CachePreview sourceId={source.id} />
              </Accordion.Panel>
            </Accordion.Item>
          </Accordion>
        )}
      </Stack>
    </Paper>
  );
}

function Fact({ label, value, testId }: { label: string; value: string; testId?: string }) {
  return (
    <Stack gap={0}>
      <Text size="xs" c="dimmed">
        {label}
      </Text>
      <Text size="sm" fw={600} data-testid={testId}>
        {value}
      </Text>
    </Stack>
  );
}
