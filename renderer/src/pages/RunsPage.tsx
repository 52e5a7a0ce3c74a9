import { Badge, Button, Center, EmptyState, Group, Loader, Stack, Title } from '@mantine/core';
import { IconFilterOff, IconHistory } from '@tabler/icons-react';
import { useEffect, useRef, useState } from 'react';
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
import { useApiQuery } from '../hooks/useApi';
import { RunsFilters } from '../components/runs/RunsFilters';
import { filtersFromSearch, hasFilters, listInputOf, searchOf, type RunFilters } from '../components/runs/run-filters';
import { usePerson } from '../hooks/usePerson';
import { formatCount } from '../lib/format';

export function RunsPage() {
  const info = useAppInfo();
  const search = useSearch();
  // The filters live in the URL ("/runs?engine=identity&state=failed&schedule=3"), so a filtered view can be linked.
  const filters = filtersFromSearch(search);
  // A picked user's runs are keyed by their id or email: who the key names widens the scopes asked for.
  const { person } = usePerson(filters.user || null);
  const history = useRunHistory(listInputOf(filters, person));
  // "/runs?run=12" (a notification's or a schedule's link) opens that run's detail, on arrival and on each new link.
  const linkedRunId = Number(new URLSearchParams(search).get('run')) || null;
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
    if (linkedRunId) navigate(`/runs?${searchOf(filters)}`, { replace: true });
  };
  const setFilters = (next: RunFilters) => navigate(`/runs?${searchOf(next, linkedRunId ? { run: String(linkedRunId) } : {})}`, { replace: true });
  // A schedule's history names the schedule, not only its number.
  const schedules = useApiQuery('schedules.list', {}, { enabled: filters.scheduleId !== null });
  const schedule = schedules.data?.schedules.find((s) => s.id === filters.scheduleId);
  const filtered = hasFilters(filters);
  // Arriving on a linked history (a schedule's, a user's, a shared filter), show the history, not the Start form above it.
  const historyRef = useRef<HTMLDivElement>(null);
  const scrollPending = useRef(filtered);
  useEffect(() => {
    if (filters.scheduleId !== null) scrollPending.current = true;
  }, [filters.scheduleId]);
  // Once the history has loaded (the chart above settles its height by then), so the scroll lands where it aims.
  useEffect(() => {
    if (!scrollPending.current || history.isLoading) return;
    scrollPending.current = false;
    historyRef.current?.scrollIntoView({ block: 'start' });
  }, [history.isLoading, filters.scheduleId]);
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

      <Stack gap="sm" ref={historyRef} style={{ scrollMarginTop: 72 }}>
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
        <RunsFilters value={filters} onChange={setFilters} engines={engines} scheduleLabel={schedule ? `${engines.find((e) => e.id === schedule.engine)?.title ?? schedule.engine}, ${schedule.triggerText}` : undefined} />
        {history.isLoading ? (
          <Center py="xl">
            <Loader size="sm" aria-label="Loading runs" />
          </Center>
        ) : history.runs.length === 0 && filtered ? (
          <EmptyState
            icon={<IconFilterOff size={28} aria-hidden />}
            withIndicatorBackground
            size="sm"
            title="No run matches these filters"
            description="Clear a filter, or widen the dates."
            data-testid="runs-none-match"
          />
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
