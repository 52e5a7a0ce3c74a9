import type { RunManager } from '../runs/run-manager';
import type { Store } from '../store/store';
import type { QueuedRunHost } from './run-host-executor';

/** The run manager and store of a worker process as the queue's QueuedRunHost. */
export function runManagerHost(runs: RunManager, store: Store, now: () => Date = () => new Date()): QueuedRunHost {
  return {
    adopt: (runId) => runs.adoptQueued(runId),
    note: (runId, message) => store.runEvents.append(runId, 'message', message, now().toISOString()),
    async execute(runId, signal) {
      await runs.runAdopted(runId, signal);
    },
    fail: (runId, error) => runs.failQueued(runId, error),
    async requeue(runId) {
      const run = await store.runs.get(runId);
      if (!run) throw new Error(`run ${runId} is not in the store`);
      // The redriven job executing this is the new run's job: nothing to send.
      const again = await runs.startInQueue(run.engine, run.params, run.trigger, async () => undefined);
      return { runId: again.runId, joined: again.alreadyRunning };
    },
  };
}
