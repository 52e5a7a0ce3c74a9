import type { MethodOutput, TeamDeadLetterInfo } from '@core/api';
import { Anchor, Button, Table, Text, VisuallyHidden } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { IconRotateClockwise } from '@tabler/icons-react';
import { useState } from 'react';
import { Link } from 'wouter';
import { useApiMutation } from '../../hooks/useApi';
import { ConfirmActionModal } from '../ConfirmActionModal';
import { EngineName } from '../EngineName';
import { RelativeTime } from '../RelativeTime';
import { RunScopeLabel } from '../ScopeLabel';
import { TablePager } from '../table/TablePager';
import { useRefreshTeam } from './useTeam';

interface DeadLettersProps {
  page: MethodOutput<'team.deadLetters'>;
  onPage: (offset: number) => void;
}

/** Jobs that kept failing, with the last error in the service's own words, each retryable after a confirmation. */
export function DeadLetters({ page, onPage }: DeadLettersProps) {
  const [asked, setAsked] = useState<TeamDeadLetterInfo | null>(null);
  const refresh = useRefreshTeam();
  const retry = useApiMutation('team.retryDeadLetter', {
    onSuccess: ({ retried, jobId }) => {
      notifications.show(
        retried
          ? { color: 'teal', title: 'Job back in the queue', message: `Job ${jobId} waits for a worker again.` }
          : { color: 'blue', title: 'Nothing to retry', message: `Job ${jobId} is no longer a dead letter: it was retried or removed meanwhile.` },
      );
      setAsked(null);
      refresh();
    },
  });

  if (page.total === 0) {
    return (
      <Text size="sm" c="dimmed" data-testid="dead-letters-empty">
        No dead letters: every job either succeeded or is still being retried.
      </Text>
    );
  }
  return (
    <>
      <Table.ScrollContainer minWidth={640}>
        <Table verticalSpacing="xs" aria-label="Dead-letter jobs" data-testid="dead-letters-table" layout="fixed">
          <Table.Thead>
            <Table.Tr>
              <Table.Th w={250}>Job</Table.Th>
              <Table.Th>Last error</Table.Th>
              <Table.Th w={140}>Failed</Table.Th>
              <Table.Th w={100}>
                <VisuallyHidden>Action</VisuallyHidden>
              </Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {page.items.map((job) => (
              <Table.Tr key={job.jobId} data-testid={`dead-letter-${job.jobId}`}>
                <Table.Td style={{ overflow: 'hidden' }}>
                  <Text size="sm" fw={500}>
                    <EngineName id={job.engine} />
                  </Text>
                  <RunScopeLabel scope={job.scope} />
                  {job.runId !== null && (
                    <Anchor component={Link} href={`/runs?run=${job.runId}`} size="xs" c="dimmed" display="block">
                      run #{job.runId}
                    </Anchor>
                  )}
                </Table.Td>
                <Table.Td>
                  <Text size="sm" c="red" style={{ overflowWrap: 'anywhere' }} data-testid={`dead-letter-error-${job.jobId}`}>
                    {job.error}
                  </Text>
                </Table.Td>
                <Table.Td>
                  <RelativeTime iso={job.failedAt} size="sm" />
                  <Text size="xs" c="dimmed">
                    after {job.attempts} {job.attempts === 1 ? 'attempt' : 'attempts'}
                  </Text>
                </Table.Td>
                <Table.Td>
                  <Button size="xs" variant="default" leftSection={<IconRotateClockwise size={14} aria-hidden />} onClick={() => setAsked(job)} aria-label={`Retry job ${job.jobId}`} data-testid={`retry-${job.jobId}`}>
                    Retry
                  </Button>
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
      <TablePager total={page.total} offset={page.offset} limit={page.limit} pageSizes={[page.limit]} onChange={({ offset }) => onPage(offset)} noun="dead letters" testId="dead-letters-pager" />
      <ConfirmActionModal
        opened={asked !== null}
        onClose={() => setAsked(null)}
        title="Retry this job?"
        count={{ n: 1, noun: 'job' }}
        reversibility={{ kind: 'reversible', how: 'cancel its run on the Runs page while it waits or runs.' }}
        confirmLabel="Retry 1 job"
        confirmTestId="retry-confirm"
        color="blue"
        pending={retry.isPending}
        onConfirm={() => asked && retry.mutate({ jobId: asked.jobId })}
      >
        {asked && (
          <>
            The <EngineName id={asked.engine} /> job for <RunScopeLabel scope={asked.scope} /> goes back in its queue and runs again on the next free worker, with the engine's usual safety limits. It failed{' '}
            {asked.attempts} times, last with: <Text span c="red">{asked.error}</Text>
          </>
        )}
      </ConfirmActionModal>
    </>
  );
}
