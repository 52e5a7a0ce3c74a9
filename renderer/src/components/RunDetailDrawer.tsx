import { Alert, Badge, Drawer, Group, Loader, Stack, Tabs, Text } from '@mantine/core';
import { IconAlertCircle } from '@tabler/icons-react';
import { useApiQuery } from '../hooks/useApi';
import { useLiveState } from '../hooks/live-context';
import { freshen } from '../hooks/live-store';
import { formatCount, formatDateTime, sumValues } from '../lib/format';
import { TRIGGER_LABEL, isActive } from '../lib/run-states';
import { Facts } from './Facts';
import { JsonBlock } from './JsonBlock';
import { RunDuration } from './RunDuration';
import { RunEventLog } from './RunEventLog';
import { RevertRunButton } from './RevertRunButton';
import { RunProgressBar } from './RunProgressBar';
import { RunStateBadge } from './RunStateBadge';
import { RunItemLog } from './runs/RunItemLog';
import { RunScopeLabel } from './ScopeLabel';
import { EngineName } from './EngineName';

/** `runs.get` in a side drawer: facts, live progress, what it did item by item, event log, params and result. */
export function RunDetailDrawer({ runId, onClose }: { runId: number | null; onClose: () => void }) {
  const query = useApiQuery(
    'runs.get',
    { id: runId ?? 0 },
    {
      enabled: runId !== null,
      // Progress is live through events; the event log is polled while the run is active.
      refetchInterval: (q) => (q.state.data && isActive(q.state.data.run.state) ? 2000 : false),
    },
  );
  const live = useLiveState();
  const detail = runId !== null ? query.data : undefined;
  const run = detail && freshen(live, detail.run);

  return (
    <Drawer
      opened={runId !== null}
      onClose={onClose}
      position="right"
      size="xl"
      title={
        <Group gap="sm">
          <Text fw={700} size="lg">
            Run #{runId}
          </Text>
          {run && <RunStateBadge state={run.state} />}
        </Group>
      }
    >
      {query.isLoading && <Loader size="sm" aria-label="Loading run" />}
      {query.isError && (
        <Alert color="red" icon={<IconAlertCircle />} title="Could not load this run">
          {query.error.message}
        </Alert>
      )}
      {run && detail && (
        <Stack gap="lg">
          {isActive(run.state) && <RunProgressBar run={run} hideIdentity />}
          {run.state === 'partial' && (
            <Alert color="grape" icon={<IconAlertCircle />} title="Partial: some items failed" data-testid="run-partial">
              <PartialSummary result={run.result} />
            </Alert>
          )}
          <Group>
            <RevertRunButton run={run} />
          </Group>
          {run.error && (
            <Alert color="red" icon={<IconAlertCircle />} title={`Failed: ${run.error.code}`}>
              {run.error.message}
            </Alert>
          )}
          <Facts
            items={[
              ['Engine', <EngineName key="engine" id={run.engine} />],
              ...(typeof run.params.mode === 'string' ? [['Mode', run.params.mode] as [string, string]] : []),
              ['Scope', <RunScopeLabel key="scope" scope={run.scope} testId="run-detail-scope" />],
              ['Trigger', TRIGGER_LABEL[run.trigger]],
              ['Ran on', <span key="host" data-testid="run-detail-host">{run.ownerHost ?? '—'}</span>],
              ['Created', formatDateTime(run.createdAt)],
              ['Started', formatDateTime(run.startedAt)],
              ['Finished', formatDateTime(run.finishedAt)],
              ['Duration', <RunDuration key="d" run={run} />],
              ['API calls', <ApiCallBadges key="a" calls={run.apiCalls} />],
            ]}
          />
          <Tabs defaultValue="events" keepMounted={false}>
            <Tabs.List>
              <Tabs.Tab value="items" data-testid="run-items-tab">
                Items
              </Tabs.Tab>
              <Tabs.Tab value="events">Event log ({formatCount(detail.events.length)})</Tabs.Tab>
              <Tabs.Tab value="params">Params</Tabs.Tab>
              <Tabs.Tab value="result">Result</Tabs.Tab>
            </Tabs.List>
            <Tabs.Panel value="items" pt="md">
              <RunItemLog runId={run.id} active={isActive(run.state)} />
            </Tabs.Panel>
            <Tabs.Panel value="events" pt="md">
              <RunEventLog events={detail.events} />
            </Tabs.Panel>
            <Tabs.Panel value="params" pt="md">
              <JsonBlock value={run.params} label="params" maxHeight={480} />
            </Tabs.Panel>
            <Tabs.Panel value="result" pt="md">
              <JsonBlock value={run.result} label="result yet" maxHeight={480} />
            </Tabs.Panel>
          </Tabs>
        </Stack>
      )}
    </Drawer>
  );
}

/** What did not work, as the engine's result lists it (errors of a repair, what a revert could not undo). */
function PartialSummary({ result }: { result: Record<string, unknown> | null }) {
  const listed = (value: unknown) => (Array.isArray(value) ? (value as unknown[]).map(failedLine) : []);
  // An identity repair lists its failures twice (failedItems, and errors for older readers): failedItems first, alone when present.
  const items = listed(result?.failedItems);
  const lines = [...items, ...(items.length ? [] : listed(result?.errors)), ...listed(result?.notUndone)];
  const failed = typeof result?.itemsFailed === 'number' ? result.itemsFailed : null;
  return (
    <Stack gap={4}>
      {failed !== null && <Text size="sm">{formatCount(failed)} item(s) could not be done.</Text>}
      {lines.slice(0, 20).map((line) => (
        <Text key={line} size="xs" ff="monospace">
          {line}
        </Text>
      ))}
    </Stack>
  );
}

/** A failed item as engines list it ({ item, reason }, core/engines/failed-items.ts) or a plain line. */
function failedLine(entry: unknown): string {
  const e = entry as { item?: unknown; reason?: unknown } | null;
  return typeof e?.item === 'string' && typeof e.reason === 'string' ? `${e.item}: ${e.reason}` : String(entry);
}

function ApiCallBadges({ calls }: { calls: Record<string, number> }) {
  const entries = Object.entries(calls);
  if (entries.length === 0) return <Text size="sm">0</Text>;
  return (
    <Group gap={6}>
      <Text size="sm" fw={600}>
        {formatCount(sumValues(calls))}
      </Text>
      {entries.map(([service, count]) => (
        <Badge key={service} variant="default" size="sm" tt="none">
          {service}: {formatCount(count)}
        </Badge>
      ))}
    </Group>
  );
}
