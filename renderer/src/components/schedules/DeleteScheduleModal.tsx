import type { Schedule } from '@core/api';
import { notifications } from '@mantine/notifications';
import { useQueryClient } from '@tanstack/react-query';
import { ConfirmRemoveModal } from '../ConfirmRemoveModal';
import { apiKey, useApiMutation } from '../../hooks/useApi';

/** Confirms by what the schedule does, and says what stays: its runs and their history. */
export function DeleteScheduleModal({ schedule, label, opened, onClose }: { schedule: Schedule | undefined; label: string; opened: boolean; onClose: () => void }) {
  const queryClient = useQueryClient();
  const remove = useApiMutation('schedules.delete', {
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: apiKey('schedules.list') });
      notifications.show({ color: 'teal', title: 'Schedule deleted', message: `${label} no longer runs on its own.` });
      onClose();
    },
  });
  return (
    <ConfirmRemoveModal opened={opened} onClose={onClose} title={'Delete this schedule?'} confirmLabel="Delete schedule" confirmTestId="schedule-delete-confirm" count={{ n: 1, noun: 'schedule' }} reversibility={{ kind: 'irreversible', note: 'Its firing history goes with it; to run it again, add a new schedule.' }} pending={remove.isPending} onConfirm={() => schedule && remove.mutate({ id: schedule.id })}>
      <strong>{label}</strong>, {schedule?.triggerText}, will no longer run on its own. Its past runs stay in the history and the audit log; a run in progress finishes.
    </ConfirmRemoveModal>
  );
}
