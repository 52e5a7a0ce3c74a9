import type { Run } from '../api/models';
import type { EventHub } from '../base/event-hub';
import type { RunManager } from '../runs/run-manager';

/**
 * What the scheduler needs from the runs module: start a run as `schedule`,
 * count active runs, and hear when runs finish. The benchmark passes fake
 * runs through the same port so engines do not count in its figures.
 */
export interface RunStarter {
  start(engine: string, params: Record<string, unknown>): Promise<{ runId: number; alreadyRunning: boolean }>;
  activeRuns(): number;
  onFinished(listener: (run: Pick<Run, 'id' | 'state'>) => void): () => void;
}

export function runManagerStarter(runs: RunManager, events: EventHub): RunStarter {
  return {
    start: (engine, params) => runs.start(engine, params, 'schedule'),
    activeRuns: () => runs.activeRunIds().length,
    onFinished: (listener) =>
      events.subscribe((event, payload) => {
        if (event === 'run.finished') listener(payload as Run);
      }),
  };
}
