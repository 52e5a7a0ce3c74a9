import type { RunState } from '../api/models';

/**
 * The run state machine, in one table. `interrupted` is reached only by
 * recovery: a run found queued or running whose owner process is gone.
 * `partial` is reached by a run that finished but reported failed items
 * (`itemsFailed > 0` in its result).
 */
export const RUN_TRANSITIONS: Readonly<Record<RunState, readonly RunState[]>> = {
  queued: ['running', 'cancelled', 'failed', 'interrupted'],
  running: ['succeeded', 'partial', 'failed', 'cancelled', 'interrupted'],
  succeeded: [],
  partial: [],
  failed: [],
  cancelled: [],
  interrupted: [],
};

const TERMINAL_STATES: readonly RunState[] = ['succeeded', 'partial', 'failed', 'cancelled', 'interrupted'];

export function canTransition(from: RunState, to: RunState): boolean {
  return RUN_TRANSITIONS[from].includes(to);
}

/** The states a run may be in just before entering `to`. */
export function statesBefore(to: RunState): RunState[] {
  return (Object.keys(RUN_TRANSITIONS) as RunState[]).filter((from) => canTransition(from, to));
}

export function isTerminal(state: RunState): boolean {
  return TERMINAL_STATES.includes(state);
}
