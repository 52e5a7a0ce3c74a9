import type { Run } from '@core/api';
import { SheetCheckResultSchema, type SheetCheckResult } from '@core/api/sheets';
import { Alert, Badge, Button, CloseButton, Group, Paper, SimpleGrid, Stack, Text, Title } from '@mantine/core';
import { IconAlertTriangle, IconPlayerPlayFilled } from '@tabler/icons-react';
import type { ReactNode } from 'react';
import { formatCount, formatRelative } from '../../lib/format';
import { describeCheck, groupChanged, reasonText, rowList } from './import-preview-text';

interface ImportPreviewProps {
  sourceId: number;
  sourceName: string;
  /** The finished check run (scope `source:<id>:check`). */
  run: Run;
  /** The source was edited after this check: an import would read the new definition. */
  outdated: boolean;
  importing: boolean;
  onImport: () => void;
  onDismiss: () => void;
}

/**
 * What an import of the source would do, from a finished check: the counts in
 * words, the samples (row numbers, changed columns, reject reasons), new and
 * dropped columns, and "Import now". A check that did not succeed shows why,
 * as a failed import does. The check wrote nothing, so dismissing it loses nothing.
 */
export function ImportPreview({ sourceId, sourceName, run, outdated, importing, onImport, onDismiss }: ImportPreviewProps) {
  const parsed = run.state === 'succeeded' ? SheetCheckResultSchema.safeParse(run.result) : undefined;
  const result = parsed?.success ? parsed.data : undefined;
  return (
    <Paper withBorder radius="md" p="md" bg="var(--mantine-color-default-hover)" role="region" aria-label={`Import preview of ${sourceName}`} data-testid={`import-preview-${sourceId}`} data-state={run.state}>
      <Stack gap="sm">
        <Group justify="space-between" wrap="nowrap" align="flex-start">
          <Stack gap={0} miw={0}>
            <Title order={4} size="h6">
              Import preview
            </Title>
            <Text size="xs" c="dimmed">
              Checked {formatRelative(run.finishedAt ?? run.createdAt)} · nothing was written
            </Text>
          </Stack>
          <CloseButton onClick={onDismiss} aria-label={`Close the import preview of ${sourceName}`} />
        </Group>
        {result ? (
          <CheckSummary result={result} />
        ) : (
          <Alert color={run.state === 'cancelled' ? 'gray' : 'red'} variant="light" icon={<IconAlertTriangle size={16} aria-hidden />} data-testid={`import-preview-error-${sourceId}`}>
            {run.state === 'succeeded'
              ? 'The check finished but its result could not be read; run the preview again.'
              : `The check ${run.state === 'cancelled' ? 'was cancelled' : run.state === 'interrupted' ? 'was interrupted' : 'failed'}: ${run.error?.message ?? 'no reason was given'}`}
          </Alert>
        )}
        {outdated && (
          <Text size="xs" c="orange" data-testid={`import-preview-outdated-${sourceId}`}>
            The source was edited after this check: preview again to see what an import of the new definition would do.
          </Text>
        )}
        <Group justify="flex-end" gap="xs">
          <Button variant="default" onClick={onDismiss}>
            Close
          </Button>
          <Button leftSection={<IconPlayerPlayFilled size={14} aria-hidden />} onClick={onImport} disabled={importing} aria-label={`Import ${sourceName} now, from the preview`}>
            {importing ? 'Importing' : 'Import now'}
          </Button>
        </Group>
      </Stack>
    </Paper>
  );
}

function CheckSummary({ result }: { result: SheetCheckResult }) {
  const { counts, samples } = result;
  return (
    <Stack gap="sm">
      <Text size="sm" fw={600} aria-live="polite" data-testid={`import-preview-summary-${result.sourceId}`}>
        {describeCheck(result)}
      </Text>
      <Group gap="xs">
        <CountBadge color="teal" label="added" value={counts.added} />
        <CountBadge color="red" label="removed" value={counts.removed} />
        <CountBadge color="blue" label="changed" value={counts.changed} />
        <CountBadge color="orange" label="rejected" value={counts.rejected} />
        <CountBadge color="gray" label="unchanged" value={counts.unchanged} />
      </Group>
      {result.columnsAdded.length > 0 && (
        <Text size="sm">
          New columns (an import adds them to {result.table}): <Names names={result.columnsAdded} />
        </Text>
      )}
      {result.columnsRemoved.length > 0 && (
        <Text size="sm">
          Columns no longer mapped (an import drops them from {result.table}): <Names names={result.columnsRemoved} />
        </Text>
      )}
      <SimpleGrid cols={{ base: 1, md: 2 }} spacing="sm" verticalSpacing="sm">
        {counts.added > 0 && <Sample title="Rows added">{rowList(samples.added, counts.added)}</Sample>}
        {counts.removed > 0 && <Sample title="Rows removed">{rowList(samples.removed, counts.removed)}</Sample>}
        {counts.changed > 0 && (
          <Sample title="Rows changed" more={counts.changed - samples.changed.length}>
            {groupChanged(samples.changed).map((group) => (
              <Text key={group.columns} size="sm" style={{ overflowWrap: 'anywhere' }}>
                {group.count > 1 ? 'Rows' : 'Row'} {group.rows}: {group.columns}
              </Text>
            ))}
          </Sample>
        )}
        {counts.rejected > 0 && (
          <Sample title="Rows rejected" more={counts.rejected - samples.rejected.length}>
            {samples.rejected.map((s) => (
              <Text key={s.row} size="sm" style={{ overflowWrap: 'anywhere' }}>
                Row {formatCount(s.row)}: {reasonText(s.reason)}
              </Text>
            ))}
          </Sample>
        )}
      </SimpleGrid>
    </Stack>
  );
}

function CountBadge({ color, label, value }: { color: string; label: string; value: number }) {
  return (
    <Badge color={color} variant={value > 0 ? 'light' : 'outline'} tt="none" size="lg">
      {formatCount(value)} {label}
    </Badge>
  );
}

function Names({ names }: { names: readonly string[] }) {
  return (
    <Text span ff="monospace" size="sm">
      {names.join(', ')}
    </Text>
  );
}

function Sample({ title, more = 0, children }: { title: string; more?: number; children: ReactNode }) {
  return (
    <Stack gap={2} miw={0}>
      <Text size="xs" c="dimmed" fw={600} tt="uppercase">
        {title}
      </Text>
      {typeof children === 'string' ? <Text size="sm">Row numbers: {children}</Text> : children}
      {more > 0 && (
        <Text size="xs" c="dimmed">
          and {formatCount(more)} more
        </Text>
      )}
    </Stack>
  );
}
