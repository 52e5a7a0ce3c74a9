import { runJobKey } from './queue-config';
import type { JobCarriers, RunAttempt, RunExecutor } from './run-executor';
import type { RunJobData } from './run-job';

/** What adopting a queued run found in the store. */
export type AdoptOutcome =
  /** This worker now owns the run (queued → running, or running under a lapsed owner lease). */
  | { readonly adopted: true; readonly previousOwner: string | null }
  /**
   * The run already ended: finished by an earlier attempt before its job was completed (nothing to
   * do), or `interrupted` by a console's sweep after its worker was lost (the work is not done).
   */
  | { readonly adopted: false; readonly reason: 'finished'; readonly state: string }
  /** Its owner's lease has not lapsed yet: try again later (the queue's retry backoff). */
  | { readonly adopted: false; readonly reason: 'owned'; readonly owner: string };

/**
 * The run manager's side of team mode, as the queue needs it. The run manager
 * implements it over the store (owner lease, heartbeat, progress, finish);
 * the queue module stays free of the store's and engines' internals.
 */
export interface QueuedRunHost {
  /** Takes ownership of a run the store holds (compare-and-set on state and owner lease). */
  adopt(runId: number, owner: { workerId: string; attempt: number }): Promise<AdoptOutcome>;
  /** Appends an event to the run's history (shown on every console). */
  note(runId: number, message: string): Promise<void>;
  /** Executes an adopted run through the engine registry to its end; resolves once the run is finished in the store. */
  execute(runId: number, signal: AbortSignal): Promise<void>;
  /** Ends a run the queue gave up on (dead letter) as failed with this error, unless it already ended. */
  fail(runId: number, error: string): Promise<void>;
  /**
   * The newest run of the same engine+scope created after this one that was not interrupted: it did, or is
   * doing, the work an interrupted run left (an earlier attempt of the same job continued it, then its job's
   * completion was lost). Undefined when there is none.
   */
  continuedBy(runId: number): Promise<number | undefined>;
  /** Queued runs still held by the queue (no worker adopted them). */
  heldByQueue(): Promise<readonly { readonly id: number; readonly engine: string; readonly scope: string }[]>;
  /** Ends such a run failed with this error while it is still queued and the queue's; false when it moved on. */
  failStranded(runId: number, engine: string, error: string): Promise<boolean>;
  /** A new queued run with the same engine, scope and parameters (dead-letter retry); joins an active one. */
  requeue(runId: number): Promise<{ readonly runId: number; readonly joined: boolean }>;
}

/**
 * The queue's executor over the run manager: decides what an attempt does
 * with the run row, so a retry after a killed worker neither loses nor
 * doubles the run.
 */
export function runHostExecutor(host: QueuedRunHost): RunExecutor {
  /** endStranded's memory: each run seen held by the queue with no live job, since when (its monotonic ms). */
  const uncarriedSince = new Map<number, number>();
  return {
    async execute(attempt: RunAttempt): Promise<void> {
      let runId = attempt.runId;
      if (attempt.redriven) {
        // Retried from the dead letters by an admin: the old run keeps its failure; a new run does the work.
        const again = await host.requeue(attempt.runId);
        if (again.joined) return;
        await host.note(again.runId, `retry of run ${attempt.runId} (dead letter put back in the queue)`);
        runId = again.runId;
      }
      let adopted = await host.adopt(runId, { workerId: attempt.workerId, attempt: attempt.attempt });
      let continuing = false;
      if (!adopted.adopted && adopted.reason === 'finished' && adopted.state === 'interrupted') {
        // Its worker was lost and a sweep ended the run honestly `interrupted` before this retry came:
        // the history keeps that run, and a run of the same engine+scope does the work. An earlier attempt
        // of this job may already have started that run (its completion then lost to a killed connection):
        // this attempt takes that run up rather than doing the scope twice, and takes it even while it is
        // still queued, since no other job may carry it (the attempt that queued it died before finishing).
        const interrupted = runId;
        const later = await host.continuedBy(interrupted);
        if (later !== undefined) runId = later;
        else {
          const again = await host.requeue(interrupted);
          runId = again.runId;
          if (!again.joined) await host.note(runId, `attempt ${attempt.attempt} on ${attempt.workerId} continues run ${interrupted}, interrupted when its worker was lost`);
        }
        continuing = true;
        adopted = await host.adopt(runId, { workerId: attempt.workerId, attempt: attempt.attempt });
      }
      if (!adopted.adopted) {
        // Finished, or (when continuing) run by a live worker that took it up: the work is done or under way.
        if (adopted.reason === 'finished' || continuing) return;
        throw new Error(`run ${runId} is still owned by ${adopted.owner} (its lease has not lapsed); retrying later`);
      }
      if (adopted.previousOwner !== null && adopted.previousOwner !== attempt.workerId) {
        await host.note(runId, `attempt ${attempt.attempt} on ${attempt.workerId}; worker ${adopted.previousOwner} lost`);
      }
      await host.execute(runId, attempt.signal);
    },
    async giveUp(job: RunJobData & { jobId: string }, error: string): Promise<void> {
      await host.fail(job.runId, `the queue gave up after its retries (job ${job.jobId}): ${error}`);
    },
    async endStranded(graceMs, carriers, nowMs) {
      const ended: number[] = [];
      const byEngine = new Map<string, JobCarriers>();
      const uncarried = new Set<number>();
      // The runs are read before the jobs: a run queued at that read whose job is gone by the next was not
      // taken by it (a job completes only after its run left the queue's hands).
      for (const run of await host.heldByQueue()) {
        let live = byEngine.get(run.engine);
        if (!live) byEngine.set(run.engine, (live = await carriers(run.engine)));
        if (live.keys.has(runJobKey(run.engine, run.scope)) || live.runIds.has(run.id)) continue;
        uncarried.add(run.id);
        const since = uncarriedSince.get(run.id) ?? nowMs;
        uncarriedSince.set(run.id, since);
        // Seen without a job for the whole grace (a start's INSERT comes before its send): stranded.
        if (nowMs - since < graceMs) continue;
        const why = 'no job in the queue carries this run any more (its job failed, or its start stopped before sending it, while the store could not be reached); nobody would take it. Start it again.';
        if (await host.failStranded(run.id, run.engine, why)) ended.push(run.id);
      }
      for (const id of uncarriedSince.keys()) if (!uncarried.has(id) || ended.includes(id)) uncarriedSince.delete(id);
      return ended;
    },
  };
}
