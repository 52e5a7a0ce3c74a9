import { Badge, Button, Center, EmptyState, Group, Loader, Stack, Title } from '@mantine/core';
import { IconHistory } from '@tabler/icons-react';
import { useState } from 'react';
import { useLocation, useSearch } from 'wouter';
import { LiveRuns } from '../components/LiveRuns';
import { NoEngines } from '../components/NoEngines';
import { PageHeader } from '../components/PageHeader';
import { RunDetailDrawer } from '../components/RunDetailDrawer';
import { RunsTable } from '../components/RunsTable';
import { RunsChart } from '../components/runs/RunsChart';
import { StartRunForm } from '../components/StartRunForm';
import { useAppInfo } from '../hooks/useAppInfo';
import { useRunHistory } from '../hooks/useRunHistory';
import { formatCount } from '../lib/format';

export function RunsPage() {
  const info = useAppInfo();
  const history = useRunHistory();
  // "/runs?run=12" (a notification's or a schedule's link) opens that run's detail, on arrival and on each new link.
  const linkedRunId = Number(new URLSearchParams(useSearch()).get('run')) || null;
  const [openRunId, setOpenRunId] = useState<number | null>(linkedRunId);
  const [seenLink, setSeenLink] = useState(linkedRunId);
  if (linkedRunId !== seenLink) {
    setSeenLink(linkedRunId);
    if (linkedRunId) setOpenRunId(linkedRunId);
  }
  const [, navigate] = useLocation();
  const closeRun = () => {
    setOpenRunId(null);
    // The link has been followed: drop it, or coming back to Runs would open that run again.
    if (linkedRunId) navigate('/runs?', { replace: true });
  };
  const engines = info.data?.engines ?? [];

  return (
    <Stack gap="xl">
      <PageHeader title="Runs" description="Start a check, follow it live, and look back at every run." />
      {info.isLoading ? <Loader size="sm" /> : engines.length > 0 ? <StartRunForm engines={engines} /> : <NoEngines />}

      <Stack gap="sm">
        <Title order={3} size="h4">
          Live progress
        </Title>
        <LiveRuns emptyText="Nothing is running right now." />
      </Stack>

      <RunsChart />

      <Stack gap="sm">
        <Group justify="space-between">
          <Group gap="xs">
            <Title order={3} size="h4">
              History
            </Title>
            {history.total > 0 && (
              <Badge variant="default" aria-label={`${history.total} runs`}>
                {formatCount(history.total)}
              </Badge>
            )}
          </Group>
          {history.hasNextPage && (
            <Button variant="subtle" size="xs" onClick={() => void history.fetchNextPage()} loading={history.isFetchingNextPage}>
              Load older runs
            </Button>
          )}
        </Group>
        {history.isLoading ? (
          <Center py="xl">
            <Loader size="sm" aria-label="Loading runs" />
          </Center>
        ) : history.runs.length === 0 ? (
          <EmptyState
            icon={<IconHistory size={28} aria-hidden />}
            withIndicatorBackground
            size="sm"
            title="No runs yet — start one above"
            description="Every run, manual, scheduled or from the CLI, is listed here with what it found."
          />
        ) : (
          <RunsTable
            runs={history.runs}
            onOpen={(run) => setOpenRunId(run.id)}
            hasMore={Boolean(history.hasNextPage) && !history.isFetchingNextPage}
            loadMore={() => void history.fetchNextPage()}
          />
        )}
      </Stack>
      <RunDetailDrawer runId={openRunId} onClose={closeRun} />
    </Stack>
  );
}
