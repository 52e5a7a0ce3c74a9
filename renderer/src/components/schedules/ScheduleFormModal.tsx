import type { EngineInfo, Schedule } from '@core/api';
import { Modal } from '@mantine/core';
import { ScheduleForm } from './ScheduleForm';

/** What the modal is doing: adding, or editing one schedule. */
export type ScheduleFormTarget = { mode: 'create' } | { mode: 'edit'; schedule: Schedule };

interface ScheduleFormModalProps {
  /** Kept while the modal closes, so its content does not change mid-transition. */
  target: ScheduleFormTarget | undefined;
  opened: boolean;
  /** Bumped on every open, so each opening starts from a fresh draft. */
  session: number;
  engines: readonly EngineInfo[];
  onClose: () => void;
}

export function ScheduleFormModal({ target, opened, session, engines, onClose }: ScheduleFormModalProps) {
  const schedule = target?.mode === 'edit' ? target.schedule : undefined;
  return (
    <Modal opened={opened} onClose={onClose} title={schedule ? 'Edit schedule' : 'Add a schedule'} size="lg" closeButtonProps={{ 'aria-label': 'Close' }}>
      {target && <ScheduleForm key={session} schedule={schedule} engines={engines} onClose={onClose} />}
    </Modal>
  );
}
