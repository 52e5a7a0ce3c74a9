import { describe, expect, it } from 'vitest';
import { runHostExecutor, type AdoptOutcome, type QueuedRunHost } from '../../core/queue/run-host-executor';
import type { RunAttempt } from '../../core/queue/run-executor';

function fakeHost(adopt: AdoptOutcome, requeued = { runId: 8, joined: false }, continuedBy?: number, held: { id: number; engine: string; scope: string; moved?: boolean }[] = []) {
  const calls: string[] = [];
  const host: QueuedRunHost = {
    adopt: async (runId, owner) => (calls.push(`adopt ${runId} by ${owner.workerId} #${owner.attempt}`), adopt),
    note: async (runId, message) => void calls.push(`note ${runId}: ${message}`),
    execute: async (runId) => void calls.push(`execute ${runId}`),
    fail: async (runId, error) => void calls.push(`fail ${runId}: ${error}`),
    requeue: async (runId) => (calls.push(`requeue ${runId}`), requeued),
    continuedBy: async () => continuedBy,
    heldByQueue: async () => (calls.push('held'), [...held]),
    failStranded: async (runId, engine, error) => {
      calls.push(`stranded ${runId} (${engine}): ${error.slice(0, 40)}`);
      const at = held.findIndex((run) => run.id === runId && !run.moved);
      if (at < 0) return false;
      held.splice(at, 1); // failed: no longer held by the queue
      return true;
    },
  };
  return { host, calls };
}

const attempt = (over: Partial<RunAttempt> = {}): RunAttempt => ({
  runId: 7, engine: 'toy', scope: 'user:a@example.com', jobId: 'job-1', attempt: 1, redriven: false, workerId: 'w2', signal: new AbortController().signal, ...over,
});

describe('the queue executor over the run manager', () => {
  it('a first attempt adopts the queued run and executes it, with no lost-worker note', async () => {
    const { host, calls } = fakeHost({ adopted: true, previousOwner: null });
    await runHostExecutor(host).execute(attempt());
    expect(calls).toEqual(['adopt 7 by w2 #1', 'execute 7']);
  });

  it('a retry after a killed worker reclaims the same run and records which worker was lost', async () => {
    const { host, calls } = fakeHost({ adopted: true, previousOwner: 'w1' });
    await runHostExecutor(host).execute(attempt({ attempt: 2 }));
    expect(calls).toEqual(['adopt 7 by w2 #2', 'note 7: attempt 2 on w2; worker w1 lost', 'execute 7']);
  });

  it('a run an earlier attempt already finished is not run again', async () => {
    const { host, calls } = fakeHost({ adopted: false, reason: 'finished', state: 'succeeded' });
    await runHostExecutor(host).execute(attempt({ attempt: 2 }));
    expect(calls).toEqual(['adopt 7 by w2 #2']);
  });

  it('a run a sweep interrupted after its worker was lost is continued by a new run of the scope, not dropped', async () => {
    const { host, calls } = fakeHost({ adopted: false, reason: 'finished', state: 'interrupted' });
    let first = true;
    const adopt = host.adopt;
    host.adopt = async (runId, owner) => {
      if (first) {
        first = false;
        return adopt(runId, owner);
      }
      calls.push(`adopt ${runId} by ${owner.workerId} #${owner.attempt}`);
      return { adopted: true, previousOwner: null };
    };
    await runHostExecutor(host).execute(attempt({ attempt: 2 }));
    expect(calls).toEqual(['adopt 7 by w2 #2', 'requeue 7', 'note 8: attempt 2 on w2 continues run 7, interrupted when its worker was lost', 'adopt 8 by w2 #2', 'execute 8']);
  });

  it('a run whose owner lease has not lapsed throws, so the queue retries later', async () => {
    const { host } = fakeHost({ adopted: false, reason: 'owned', owner: 'w1' });
    await expect(runHostExecutor(host).execute(attempt({ attempt: 2 }))).rejects.toThrow(/still owned by w1/);
  });

  it('a dead letter put back starts a new run of the same scope, or joins an active one', async () => {
    const fresh = fakeHost({ adopted: true, previousOwner: null });
    await runHostExecutor(fresh.host).execute(attempt({ redriven: true }));
    expect(fresh.calls).toEqual(['requeue 7', 'note 8: retry of run 7 (dead letter put back in the queue)', 'adopt 8 by w2 #1', 'execute 8']);
    const joined = fakeHost({ adopted: true, previousOwner: null }, { runId: 9, joined: true });
    await runHostExecutor(joined.host).execute(attempt({ redriven: true }));
    expect(joined.calls).toEqual(['requeue 7']);
  });

  it('giving up fails the run with the last error', async () => {
    const { host, calls } = fakeHost({ adopted: true, previousOwner: null });
    await runHostExecutor(host).giveUp?.({ runId: 7, engine: 'toy', scope: 's', jobId: 'job-1' }, 'HTTP 500');
    expect(calls).toEqual(['fail 7: the queue gave up after its retries (job job-1): HTTP 500']);
  });

  it('an interrupted run an earlier attempt of the same job already continued is not run again (its completion was lost)', async () => {
    const { host, calls } = fakeHost({ adopted: false, reason: 'finished', state: 'interrupted' }, { runId: 8, joined: false }, 8);
    await runHostExecutor(host).execute(attempt({ attempt: 3 }));
    // It takes that run up (adopt: a stranded queued one is run, a finished or live one left alone), never a third.
    expect(calls).toEqual(['adopt 7 by w2 #3', 'adopt 8 by w2 #3']);
  });

  it('a queued run no live job carries (by its scope key or its run id) for the whole grace is ended; carried ones, and one a worker took meanwhile, are not', async () => {
    const held = [
      { id: 1, engine: 'toy', scope: 'a' },
      { id: 2, engine: 'toy', scope: 'b' },
      { id: 3, engine: 'toy', scope: 'c' },
      { id: 4, engine: 'other', scope: 'a' },
      { id: 5, engine: 'other', scope: 'b', moved: true },
      { id: 6, engine: 'toy', scope: 'd' },
    ];
    const { host, calls } = fakeHost({ adopted: true, previousOwner: null }, undefined, undefined, held);
    const asked: string[] = [];
    let sixCarried = false;
    const carriers = async (engine: string) => {
      asked.push(engine);
      if (engine === 'other') return { keys: new Set(['toy:a', 'toy:b']), runIds: new Set<number>() };
      return { keys: new Set(['toy:a', ...(sixCarried ? ['toy:d'] : [])]), runIds: new Set([3]) };
    };
    const executor = runHostExecutor(host);
    // First seen without a job: nothing is ended before the grace is over (a start's job may be on its way).
    expect(await executor.endStranded?.(1_000, carriers, 0)).toEqual([]);
    expect(asked).toEqual(['toy', 'other']); // one read of the live jobs per engine, after the runs were read
    // Run 6's job arrives; a grace later 2 and 4 are ended, 5 had moved on, 6 is carried.
    sixCarried = true;
    expect(await executor.endStranded?.(1_000, carriers, 999)).toEqual([]);
    expect(await executor.endStranded?.(1_000, carriers, 1_000)).toEqual([2, 4]);
    expect(calls.filter((call) => call.startsWith('stranded'))).toEqual([
      'stranded 2 (toy): no job in the queue carries this run any',
      'stranded 4 (other): no job in the queue carries this run any',
      'stranded 5 (other): no job in the queue carries this run any',
    ]);
    // Run 6 loses its job again: its grace starts over from now, not from when it was first seen.
    sixCarried = false;
    expect(await executor.endStranded?.(1_000, carriers, 1_500)).toEqual([]);
    expect(await executor.endStranded?.(1_000, carriers, 2_499)).toEqual([]);
    expect(await executor.endStranded?.(1_000, carriers, 2_500)).toEqual([6]);
  });
});
