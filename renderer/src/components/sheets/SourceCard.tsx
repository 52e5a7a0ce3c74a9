import type { SheetSource } from '@core/api';
import { Accordion, ActionIcon, Badge, Button, Group, Paper, Stack, Text, Title, Tooltip } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { IconEye, IconPencil, IconPlayerPlayFilled, IconTrash } from '@tabler/icons-react';
import { useState } from 'react';
import { useApiMutation } from '../../hooks/useApi';
import { formatBytes, formatCount, formatDuration, formatRelative } from '../../lib/format';
import { RunProgressBar } from '../RunProgressBar';
import { RunStateBadge } from '../RunStateBadge';
import { CachePreview } from './CachePreview';
import { ImportPreview } from './ImportPreview';
import { RowErrors } from './RowErrors';
import { isImporting } from './useSheetSources';

/** One source: what it reads and writes, its last import, live progress, a preview of the next import, row errors and the cache. */
export function SourceCard({ source, onEdit, onRemove }: { source: SheetSource; onEdit: () => void; onRemove: () => void }) {
  const { spec, lastRun, lastSuccess, lastCheck } = source;
  const running = isImporting(lastRun);
  const checking = isImporting(lastCheck);
  // Checks older than this are not shown: the one closed, and, once a new check starts, every earlier one
  // (the sources list still holds the previous check for a moment after the new one finishes).
  const [shownFrom, setShownFrom] = useState(0);
  const start = useApiMutation('sheets.import', {
    onSuccess: (answer) => {
      if (answer.alreadyRunning) notifications.show({ message: `“${spec.name}” is already importing (run #${answer.runId}).`, autoClose: 3000 });
    },
  });
  const check = useApiMutation('sheets.check', {
    onSuccess: (answer) => {
      setShownFrom(answer.runId);
      if (answer.alreadyRunning) notifications.show({ message: `“${spec.name}” is already being checked (run #${answer.runId}).`, autoClose: 3000 });
    },
  });
  // A preview describes the cache as the check found it: an import started after it makes it history.
  const preview = lastCheck && !checking && lastCheck.id >= shownFrom && lastCheck.id > (lastRun?.id ?? 0) ? lastCheck : null;
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
            <Tooltip label={running ? 'Wait for the import to finish' : 'What an import would change, without writing anything'}>
              <Button
                variant="default"
                leftSection={<IconEye size={16} aria-hidden />}
                onClick={() => check.mutate({ id: source.id })}
                loading={check.isPending}
                // A check during an import would compare with a cache being replaced (it would fail): one at a time.
                disabled={checking || running}
                aria-label={`Preview import of ${spec.name}`}
                data-testid={`preview-import-${source.id}`}
              >
                {checking ? 'Checking' : 'Preview import'}
              </Button>
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
        {checking && lastCheck && (
          <Stack gap={4} data-testid={`check-progress-${source.id}`}>
            <Text size="xs" c="dimmed">
              Preview: reading the sheet and comparing it with the cache table; nothing is written.
            </Text>
            <RunProgressBar run={lastCheck} hideIdentity />
          </Stack>
        )}
        {preview && (
          <ImportPreview
            sourceId={source.id}
            sourceName={spec.name}
            run={preview}
            outdated={source.updatedAt > preview.createdAt}
            importing={running || start.isPending}
            onImport={() => start.mutate({ id: source.id })}
            onDismiss={() => setShownFrom(preview.id + 1)}
          />
        )}
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
