import type { SheetSource } from '@core/api';
import { Accordion, Badge, Button, Group, Paper, Stack, Text, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { IconPlayerPlayFilled } from '@tabler/icons-react';
import { useApiMutation } from '../../hooks/useApi';
import { formatBytes, formatCount, formatDuration, formatRelative } from '../../lib/format';
import { RunProgressBar } from '../RunProgressBar';
import { RunStateBadge } from '../RunStateBadge';
import { CachePreview } from './CachePreview';
import { RowErrors } from './RowErrors';
import { isImporting } from './useSheetSources';

/** One source: what it reads and writes, its last import, live progress, row errors and the cache. */
export function SourceCard({ source }: { source: SheetSource }) {
  const { spec, lastRun, lastSuccess } = source;
  const running = isImporting(lastRun);
  const start = useApiMutation('sheets.import', {
    onSuccess: (answer) => {
      if (answer.alreadyRunning) notifications.show({ message: `“${spec.name}” is already importing (run #${answer.runId}).`, autoClose: 3000 });
    },
  });
  const stats = lastRun?.result ?? null;
  const rows = typeof lastSuccess?.result?.rows === 'number' ? lastSuccess.result.rows : null;
  const rejected = typeof stats?.rowsRejected === 'number' ? stats.rowsRejected : 0;

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
        <Group gap="xl">
          <Fact label="Cached rows" value={rows === null ? '—' : formatCount(rows)} testId={`sheet-rows-${source.id}`} />
          <Fact label="Last success" value={lastSuccess?.finishedAt ? formatRelative(lastSuccess.finishedAt) : 'never'} />
          {typeof stats?.bytes === 'number' && <Fact label="Downloaded" value={formatBytes(stats.bytes)} />}
          {typeof stats?.durationMs === 'number' && <Fact label="Took" value={formatDuration(stats.durationMs)} />}
          {lastRun?.state === 'succeeded' && <Fact label="Rejected rows" value={formatCount(rejected)} />}
        </Group>
        {lastRun && <RunProgressBar run={lastRun} hideIdentity />}
        {lastRun && !running && (
          <Accordion variant="contained" multiple defaultValue={rejected > 0 ? ['errors'] : []}>
            <Accordion.Item value="errors">
              <Accordion.Control>Row errors of the last import</Accordion.Control>
              <Accordion.Panel>
                <RowErrors runId={lastRun.id} sourceName={spec.name} rejected={rejected} />
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
