import { Alert, Center, Code, EmptyState, Loader, SimpleGrid, Stack } from '@mantine/core';
import { IconAlertCircle, IconClockPause, IconServer2, IconSkull, IconStack2 } from '@tabler/icons-react';
import { useState } from 'react';
import { PageHeader } from '../components/PageHeader';
import { Section } from '../components/Section';
import { StatCard } from '../components/StatCard';
import { DeadLetters } from '../components/team/DeadLetters';
import { QueueDepthTable } from '../components/team/QueueDepthTable';
import { TeamModeOff } from '../components/team/TeamModeOff';
import { ThroughputChart } from '../components/team/ThroughputChart';
import { THROUGHPUT_BUCKET_MINUTES, throughputSince, useTeam } from '../components/team/useTeam';
import { WorkersTable } from '../components/team/WorkersTable';
import { useNow } from '../hooks/useNow';
import { formatCount } from '../lib/format';

/** Team mode: worker processes, queue depth per engine, throughput and failures, and jobs that kept failing. */
export function WorkersPage() {
  const [deadOffset, setDeadOffset] = useState(0);
  const now = useNow(60_000);
  const since = throughputSince(now);
  const team = useTeam(deadOffset, since);
  const status = team.status.data;
  const unreachable = [team.workers, team.queue, team.throughput, team.deadLetters].find((q) => q.error)?.error;
  const workers = team.workers.data ?? [];
  const alive = workers.filter((w) => w.alive);
  const depth = team.queue.data ?? [];

  return (
    <Stack gap="lg">
      <PageHeader
        title="Workers"
        description={
          status?.enabled
            ? `Team mode: runs are jobs in the PostgreSQL queue, taken by worker processes on any machine. Refreshed every ${Math.round(team.pollMs / 1000)} s.`
            : 'Worker processes that take runs from a shared job queue (team mode).'
        }
      />
      {team.status.isLoading ? (
        <Center py="xl">
          <Loader size="sm" aria-label="Loading team mode" />
        </Center>
      ) : team.status.error ? (
        <Alert color="red" icon={<IconAlertCircle />} title="Could not ask whether team mode is on">
          {team.status.error.message}
        </Alert>
      ) : status && !status.enabled ? (
        <TeamModeOff store={status.store} />
      ) : (
        <>
          {unreachable && (
            <Alert color="red" icon={<IconAlertCircle />} title="The job queue could not be read" data-testid="team-unreachable">
              {unreachable.message} What is shown below is from the last successful read; it refreshes on its own when the database answers again.
            </Alert>
          )}
          <SimpleGrid cols={{ base: 1, sm: 3 }}>
            <StatCard label="Workers alive" value={team.workers.data ? formatCount(alive.length) : '…'} hint={`${formatCount(alive.reduce((n, w) => n + w.running, 0))} of ${formatCount(alive.reduce((n, w) => n + w.concurrency, 0))} job slots busy`} icon={IconServer2} color="teal" testId="team-alive" />
            <StatCard label="Jobs waiting" value={team.queue.data ? formatCount(depth.reduce((n, d) => n + d.queued, 0)) : '…'} hint={`${formatCount(depth.reduce((n, d) => n + d.active, 0))} running now`} icon={IconStack2} color="blue" testId="team-waiting" />
            <StatCard label="Dead letters" value={team.deadLetters.data ? formatCount(team.deadLetters.data.total) : '…'} hint="jobs that kept failing" icon={IconSkull} color={team.deadLetters.data?.total ? 'red' : 'gray'} testId="team-dead" />
          </SimpleGrid>
          <Section id="workers-title" title="Workers" hint={<>Each <Code>syncwarden worker</Code> process: the engines it takes, its jobs and its last heartbeat. A worker whose heartbeat stops is lost; its jobs are retried by another.</>}>
            {team.workers.isLoading ? (
              <Loader size="sm" aria-label="Loading workers" />
            ) : workers.length === 0 ? (
              <EmptyState icon={<IconClockPause size={24} aria-hidden />} size="sm" title="No workers are running" data-testid="workers-empty" description={<>Team mode is on, but no worker process has reported. Jobs wait in the queue until one starts: run <Code>syncwarden worker</Code> on a machine that can reach the store.</>} />
            ) : (
              <WorkersTable workers={workers} />
            )}
          </Section>
          <Section id="queue-title" title="Queue depth per engine">
            {team.queue.data ? <QueueDepthTable depth={depth} /> : <Loader size="sm" aria-label="Loading queue depth" />}
          </Section>
          <ThroughputChart points={team.throughput.data} loading={team.throughput.isLoading} since={since} now={now} bucketMinutes={THROUGHPUT_BUCKET_MINUTES} />
          <Section id="dead-title" title="Dead letters" hint="Jobs that failed every attempt. Retry one when its cause is fixed (a user reconnected, a service back up).">
            {team.deadLetters.data ? <DeadLetters page={team.deadLetters.data} onPage={setDeadOffset} /> : <Loader size="sm" aria-label="Loading dead letters" />}
          </Section>
        </>
      )}
    </Stack>
  );
}
