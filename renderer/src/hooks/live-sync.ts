import type { MethodOutput, Run, RunState } from '@core/api';
import { hashKey, type Query, type QueryCache } from '@tanstack/react-query';
import { selectActive, type LiveState, type LiveStore } from './live-store';

const ACTIVE_STATES = ['queued', 'running'] as const satisfies readonly RunState[];
/** The list of active runs the header badge keeps fetched on every page (so a reload or a missed event still shows them). */
export const ACTIVE_RUNS_INPUT = { states: [...ACTIVE_STATES], limit: 50 };
const ACTIVE_RUNS_HASH = hashKey(['runs.list', ACTIVE_RUNS_INPUT]);

/**
 * How often the active list is asked again without an event. Runs another process owns (a CLI command on the
 * same data dir, a scheduled run of the daemon) send this window no event: their start and their end are seen
 * only by asking. Often while any run shows active (so none stays active after it ended), seldom otherwise.
 */
export const ACTIVE_POLL_MS = 3_000;
export const IDLE_POLL_MS = 15_000;
export const activeRunsPollMs = (state: LiveState): number => (selectActive(state).length > 0 ? ACTIVE_POLL_MS : IDLE_POLL_MS);

type RunsPage = MethodOutput<'runs.list'>;
type RunDetail = MethodOutput<'runs.get'>;

const isRunsPage = (data: unknown): data is RunsPage => typeof data === 'object' && data !== null && Array.isArray((data as RunsPage).items);
const isInfinite = (data: unknown): data is { pages: unknown[] } => typeof data === 'object' && data !== null && Array.isArray((data as { pages?: unknown }).pages);
const isRunDetail = (data: unknown): data is RunDetail => typeof data === 'object' && data !== null && typeof (data as RunDetail).run === 'object';

/** Every run a `runs.list` (a page, or all pages of an infinite list) or a `runs.get` answer holds. */
function runsOf(method: unknown, data: unknown): Run[] {
  if (method === 'runs.get') return isRunDetail(data) ? [data.run] : [];
  if (method !== 'runs.list') return [];
  if (isInfinite(data)) return data.pages.flatMap((page) => (isRunsPage(page) ? page.items : []));
  return isRunsPage(data) ? data.items : [];
}

/**
 * Feeds every run list and run detail the queries fetch into the live store,
 * whoever asked for it: a widget that shows a fetched run and a widget that
 * counts active runs then read one merged picture. When the complete list of
 * active runs no longer holds a run the store thinks active (its end event was
 * lost), `onEndedUnseen` is told so its final state can be fetched.
 */
export function syncRunQueries(cache: QueryCache, store: LiveStore, onEndedUnseen: (runIds: number[]) => void): () => void {
  // The store's event counter when each query's request was sent.
  const sentAt = new WeakMap<Query, number>();
  return cache.subscribe((event) => {
    if (event.type !== 'updated') return;
    const { query, action } = event;
    const method = query.queryKey[0];
    if (method !== 'runs.list' && method !== 'runs.get') return;
    if (action.type === 'fetch') sentAt.set(query, store.mark());
    if (action.type !== 'success') return;
    store.observe(runsOf(method, action.data));
    const mark = sentAt.get(query);
    if (mark === undefined || query.queryHash !== ACTIVE_RUNS_HASH || !isRunsPage(action.data)) return;
    // An incomplete list (more active runs than one page, newest first) proves only that the unlisted runs newer than its last one ended.
    const ended = store.endedUnseen(action.data.items, mark, action.data.total <= action.data.items.length);
    if (ended.length) onEndedUnseen(ended);
  });
}
