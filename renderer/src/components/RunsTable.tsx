import type { Run } from '@core/api';
import { Group, Stack, Text, Tooltip } from '@mantine/core';
import { useMediaQuery } from '@mantine/hooks';
import { createColumnHelper, getCoreRowModel, useReactTable } from '@tanstack/react-table';
import { useCallback, useMemo } from 'react';
import { formatCount, sumValues } from '../lib/format';
import { summarizeResult } from '../lib/result-summary';
import { useEngineInfo } from '../hooks/useEngineInfo';
import { TRIGGER_LABEL } from '../lib/run-states';
import { RelativeTime } from './RelativeTime';
import { RunDuration } from './RunDuration';
import { RunStateBadge } from './RunStateBadge';
import { RunScopeLabel } from './ScopeLabel';
import { VirtualTable } from './table/VirtualTable';
import { EngineName } from './EngineName';

const column = createColumnHelper<Run>();

interface RunsTableProps {
  runs: Run[];
  onOpen: (run: Run) => void;
  hasMore: boolean;
  loadMore: () => void;
}

/** Run history: one row per run, opened into the detail drawer on click or Enter. */
export function RunsTable({ runs, onOpen, hasMore, loadMore }: RunsTableProps) {
  const columns = useMemo(
    () => [
      column.accessor('id', { header: 'Run', cell: (c) => `#${c.getValue()}`, meta: { width: 70 } }),
      column.accessor('engine', { header: 'Engine', cell: (c) => <EngineAndMode run={c.row.original} />, meta: { width: 180 } }),
      column.accessor('scope', { header: 'Scope', cell: (c) => <RunScopeLabel scope={c.getValue()} testId={`run-scope-${c.row.original.id}`} />, meta: { width: 265 } }),
      column.accessor('trigger', {
        header: 'Trigger',
        cell: (c) => (
          <Stack gap={0} miw={0}>
            <Text size="sm">{TRIGGER_LABEL[c.getValue()]}</Text>
            <RanOn run={c.row.original} />
          </Stack>
        ),
        meta: { width: 110 },
      }),
      column.accessor('state', {
        header: 'State',
        cell: (c) => <RunStateBadge state={c.getValue()} testId={`run-state-${c.row.original.id}`} />,
        meta: { width: 150 },
      }),
      column.accessor((run) => run.startedAt ?? run.createdAt, {
        id: 'started',
        header: 'Started',
        cell: (c) => <RelativeTime iso={c.getValue()} size="sm" />,
        meta: { width: 130 },
      }),
      column.display({
        id: 'duration',
        header: 'Duration',
        cell: (c) => <RunDuration run={c.row.original} />,
        meta: { width: 100, align: 'right' },
      }),
      column.accessor((run) => sumValues(run.apiCalls), {
        id: 'apiCalls',
        header: 'API calls',
        cell: (c) => <ApiCalls calls={c.row.original.apiCalls} total={c.getValue()} />,
        meta: { width: 100, align: 'right' },
      }),
      // Below 1200 px these three stand for the eight above (the API calls are in the run's drawer), so the table fits.
      column.display({
        id: 'engineScope',
        header: 'Engine · scope',
        cell: (c) => (
          <Stack gap={0} miw={0}>
            <Text size="sm" truncate title={c.row.original.engine}>
              <EngineAndMode run={c.row.original} />
            </Text>
            <RunScopeLabel scope={c.row.original.scope} testId={`run-scope-${c.row.original.id}`} />
          </Stack>
        ),
        meta: { width: 230 },
      }),
      column.display({
        id: 'stateTrigger',
        header: 'State',
        cell: (c) => (
          <Stack gap={2} align="flex-start">
            <RunStateBadge state={c.row.original.state} testId={`run-state-${c.row.original.id}`} />
            <Text size="xs" c="dimmed">
              {TRIGGER_LABEL[c.row.original.trigger]}
            </Text>
            <RanOn run={c.row.original} />
          </Stack>
        ),
        meta: { width: 140 },
      }),
      column.display({
        id: 'when',
        header: 'Started · took',
        cell: (c) => (
          <Stack gap={0}>
            <RelativeTime iso={c.row.original.startedAt ?? c.row.original.createdAt} size="sm" />
            <Text size="xs" c="dimmed" component="div">
              <RunDuration run={c.row.original} />
            </Text>
          </Stack>
        ),
        meta: { width: 130 },
      }),
      column.display({
        id: 'summary',
        header: 'Result',
        cell: (c) => <Summary run={c.row.original} />,
      }),
    ],
    [],
  );
   
  const wide = useMediaQuery('(min-width: 75em)', true);
  const table = useReactTable({
    data: runs,
    columns,
    state: { columnVisibility: wide ? NARROW_ONLY : WIDE_ONLY },
    getCoreRowModel: getCoreRowModel(),
    getRowId: (run) => String(run.id),
    // History is newest first from the host; sorting a partly loaded list would mislead.
    enableSorting: false,
  });
  const onEndReached = useCallback(() => {
    if (hasMore) loadMore();
  }, [hasMore, loadMore]);

  return (
    <VirtualTable
      table={table}
      label="Run history"
      testId="runs-table"
      maxHeight="max(320px, calc(100vh - 420px))"
      minWidth={wide ? 1040 : 680}
      rowTestId={(run) => `run-row-${run.id}`}
      onRowActivate={(row) => onOpen(row.original)}
      onEndReached={onEndReached}
    />
  );
}

const hidden = (ids: string[]) => Object.fromEntries(ids.map((id) => [id, false]));
const NARROW_ONLY = hidden(['engineScope', 'stateTrigger', 'when']);
const WIDE_ONLY = hidden(['engine', 'scope', 'trigger', 'state', 'started', 'duration', 'apiCalls']);


/** Which machine ran it (this console's or, in team mode, a worker's), whatever machine shows the history. */
function RanOn({ run }: { run: Run }) {
  if (!run.ownerHost) return null;
  return (
    <Text size="xs" c="dimmed" truncate title={`Ran on ${run.ownerHost}`} data-testid={`run-host-${run.id}`}>
      on {run.ownerHost}
    </Text>
  );
}

function ApiCalls({ calls, total }: { calls: Record<string, number>; total: number }) {
  const services = Object.entries(calls);
  const text = (
    <Text size="sm">{formatCount(total)}</Text>
  );
  if (services.length === 0) return text;
  return (
    <Tooltip label={services.map(([name, n]) => `${name}: ${formatCount(n)}`).join(' · ')}>
      <Group justify="flex-end">{text}</Group>
    </Tooltip>
  );
}

function Summary({ run }: { run: Run }) {
  const info = useEngineInfo(run.engine);
  if (run.error) {
    return (
      <Text size="sm" c={run.state === 'cancelled' ? 'dimmed' : 'red'} truncate title={run.error.message}>
        {run.error.message}
      </Text>
    );
  }
  const text = summarizeResult(run.result, info?.ui.resultSummary);
  return (
    <Text size="sm" c={text ? undefined : 'dimmed'} truncate title={text}>
      {text || (run.state === 'running' || run.state === 'queued' ? 'In progress…' : '—')}
    </Text>
  );
}

/** The engine, and the mode its run ran in (a repair's scope says only what it covered: "All users"). */
function EngineAndMode({ run }: { run: Run }) {
  const mode = typeof run.params.mode === 'string' ? run.params.mode : null;
  return (
    <>
      <EngineName id={run.engine} />
      {mode && (
        <Text span size="xs" c="dimmed" style={{ whiteSpace: 'nowrap' }} data-testid={`run-mode-${run.id}`}>
          {' '}
          · {mode}
        </Text>
      )}
    </>
  );
}
