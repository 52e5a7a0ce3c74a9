import type { TeamWorkerInfo } from '@core/api';
import { Badge, Group, Progress, Stack, Table, Text } from '@mantine/core';
import { formatCount } from '../../lib/format';
import { EngineName } from '../EngineName';
import { RelativeTime } from '../RelativeTime';

/** Lost first (they need a look), then draining, then by host: the order an admin scans for trouble. */
function rank(worker: TeamWorkerInfo): number {
  return !worker.alive ? 0 : worker.draining ? 1 : 2;
}

export function sortWorkers(workers: readonly TeamWorkerInfo[]): TeamWorkerInfo[] {
  return [...workers].sort((a, b) => rank(a) - rank(b) || a.host.localeCompare(b.host) || a.pid - b.pid);
}

function WorkerState({ worker }: { worker: TeamWorkerInfo }) {
  if (!worker.alive) {
    return (
      <Badge color="red" variant="light" title="Its heartbeat lease expired: the process was killed or cut off. Its jobs go back to the queue." data-testid={`worker-state-${worker.id}`}>
        Lost
      </Badge>
    );
  }
  if (worker.draining) {
    return (
      <Badge color="orange" variant="light" title="Stopping (SIGTERM): it finishes or releases its jobs and takes no new ones." data-testid={`worker-state-${worker.id}`}>
        Draining
      </Badge>
    );
  }
  return (
    <Badge color="teal" variant="light" data-testid={`worker-state-${worker.id}`}>
      Alive
    </Badge>
  );
}

/** Every worker process the queue knows: where it runs, what it takes, how busy it is, when it last reported. */
export function WorkersTable({ workers }: { workers: readonly TeamWorkerInfo[] }) {
  return (
    <Table.ScrollContainer minWidth={720}>
      <Table verticalSpacing="xs" highlightOnHover aria-label="Workers" data-testid="workers-table" layout="fixed">
        <Table.Thead>
          <Table.Tr>
            <Table.Th w={130}>Host</Table.Th>
            <Table.Th w={100}>State</Table.Th>
            <Table.Th>Engines</Table.Th>
            <Table.Th w={150}>Jobs running</Table.Th>
            <Table.Th w={140}>Last heartbeat</Table.Th>
            <Table.Th w={110}>Started</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {sortWorkers(workers).map((worker) => (
            <Table.Tr key={worker.id} data-testid={`worker-row-${worker.id}`} style={worker.alive ? undefined : { opacity: 0.75 }}>
              <Table.Td>
                <Stack gap={0}>
                  <Text size="sm" fw={600} truncate title={worker.host}>
                    {worker.host}
                  </Text>
                  <Text size="xs" c="dimmed">
                    pid {worker.pid}
                  </Text>
                </Stack>
              </Table.Td>
              <Table.Td>
                <WorkerState worker={worker} />
              </Table.Td>
              <Table.Td>
                <Group gap={4}>
                  {worker.engines.length === 0 ? (
                    <Text size="sm" c="dimmed">
                      every engine
                    </Text>
                  ) : (
                    worker.engines.map((engine) => (
                      <Badge key={engine} variant="default" size="sm" tt="none" fw={500}>
                        <EngineName id={engine} />
                      </Badge>
                    ))
                  )}
                </Group>
              </Table.Td>
              <Table.Td>
                <Stack gap={4}>
                  <Text size="sm" data-testid={`worker-running-${worker.id}`}>
                    {formatCount(worker.running)} of {formatCount(worker.concurrency)}
                  </Text>
                  <Progress
                    value={worker.concurrency ? (100 * worker.running) / worker.concurrency : 0}
                    size="sm"
                    color={worker.alive ? 'blue' : 'gray'}
                    aria-label={`${worker.host} pid ${worker.pid}: ${worker.running} of ${worker.concurrency} job slots in use`}
                  />
                </Stack>
              </Table.Td>
              <Table.Td>
                <RelativeTime iso={worker.heartbeatAt} size="sm" c={worker.alive ? undefined : 'red'} />
              </Table.Td>
              <Table.Td>
                <RelativeTime iso={worker.startedAt} size="sm" c="dimmed" />
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}
