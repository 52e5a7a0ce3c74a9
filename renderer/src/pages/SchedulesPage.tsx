import type { Schedule } from '@core/api';
import { Anchor, Button, Center, EmptyState, Group, Loader, Stack, Text, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useQueryClient } from '@tanstack/react-query';
import { IconCalendarTime, IconPlus } from '@tabler/icons-react';
import { useState } from 'react';
import { Link } from 'wouter';
import { PageHeader } from '../components/PageHeader';
import { AppDbSchedules } from '../components/schedules/AppDbSchedules';
import { CronJobsNotice } from '../components/schedules/CronJobsNotice';
import { DeleteScheduleModal } from '../components/schedules/DeleteScheduleModal';
import { PauseControl } from '../components/schedules/PauseControl';
import { RunNowModal, runNowRemoves } from '../components/schedules/RunNowModal';
import { ScheduleFormModal, type ScheduleFormTarget } from '../components/schedules/ScheduleFormModal';
import { SchedulesTable } from '../components/schedules/SchedulesTable';
import { engineTitleOf } from '../components/schedules/schedule-text';
import { useScopeText } from '../components/schedules/useScopeText';
import { useSchedules } from '../components/schedules/useSchedules';
import { apiKey, useApiMutation } from '../hooks/useApi';
import { useAppInfo } from '../hooks/useAppInfo';
import { TablePager } from '../components/table/TablePager';

const CONSOLE_PAGE = 50;

/** What runs in the background and when: console schedules, per-user ones from the product database, and pausing. */
export function SchedulesPage() {
  const info = useAppInfo();
  const list = useSchedules();
  const queryClient = useQueryClient();
  const engines = info.data?.engines ?? [];
  const engineTitle = engineTitleOf(engines);
  const [form, setForm] = useState<{ target?: ScheduleFormTarget; opened: boolean; session: number }>({ opened: false, session: 0 });
  const [removal, setRemoval] = useState<{ schedule?: Schedule; opened: boolean }>({ opened: false });
  const removalScope = useScopeText(removal.schedule?.scope);
  const [busy, setBusy] = useState<ReadonlySet<number>>(new Set());
  const [consolePage, setConsolePage] = useState({ offset: 0, limit: CONSOLE_PAGE });
  const refresh = () => void queryClient.invalidateQueries({ queryKey: apiKey('schedules.list') });

  const runNow = useApiMutation('schedules.runNow', {
    onSuccess: ({ runId, alreadyRunning }) => {
      notifications.show({ color: alreadyRunning ? 'blue' : 'teal', title: alreadyRunning ? 'Already running' : 'Run started', message: alreadyRunning ? `Run #${runId} of this schedule is still going.` : `Run #${runId} started as a scheduled run.` });
      refresh();
    },
    onSettled: (_data, _error, input) => setBusy((current) => new Set([...current].filter((id) => id !== input.id))),
  });
  const setEnabled = useApiMutation('schedules.setEnabled', {
    // The switch follows the answer at once, without waiting for the list to be fetched again.
    onSuccess: (saved) => {
      queryClient.setQueryData(apiKey('schedules.list', {}), (current: typeof list.data) => current && { ...current, schedules: current.schedules.map((s) => (s.id === saved.id ? saved : s)) });
      refresh();
    },
  });
  const run = (schedule: Schedule) => {
    setBusy((current) => new Set(current).add(schedule.id));
    runNow.mutate({ id: schedule.id });
  };
  // A schedule whose automatic repair removes rows asks first, like every other destructive button.
  const [confirmRun, setConfirmRun] = useState<{ schedule?: Schedule; opened: boolean }>({ opened: false });
  const startRun = (schedule: Schedule) => (runNowRemoves(schedule, engines) ? setConfirmRun({ schedule, opened: true }) : run(schedule));
  const openForm = (target: ScheduleFormTarget) => setForm((current) => ({ target, opened: true, session: current.session + 1 }));

  const schedules = list.data?.schedules ?? [];
  const consoleSchedules = schedules.filter((s) => s.origin === 'console');
  const consoleOffset = Math.min(consolePage.offset, Math.max(0, consoleSchedules.length - 1));
  const appDbSchedules = schedules.filter((s) => s.origin === 'app-db');
  const paused = list.data?.pausedIndefinitely ?? false;
  const addButton = (
    <Button leftSection={<IconPlus size={16} aria-hidden />} onClick={() => openForm({ mode: 'create' })} disabled={engines.length === 0} data-testid="add-schedule">
      Add schedule
    </Button>
  );

  return (
    <Stack gap="xl">
      <PageHeader
        title="Schedules"
        description="Checks and imports that run on their own, from this window or the tray. Automatic repairs always stay inside the safety guard."
        actions={
          <Group gap="sm">
            {list.data && <PauseControl pausedUntil={list.data.pausedUntil} pausedIndefinitely={list.data.pausedIndefinitely} />}
            {consoleSchedules.length > 0 && addButton}
          </Group>
        }
      />
      <CronJobsNotice />
      {list.isLoading ? (
        <Center py="xl">
          <Loader size="sm" aria-label="Loading schedules" />
        </Center>
      ) : consoleSchedules.length === 0 ? (
        <EmptyState
          icon={<IconCalendarTime size={28} aria-hidden />}
          withIndicatorBackground
          size="sm"
          title="No schedules yet"
          description="A schedule runs an engine every N minutes or on a cron expression, for all users, one user or one source. Add one to keep a check running in the background."
          data-testid="schedules-empty"
        >
          <EmptyState.Actions>{addButton}</EmptyState.Actions>
        </EmptyState>
      ) : (
        <Stack gap="xs">
        <SchedulesTable
          schedules={consoleSchedules.slice(consoleOffset, consoleOffset + consolePage.limit)}
          engineTitle={engineTitle}
          busyIds={busy}
          onRunNow={startRun}
          onToggle={(schedule, enabled) => setEnabled.mutate({ id: schedule.id, enabled })}
          onEdit={(schedule) => openForm({ mode: 'edit', schedule })}
          onDelete={(schedule) => setRemoval({ schedule, opened: true })}
          label="Schedules"
          testId="schedules-table"
          pausedIndefinitely={paused}
        />
        {/* Migrated per-user pg_cron jobs make thousands of console schedules: paged like the per-user ones. */}
        {consoleSchedules.length > CONSOLE_PAGE && <TablePager total={consoleSchedules.length} offset={consoleOffset} limit={consolePage.limit} onChange={setConsolePage} noun="schedules" />}
        </Stack>
      )}

      <Stack gap="sm">
        <Title order={3} size="h4">
          Per-user schedules
        </Title>
        <Text size="sm" c="dimmed">
          Read from the product database: each user's storage auto-sync and mail import settings. Changes there are picked up within a minute.
        </Text>
        {!list.isLoading && <AppDbSchedules schedules={appDbSchedules} engineTitle={engineTitle} busyIds={busy} onRunNow={startRun} pausedIndefinitely={paused} />}
      </Stack>

      <Text size="sm" c="dimmed" data-testid="mail-settings-pointer">
        Each user's Gmail import switch and interval are on the{' '}
        <Anchor component={Link} href="/mail" size="sm">
          Mail page
        </Anchor>
        , where they can be changed.
      </Text>

      <ScheduleFormModal target={form.target} opened={form.opened} session={form.session} engines={engines} onClose={() => setForm((current) => ({ ...current, opened: false }))} />
      <RunNowModal
        schedule={confirmRun.schedule}
        label={confirmRun.schedule ? engineTitle(confirmRun.schedule.engine) : ''}
        opened={confirmRun.opened}
        onClose={() => setConfirmRun((current) => ({ ...current, opened: false }))}
        onConfirm={(schedule) => {
          setConfirmRun((current) => ({ ...current, opened: false }));
          run(schedule);
        }}
      />
      <DeleteScheduleModal
        schedule={removal.schedule}
        label={removal.schedule ? `${engineTitle(removal.schedule.engine)} · ${removalScope}` : ''}
        opened={removal.opened}
        onClose={() => setRemoval((current) => ({ ...current, opened: false }))}
      />
    </Stack>
  );
}
