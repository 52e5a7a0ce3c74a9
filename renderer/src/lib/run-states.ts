import type { RunState, RunTrigger } from '@core/api';
import {
  IconAlertTriangle,
  IconCircleCheck,
  IconCircleX,
  IconClockPause,
  IconHandStop,
  IconLoader2,
  type Icon,
} from '@tabler/icons-react';

/** The contract's own lists (core/api/models.ts), not copies. */
export { RUN_STATES, RUN_TRIGGERS } from '@core/api/models';

export const STATE_STYLE: Record<RunState, { color: string; label: string; icon: Icon }> = {
  queued: { color: 'gray', label: 'Queued', icon: IconClockPause },
  running: { color: 'blue', label: 'Running', icon: IconLoader2 },
  succeeded: { color: 'teal', label: 'Succeeded', icon: IconCircleCheck },
  // Finished, but some items failed: never shown as a success.
  partial: { color: 'grape', label: 'Partial', icon: IconAlertTriangle },
  failed: { color: 'red', label: 'Failed', icon: IconCircleX },
  cancelled: { color: 'yellow', label: 'Cancelled', icon: IconHandStop },
  interrupted: { color: 'orange', label: 'Interrupted', icon: IconAlertTriangle },
};

export const TRIGGER_LABEL: Record<RunTrigger, string> = { manual: 'Manual', schedule: 'Schedule', cli: 'CLI' };

export function isActive(state: RunState): boolean {
  return state === 'queued' || state === 'running';
}
