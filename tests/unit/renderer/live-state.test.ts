import type { ProgressSnapshot, Run, RunState } from '@core/api';
import { QueryClient } from '@tanstack/react-query';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { batchedInvalidation } from '../../../renderer/src/hooks/batched-invalidation';
import { LiveStore, freshen, selectActive, selectFinished, selectLatest, selectRecent, type LiveState } from '../../../renderer/src/hooks/live-store';
import { ACTIVE_RUNS_INPUT, syncRunQueries } from '../../../renderer/src/hooks/live-sync';

const T0 = Date.parse('2026-12-02T10:00:00Z');
const at = (seconds: number) => new Date(T0 + seconds * 1000).toISOString();

function run(id: number, state: RunState, extra: Partial<Run> = {}): Run {
  return {
    id,
    engine: 'storage-orphans',
    scope: 'all',
    state,
    trigger: 'manual',
    params: { mode: 'check' },
    progress: null,
    apiCalls: {},
    result: state === 'succeeded' ? { orphans: 3 } : null,
    error: null,
    createdAt: at(0),
    startedAt: state === 'queued' ? null : at(1),
    finishedAt: state === 'queued' || state === 'running' ? null : at(60),
    ...extra,
  };
}

function progress(runId: number, percent: number, second: number): ProgressSnapshot {
  return { runId, engine: 'storage-orphans', phase: 'listing', phaseLabel: 'Listing', phaseIndex: 0, phaseCount: 2, percent, counters: { done: percent }, at: at(second) };
}

/**
 * What each widget would show, computed the way the widget computes it: the
 * header badge and the Overview's count (active runs), the live panel (active,
 * then finished), the Overview's last runs, a Runs-page history (a fetched
 * page freshened), a run's drawer and an engine page's latest run.
 */
function screens(state: LiveState, fetchedLastRuns: Run[]) {
  const active = selectActive(state);
  return {
    badgeCount: active.length,
    overviewActiveCount: active.length,
    livePanel: [...active, ...selectFinished(state)],
    lastRuns: selectRecent(state, fetchedLastRuns, 6),
    history: fetchedLastRuns.map((r) => freshen(state, r)),
    drawer: (id: number) => freshen(state, fetchedLastRuns.find((r) => r.id === id) ?? run(id, 'queued')),
    latest: selectLatest(state, fetchedLastRuns[0], (r) => r.engine === 'storage-orphans'),
  };
}

/** Fails when two widgets show one run in two states, or the count of active runs differs from the runs shown running. */
function expectAgreement(state: LiveState, fetchedLastRuns: Run[]) {
  const view = screens(state, fetchedLastRuns);
  const shown = new Map<number, RunState>();
  const seen = (r: Run, where: string) => {
    const before = shown.get(r.id);
    if (before !== undefined) expect(`${where}: run #${r.id} ${r.state}`).toBe(`${where}: run #${r.id} ${before}`);
    shown.set(r.id, r.state);
  };
  for (const r of view.livePanel) seen(r, 'live panel');
  for (const r of view.lastRuns) seen(r, 'last runs');
  for (const r of view.history) seen(r, 'history');
  if (view.latest) seen(view.latest, 'engine page');
  for (const id of shown.keys()) seen(view.drawer(id), 'drawer');
  const runningInLists = [...shown.values()].filter((s) => s === 'queued' || s === 'running').length;
  expect(view.badgeCount).toBe(view.overviewActiveCount);
  expect(runningInLists).toBe(view.overviewActiveCount);
  return view;
}

describe('one live state: every run widget agrees', () => {
  it('a run started, progressing and succeeded is in one state everywhere at each step', () => {
    const store = new LiveStore();
    store.runStarted(run(1, 'running'));
    let view = expectAgreement(store.getState(), []);
    expect(view.badgeCount).toBe(1);
    expect(view.lastRuns.map((r) => r.id)).toEqual([1]);

    store.runProgress(progress(1, 40, 5));
    view = expectAgreement(store.getState(), [run(1, 'running')]);
    expect(view.lastRuns[0]?.progress?.percent).toBe(40);
    expect(view.drawer(1).progress?.percent).toBe(40);

    store.runFinished(run(1, 'succeeded'));
    view = expectAgreement(store.getState(), [run(1, 'running')]); // the list has not been fetched again yet
    expect(view.badgeCount).toBe(0);
    expect(view.lastRuns[0]?.state).toBe('succeeded');
    expect(view.history[0]?.state).toBe('succeeded');
    expect(selectFinished(store.getState()).map((r) => r.id)).toEqual([1]);
    // The finished run keeps its last snapshot for the live panel.
    expect(view.livePanel[0]?.progress?.percent).toBe(40);
  });

  it('late, duplicated and out-of-order events never bring an ended run back', () => {
    const store = new LiveStore();
    store.runFinished(run(2, 'succeeded'));
    store.runStarted(run(2, 'running'));
    store.runProgress(progress(2, 80, 30));
    store.runStarted(run(2, 'queued'));
    store.runFinished(run(2, 'succeeded'));
    const view = expectAgreement(store.getState(), [run(2, 'running')]);
    expect(view.badgeCount).toBe(0);
    expect(view.lastRuns[0]?.state).toBe('succeeded');

    // An older progress snapshot does not replace a newer one.
    store.runStarted(run(3, 'running'));
    store.runProgress(progress(3, 50, 20));
    store.runProgress(progress(3, 30, 10));
    expect(selectActive(store.getState())[0]?.progress?.percent).toBe(50);
    expectAgreement(store.getState(), [run(3, 'running', { progress: progress(3, 10, 5) }), run(2, 'running')]);
  });

  it('an end event of a run never seen starting still shows it finished in the live panel', () => {
    const store = new LiveStore();
    store.runFinished(run(9, 'failed', { error: { code: 'x', message: 'y' } }));
    expect(selectFinished(store.getState()).map((r) => r.id)).toEqual([9]);
    // A run merely listed as ended (history) is no news: not put in the live panel.
    store.observe([run(10, 'succeeded')]);
    expect(selectFinished(store.getState()).map((r) => r.id)).toEqual([9]);
    expectAgreement(store.getState(), [run(10, 'succeeded'), run(9, 'running')]);
  });

  it('a list fetched before the end, answered after it, does not undo the end', () => {
    const store = new LiveStore();
    store.runStarted(run(4, 'running'));
    store.runFinished(run(4, 'partial'));
    store.observe([run(4, 'running')]);
    const view = expectAgreement(store.getState(), [run(4, 'running')]);
    expect(view.badgeCount).toBe(0);
    expect(view.lastRuns[0]?.state).toBe('partial');
  });

  it('a missed start: progress of an unknown run asks for the list, and the refetched list shows it running everywhere', () => {
    const store = new LiveStore();
    expect(store.runProgress(progress(5, 25, 10))).toBe(false);
    expect(selectActive(store.getState())).toEqual([]);
    store.observe([run(5, 'running')]);
    const view = expectAgreement(store.getState(), [run(5, 'running')]);
    expect(view.badgeCount).toBe(1);
    // The early snapshot was kept and shown once the run turned up.
    expect(view.lastRuns[0]?.progress?.percent).toBe(25);
  });

  it('a missed end: a refetched history that shows the run ended ends it everywhere (and the live panel reports it)', () => {
    const store = new LiveStore();
    store.runStarted(run(6, 'running'));
    store.observe([run(6, 'failed', { error: { code: 'x', message: 'y' } })]);
    const view = expectAgreement(store.getState(), [run(6, 'running')]);
    expect(view.badgeCount).toBe(0);
    expect(view.lastRuns[0]?.state).toBe('failed');
    expect(selectFinished(store.getState()).map((r) => r.id)).toEqual([6]);
  });

  it('a missed end seen only as absence from the complete active list is fetched, not guessed; news after the request protects a run', () => {
    const store = new LiveStore();
    store.runStarted(run(7, 'running'));
    store.runStarted(run(8, 'running'));
    const mark = store.mark();
    store.runProgress(progress(8, 10, 3)); // heard of after the list was asked for
    expect(store.endedUnseen([], mark)).toEqual([7]);
    // Until the answer comes, both are active everywhere, consistently.
    expectAgreement(store.getState(), [run(8, 'running'), run(7, 'running')]);
    store.observe([run(7, 'cancelled')]);
    const view = expectAgreement(store.getState(), [run(8, 'running'), run(7, 'running')]);
    expect(view.badgeCount).toBe(1);
  });

  it('memory stays bounded: old ended runs are forgotten, active ones never', () => {
    const store = new LiveStore();
    store.runStarted(run(1, 'running'));
    store.observe(Array.from({ length: 900 }, (_, i) => run(i + 2, 'succeeded')));
    const state = store.getState();
    expect(state.runs.size).toBeLessThanOrEqual(501);
    expect(state.runs.get(1)?.state).toBe('running');
    expect(state.runs.has(901)).toBe(true);
  });
});

describe('fetched run lists feed the live state (syncRunQueries)', () => {
  const clients: QueryClient[] = [];
  afterEach(() => {
    for (const client of clients.splice(0)) client.clear();
  });
  const newClient = () => {
    const client = new QueryClient({ defaultOptions: { queries: { retry: false } } });
    clients.push(client);
    return client;
  };
  const page = (items: Run[]) => ({ items, total: items.length, offset: 0, limit: 50 });

  it('any runs.list (plain or infinite) and runs.get answer is merged into the one state', async () => {
    const client = newClient();
    const store = new LiveStore();
    const off = syncRunQueries(client.getQueryCache(), store, () => undefined);
    await client.fetchQuery({ queryKey: ['runs.list', { limit: 6 }], queryFn: () => page([run(10, 'running')]) });
    expect(selectActive(store.getState()).map((r) => r.id)).toEqual([10]);
    await client.fetchInfiniteQuery({ queryKey: ['runs.list', { engine: 'storage-orphans', limit: 100 }, 'infinite'], queryFn: () => page([run(11, 'queued')]), initialPageParam: 0 });
    expect(selectActive(store.getState()).map((r) => r.id)).toEqual([11, 10]);
    await client.fetchQuery({ queryKey: ['runs.get', { id: 10 }], queryFn: () => ({ run: run(10, 'succeeded'), events: [] }) });
    expect(selectActive(store.getState()).map((r) => r.id)).toEqual([11]);
    expectAgreement(store.getState(), [run(11, 'queued'), run(10, 'running')]);
    off();
  });

  it('the complete active list missing a run names it for a fetch; an incomplete one proves nothing', async () => {
    const client = newClient();
    const store = new LiveStore();
    const ended: number[][] = [];
    const off = syncRunQueries(client.getQueryCache(), store, (ids) => ended.push(ids));
    store.runStarted(run(20, 'running'));
    await client.fetchQuery({ queryKey: ['runs.list', ACTIVE_RUNS_INPUT], queryFn: () => ({ ...page([run(21, 'running')]), total: 60 }) });
    expect(ended).toEqual([]);
    await client.fetchQuery({ queryKey: ['runs.list', ACTIVE_RUNS_INPUT], queryFn: () => page([run(21, 'running')]), staleTime: 0 });
    expect(ended).toEqual([[20]]);
    // A run whose event arrives while the request is out is not named.
    await client.fetchQuery({
      queryKey: ['runs.list', ACTIVE_RUNS_INPUT],
      queryFn: () => {
        store.runStarted(run(22, 'running'));
        return page([]);
      },
      staleTime: 0,
    });
    expect(ended[1]).toEqual([20, 21]);
    off();
  });
});

describe('a run end refetches every query (batchedInvalidation.invalidateAll)', () => {
  it('marks every query stale once per burst, except those that failed (their error is not shown again at each run)', async () => {
    vi.useFakeTimers();
    try {
      const client = new QueryClient({ defaultOptions: { queries: { retry: false, staleTime: Infinity } } });
      await client.fetchQuery({ queryKey: ['storage.summary', {}], queryFn: () => ({ openOrphans: 1 }) });
      await client.fetchQuery({ queryKey: ['media.overview', {}], queryFn: () => ({ missing: 2 }) });
      await client.fetchQuery({ queryKey: ['identity.summary', {}], queryFn: () => Promise.reject(new Error('no product database')) }).catch(() => undefined);
      const spy = vi.spyOn(client, 'invalidateQueries');
      const stale = batchedInvalidation(client);
      for (let i = 0; i < 100; i++) stale.invalidateAll();
      expect(spy).not.toHaveBeenCalled();
      await vi.advanceTimersByTimeAsync(250);
      expect(spy).toHaveBeenCalledTimes(1);
      const predicate = spy.mock.calls[0]?.[0]?.predicate;
      const chosen = client.getQueryCache().getAll().filter((q) => predicate?.(q)).map((q) => q.queryKey[0]);
      expect(chosen.sort()).toEqual(['media.overview', 'storage.summary']);
      client.clear();
    } finally {
      vi.useRealTimers();
    }
  });
});
