import { Badge, Button, Center, EmptyState, Group, Loader, Stack, Title } from '@mantine/core';
import { IconHistory } from '@tabler/icons-react';
import { useState } from 'react';
import { LiveRuns } from '../components/LiveRuns';
import { NoEngines } from '../components/NoEngines';
import { PageHeader } from '../components/PageHeader';
import { RunDetailDrawer } from '../components/RunDetailDrawer';
import { RunsTable } from '../components/RunsTable';
import { StartRunForm } from '../components/StartRunForm';
import { useAppInfo } from '../hooks/useAppInfo';
import { useRunHistory } from '../hooks/useRunHistory';
import { formatCount } from '../lib/format';

export function RunsPage() {
  const info = useAppInfo();
  const history = useRunHistory();
  const [openRunId, setOpenRunId] = useState<number | null>(null);
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
      <RunDetailDrawer runId={openRunId} onClose={() => setOpenRunId(null)} />
    </Stack>
  );
}
