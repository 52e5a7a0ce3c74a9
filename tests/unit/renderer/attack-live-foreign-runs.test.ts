import type { Run, RunState } from '@core/api';
import { QueryClient } from '@tanstack/react-query';
import { afterEach, describe, expect, it } from 'vitest';
import { LiveStore, selectActive } from '../../../renderer/src/hooks/live-store';
import { ACTIVE_POLL_MS, ACTIVE_RUNS_INPUT, activeRunsPollMs, IDLE_POLL_MS, syncRunQueries } from '../../../renderer/src/hooks/live-sync';

const run = (id: number, state: RunState): Run => ({
  id,
  engine: 'storage-orphans',
  scope: 'all',
  state,
  trigger: 'cli',
  params: {},
  progress: null,
  apiCalls: {},
  result: null,
  error: null,
  createdAt: '2026-12-02T10:00:00.000Z',
  startedAt: null,
  finishedAt: null,
});
const page = (items: Run[], total = items.length) => ({ items, total, offset: 0, limit: 50 });

const clients: QueryClient[] = [];
afterEach(() => {
  for (const client of clients.splice(0)) client.clear();
});

describe('attack: runs no event tells this window about', () => {
  it('a run another process owns (a CLI command) is asked for again while it shows active, so its end is seen without any event', async () => {
    const client = new QueryClient({ defaultOptions: { queries: { retry: false } } });
    clients.push(client);
    const store = new LiveStore();
    const named: number[][] = [];
    const off = syncRunQueries(client.getQueryCache(), store, (ids) => named.push(ids));
    expect(activeRunsPollMs(store.getState())).toBe(IDLE_POLL_MS); // a CLI run that starts is seen within this
    await client.fetchQuery({ queryKey: ['runs.list', ACTIVE_RUNS_INPUT], queryFn: () => page([run(5, 'running')]) });
    expect(selectActive(store.getState()).map((r) => r.id)).toEqual([5]);
    // No event will ever come for run 5: only the poll can end it, so it must be frequent while it shows active.
    expect(activeRunsPollMs(store.getState())).toBe(ACTIVE_POLL_MS);
    await client.fetchQuery({ queryKey: ['runs.list', ACTIVE_RUNS_INPUT], queryFn: () => page([]), staleTime: 0 });
    expect(named).toEqual([[5]]);
    off();
  });

  it('with more active runs than one page, an unlisted run newer than the oldest listed one has ended', () => {
    const store = new LiveStore();
    for (let id = 1; id <= 60; id++) store.runStarted(run(id, 'running'));
    const mark = store.mark();
    // The host's first page, newest first: run 55 ended (its end event lost), runs 1..10 are beyond the page.
    const listed = Array.from({ length: 60 }, (_, i) => run(60 - i, 'running')).filter((r) => r.id !== 55).slice(0, 50);
    expect(store.endedUnseen(listed, mark, false)).toEqual([55]);
  });
});
