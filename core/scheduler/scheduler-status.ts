import type { SchedulerStatus } from '../api/schedules';
import type { PauseView } from './pause-state';

/** What the tray and the Schedules page show, from the scheduler's parts; the state's order is its urgency. */
export function schedulerStatus(input: {
  pause: PauseView;
  attention: number;
  activeRuns: number;
  next: { scheduleId: number; engine: string; at: number } | undefined;
}): SchedulerStatus {
  const { pause, attention, activeRuns, next } = input;
  const paused = pause.pausedIndefinitely || pause.pausedUntil !== null;
  return {
    state: paused ? 'paused' : attention > 0 ? 'attention' : activeRuns > 0 ? 'running' : 'idle',
    activeRuns,
    attention,
    nextRun: next ? { scheduleId: next.scheduleId, engine: next.engine, at: new Date(next.at).toISOString() } : null,
    pausedUntil: pause.pausedUntil,
    pausedIndefinitely: pause.pausedIndefinitely,
  };
}
