import { Anchor, Group, Paper, SimpleGrid, Skeleton, Stack, Title } from '@mantine/core';
import { IconActivity, IconAlertTriangle, IconPlug } from '@tabler/icons-react';
import { useState, type ReactNode } from 'react';
import { Link } from 'wouter';
import { EngineList } from '../components/EngineList';
import { LiveRuns } from '../components/LiveRuns';
import { PageHeader } from '../components/PageHeader';
import { RecentRuns } from '../components/RecentRuns';
import { RunDetailDrawer } from '../components/RunDetailDrawer';
import { StatCard } from '../components/StatCard';
import { useActiveRuns } from '../hooks/useActiveRuns';
import { useApiQuery } from '../hooks/useApi';
import { useLiveState } from '../hooks/live-context';
import { selectRecent } from '../hooks/live-store';
import { useAppInfo } from '../hooks/useAppInfo';
import { formatCount } from '../lib/format';

const LAST_RUNS = 6;

export function OverviewPage() {
  const info = useAppInfo();
  const active = useActiveRuns();
  const openFindings = useApiQuery('findings.list', { status: 'open', limit: 1 });
  const lastRuns = useApiQuery('runs.list', { limit: LAST_RUNS });
  // Through the live state, like the count and the live panel: one run is never in two states on this page.
  const recent = selectRecent(useLiveState(), lastRuns.data?.items ?? [], LAST_RUNS);
  const [openRunId, setOpenRunId] = useState<number | null>(null);
  const engines = info.data?.engines ?? [];

  return (
    <Stack gap="lg">
      <PageHeader title="Overview" description="What is running, what was found, and what this console can check." />
      <SimpleGrid cols={{ base: 1, sm: 3 }} spacing="md">
        <StatCard
          label="Active runs"
          value={active.runs.length}
          hint={active.runs.length === 0 ? 'Nothing running' : 'Live progress below'}
          icon={IconActivity}
          color="indigo"
          testId="stat-active-runs"
        />
        <StatCard
          label="Open findings"
          value={openFindings.data ? formatCount(openFindings.data.total) : '…'}
          hint={
            <Anchor component={Link} href="/findings" size="sm">
              Review findings
            </Anchor>
          }
          icon={IconAlertTriangle}
          color={openFindings.data?.total ? 'orange' : 'teal'}
          testId="stat-open-findings"
        />
        <StatCard
          label="Engines"
          value={info.data ? engines.length : '…'}
          hint={engines.length === 0 ? 'None connected yet' : engines.map((e) => e.title).join(', ')}
          icon={IconPlug}
          color="grape"
        />
      </SimpleGrid>
      <SimpleGrid cols={{ base: 1, md: 2 }} spacing="md">
        <Card title="Live progress" action={<Anchor component={Link} href="/runs" size="sm">Start a run</Anchor>}>
          <LiveRuns compact emptyText="Nothing is running. Runs started here, by the schedule or from the CLI show up live." />
        </Card>
        <Card title="Last runs" action={<Anchor component={Link} href="/runs" size="sm">All runs</Anchor>}>
          {lastRuns.isLoading ? <Skeleton h={120} /> : <RecentRuns runs={recent} onOpen={(run) => setOpenRunId(run.id)} />}
        </Card>
      </SimpleGrid>
      <Card title="Engines">{info.isLoading ? <Skeleton h={80} /> : <EngineList engines={engines} />}</Card>
      <RunDetailDrawer runId={openRunId} onClose={() => setOpenRunId(null)} />
    </Stack>
  );
}

function Card({ title, action, children }: { title: string; action?: ReactNode; children: ReactNode }) {
  return (
    <Paper withBorder p="md" radius="md" component="section" aria-label={title}>
      <Group justify="space-between" mb="sm">
        <Title order={3} size="h5">
          {title}
        </Title>
        {action}
      </Group>
      {children}
    </Paper>
  );
}
