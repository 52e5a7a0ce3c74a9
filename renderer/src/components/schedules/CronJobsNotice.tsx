import type { CronDetection } from '@core/api';
import { Alert, Button, Group, Stack, Table, Text } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useQueryClient } from '@tanstack/react-query';
import { IconArrowBackUp, IconClockBolt } from '@tabler/icons-react';
import { useState } from 'react';
import { ConfirmActionModal } from '../ConfirmActionModal';
import { formatCount } from '../../lib/format';
import { apiKey, useApiMutation, useApiQuery } from '../../hooks/useApi';

/**
 * A product that runs one pg_cron job per user (the seed-003 pattern) is told
 * so on the Schedules page, with a one-step move of those jobs to per-user
 * schedules here, and its undo. Nothing shows for a product without them.
 */
export function CronJobsNotice() {
  const queryClient = useQueryClient();
  const detection = useApiQuery('schedules.cron.detect', { limit: 5, matched: true });
  const [confirm, setConfirm] = useState(false);
  const refresh = () => {
    void queryClient.invalidateQueries({ queryKey: apiKey('schedules.cron.detect') });
    void queryClient.invalidateQueries({ queryKey: apiKey('schedules.list') });
  };
  const migrate = useApiMutation('schedules.cron.migrate', {
    onSuccess: (result) => {
      setConfirm(false);
      refresh();
      notifications.show({ color: 'teal', title: 'Per-user jobs migrated', message: `${formatCount(result.migrated)} pg_cron jobs now run as per-user schedules here. Undo is on this page.` });
    },
    onError: (error) => notifications.show({ color: 'red', title: 'Nothing was migrated', message: error.message }),
  });
  const undo = useApiMutation('schedules.cron.undo', {
    onSuccess: (result) => {
      refresh();
      notifications.show({ color: 'teal', title: 'Migration undone', message: `${formatCount(result.jobs)} pg_cron jobs are back in the product, exactly as they were.` });
    },
    onError: (error) => notifications.show({ color: 'red', title: 'Undo failed', message: error.message }),
  });

  const data: CronDetection | undefined = detection.data;
  if (!data) return null;
  const migrated = data.migration?.state === 'migrated' ? data.migration : null;
  if (migrated) {
    return (
      <Alert color="teal" variant="light" icon={<IconClockBolt size={18} aria-hidden />} title="Per-user pg_cron jobs migrated" data-testid="cron-migrated">
        <Group justify="space-between" align="center" gap="sm" wrap="wrap">
          <Text size="sm" style={{ flex: '1 1 24rem' }}>
            {formatCount(migrated.jobs)} per-user pg_cron jobs of the product were moved to {formatCount(migrated.schedules)} per-user schedules here on {new Date(migrated.updatedAt).toLocaleString()}. Undo puts every job back exactly as it was and removes those schedules.
          </Text>
          <Button variant="default" leftSection={<IconArrowBackUp size={16} aria-hidden />} loading={undo.isPending} onClick={() => undo.mutate({ id: migrated.id })} data-testid="cron-undo">
            Undo migration
          </Button>
        </Group>
      </Alert>
    );
  }
  if (!data.present || data.matched === 0) return null;
  return (
    <>
      <Alert color="yellow" variant="light" icon={<IconClockBolt size={18} aria-hidden />} title={`This product runs ${formatCount(data.matched)} per-user pg_cron jobs`} data-testid="cron-notice">
        <Stack gap="sm">
          <Text size="sm">
            Each user's auto-sync is its own job in the product database's pg_cron (one <code>cron.job</code> per user), which does not scale past a few thousand users. Migrating moves them to per-user schedules here, fired by one tick a minute.
            {data.unmatched > 0 && ` ${formatCount(data.unmatched)} other ${data.unmatched === 1 ? 'job does not follow the pattern and is' : 'jobs do not follow the pattern and are'} left alone.`}
          </Text>
          <Table.ScrollContainer minWidth={560}>
            <Table verticalSpacing={4} fz="sm" data-testid="cron-jobs">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>User</Table.Th>
                  <Table.Th>Schedule</Table.Th>
                  <Table.Th>Last run</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {data.users.map((u) => {
                  const last = u.lastRuns[0];
                  return (
                    <Table.Tr key={u.userId}>
                      <Table.Td style={{ wordBreak: 'break-all' }}>{u.userId}</Table.Td>
                      <Table.Td style={{ whiteSpace: 'nowrap' }}>
                        <code>{u.schedule}</code>
                        {!(u.active && u.enabled) && ' (off)'}
                      </Table.Td>
                      <Table.Td>{last ? `${last.status ?? '?'}${last.startedAt ? ` · ${new Date(last.startedAt).toLocaleString()}` : ''}${last.message ? ` · ${last.message}` : ''}` : 'never ran'}</Table.Td>
                    </Table.Tr>
                  );
                })}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
          {data.matched > data.users.length && (
            <Text size="xs" c="dimmed">
              And {formatCount(data.matched - data.users.length)} more users (syncwarden schedules cron-jobs lists them all).
            </Text>
          )}
          <Group>
            <Button color="yellow" onClick={() => setConfirm(true)} data-testid="cron-migrate">
              Migrate {formatCount(data.matched)} jobs…
            </Button>
          </Group>
        </Stack>
      </Alert>
      <ConfirmActionModal
        opened={confirm}
        onClose={() => setConfirm(false)}
        title="Migrate the per-user pg_cron jobs?"
        count={{ n: data.matched, noun: 'per-user job' }}
        reversibility={{ kind: 'reversible', how: 'Undo on this page puts every cron job back exactly (same schedule and command) and removes the schedules it created.' }}
        confirmLabel={`Migrate ${formatCount(data.matched)} jobs`}
        confirmTestId="cron-migrate-confirm"
        color="yellow"
        pending={migrate.isPending}
        onConfirm={() => migrate.mutate({ expectJobs: data.matched })}
      >
        {formatCount(data.matched)} pg_cron jobs are removed from the product database in one transaction, and the same {formatCount(data.matched)} per-user schedules (same intervals) are created here. No user is synced twice: the schedules start once the jobs are gone.
        {data.unmatched > 0 && ` The ${formatCount(data.unmatched)} ${data.unmatched === 1 ? 'job that does' : 'jobs that do'} not follow the pattern ${data.unmatched === 1 ? 'stays' : 'stay'} as ${data.unmatched === 1 ? 'it is' : 'they are'}.`}
      </ConfirmActionModal>
    </>
  );
}
