import type { EngineInfo, Schedule } from '@core/api';
import { useNow } from '../../hooks/useNow';
import { useEngineInfo } from '../../hooks/useEngineInfo';
import { ConfirmActionModal } from '../ConfirmActionModal';
import { useScopeText } from './useScopeText';

/**
 * Whether "Run now" on this schedule can remove data, and so must ask first: its engine declares what its
 * automatic repair removes (`ui.autoRepairRemoves`). mail-import's automatic repair only imports messages,
 * so it declares nothing and its Run now needs no question.
 */
export const runNowRemoves = (schedule: Schedule, engines: readonly EngineInfo[]) =>
  schedule.autoRepair && !!engines.find((engine) => engine.id === schedule.engine)?.ui.autoRepairRemoves;

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
  const rule = useEngineInfo(schedule?.engine)?.ui.autoRepairRemoves;
  const scope = useScopeText(schedule?.scope);
  return (
    <ConfirmActionModal
      opened={opened}
      onClose={onClose}
      title="Run this schedule now, with automatic repair?"
      reversibility={rule ? { kind: 'until', date: new Date(now + rule.undoDays * 86_400_000).toISOString(), how: rule.how } : { kind: 'irreversible' }}
      confirmLabel="Run now and repair"
      confirmTestId="schedule-run-confirm"
      color="violet"
      onConfirm={() => schedule && onConfirm(schedule)}
    >
      <strong>{label}</strong> ({scope}) {rule?.effect ?? 'repairs what it finds'}. How many depends on what the check finds; the run’s result and the
      audit log list every {rule?.noun ?? 'change'}.
    </ConfirmActionModal>
  );
}
