import type { Schedule } from '@core/api';
import { useNow } from '../../hooks/useNow';
import { ConfirmActionModal, type Reversibility } from '../ConfirmActionModal';
import { QUARANTINE_DAYS } from '../storage/QuarantineModal';
import { scopeText } from './schedule-text';

/**
 * Engines whose automatic repair removes something (core/scheduler/run-params.ts passes `autoRepair` to
 * them). mail-import's automatic repair only imports messages: its Run now needs no question.
 */
const REMOVING_AUTO_REPAIR: Record<string, { effect: string; noun: string; reversibility: (now: number) => Reversibility }> = {
  'storage-orphans': {
    effect: 'checks the files and quarantines the rows whose file is gone, at most 50 rows or 10 % of a user’s files (the safety guard); more are left for you on the Storage page',
    noun: 'file row',
    reversibility: (now) => ({ kind: 'until', date: new Date(now + QUARANTINE_DAYS * 86_400_000).toISOString(), how: 'Restore on the Storage page puts a quarantined row back as it was.' }),
  },
};

/** Whether "Run now" on this schedule can remove data, and so must ask first. */
export const runNowRemoves = (schedule: Schedule) => schedule.autoRepair && schedule.engine in REMOVING_AUTO_REPAIR;

interface RunNowModalProps {
  schedule: Schedule | undefined;
  label: string;
  opened: boolean;
  onClose: () => void;
  onConfirm: (schedule: Schedule) => void;
}

/** "Run now" of a schedule that repairs automatically: what it may remove, how many at most, and how to undo it. */
export function RunNowModal({ schedule, label, opened, onClose, onConfirm }: RunNowModalProps) {
  const now = useNow(60_000);
  const rule = schedule ? REMOVING_AUTO_REPAIR[schedule.engine] : undefined;
  return (
    <ConfirmActionModal
      opened={opened}
      onClose={onClose}
      title="Run this schedule now, with automatic repair?"
      reversibility={rule ? rule.reversibility(now) : { kind: 'irreversible' }}
      confirmLabel="Run now and repair"
      confirmTestId="schedule-run-confirm"
      color="violet"
      onConfirm={() => schedule && onConfirm(schedule)}
    >
      <strong>{label}</strong> ({schedule ? scopeText(schedule.scope) : ''}) {rule?.effect ?? 'repairs what it finds'}. How many depends on what the check finds; the run’s result and the
      audit log list every {rule?.noun ?? 'change'}.
    </ConfirmActionModal>
  );
}
