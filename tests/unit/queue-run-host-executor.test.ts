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
    heldByQueue: async (before) => (calls.push(`held before ${before}`), held),
    failStranded: async (runId, engine, error) => (calls.push(`stranded ${runId} (${engine}): ${error.slice(0, 40)}`), !held.find((run) => run.id === runId)?.moved),
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

  it('a queued run no live job carries (by its scope key or its run id) is ended; carried ones, and one a worker took meanwhile, are not', async () => {
    const held = [
      { id: 1, engine: 'toy', scope: 'a' },
      { id: 2, engine: 'toy', scope: 'b' },
      { id: 3, engine: 'toy', scope: 'c' },
      { id: 4, engine: 'other', scope: 'a' },
      { id: 5, engine: 'other', scope: 'b', moved: true },
    ];
    const { host, calls } = fakeHost({ adopted: true, previousOwner: null }, undefined, undefined, held);
    const asked: string[] = [];
    const carriers = async (engine: string) => {
      asked.push(engine);
      return engine === 'toy' ? { keys: new Set(['toy:a']), runIds: new Set([3]) } : { keys: new Set(['toy:a', 'toy:b']), runIds: new Set<number>() };
    };
    const ended = await runHostExecutor(host).endStranded?.(new Date('2026-01-01T00:00:00Z'), carriers);
    expect(ended).toEqual([2, 4]);
    // One read of the live jobs per engine, after the runs were read.
    expect(asked).toEqual(['toy', 'other']);
    expect(calls).toEqual([
      'held before 2026-01-01T00:00:00.000Z',
      'stranded 2 (toy): no job in the queue carries this run any',
      'stranded 4 (other): no job in the queue carries this run any',
      'stranded 5 (other): no job in the queue carries this run any',
    ]);
  });
});
