import { RunSupersededError, type RunManager } from '../runs/run-manager';
import type { Store } from '../store/store';
import { AttemptSupersededError } from './run-executor';
import type { QueuedRunHost } from './run-host-executor';

/** The run manager and store of a worker process as the queue's QueuedRunHost. */
export function runManagerHost(runs: RunManager, store: Store, now: () => Date = () => new Date()): QueuedRunHost {
  return {
    adopt: (runId) => runs.adoptQueued(runId),
    note: (runId, message) => store.runEvents.append(runId, 'message', message, now().toISOString()),
    async execute(runId, signal) {
      const run = await runs.runAdopted(runId, signal).catch((error: unknown) => {
        throw error instanceof RunSupersededError ? new AttemptSupersededError(error.message) : error;
      });
      // Interrupted while this worker held it (released on drain, or its lease judged lost by a sweep while
      // it stalled): the work is not done. Throwing fails the job back to the queue, whose retry continues
      // the run as a new one; resolving would complete the job with nobody doing the work.
      if (run.state === 'interrupted') throw new Error(`run ${runId} was interrupted before it finished (${run.error?.message ?? 'its worker lost it'}); the queue retries it`);
    },
    fail: (runId, error) => runs.failQueued(runId, error),
    heldByQueue: () => store.runs.heldByQueue(),
    failStranded: (runId, engine, error) => runs.failStranded(runId, engine, error),
    async continuedBy(runId) {
      const run = await store.runs.get(runId);
      if (!run) return undefined;
      const later = await store.runs.list({ engine: run.engine, scope: run.scope, limit: 20, offset: 0 });
      return later.items.find((other) => other.id > runId && other.state !== 'interrupted')?.id;
    },
    async requeue(runId) {
      const run = await store.runs.get(runId);
      if (!run) throw new Error(`run ${runId} is not in the store`);
      // The redriven job executing this is the new run's job: nothing to send.
      const again = await runs.startInQueue(run.engine, run.params, run.trigger, async () => undefined);
      return { runId: again.runId, joined: again.alreadyRunning };
    },
  };
}
