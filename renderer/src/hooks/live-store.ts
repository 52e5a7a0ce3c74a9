import type { ProgressSnapshot, Run } from '@core/api';

/** How many runs that finished while the console was open stay on screen. */
const FINISHED_KEPT = 5;
/**
 * Listeners hear about changes at most this often. A burst of events (hundreds
 * of runs starting at once from the CLI) must cost a few renders, not one
 * synchronous render per event, which React refuses past ~50 in a row.
 */
const NOTIFY_EVERY_MS = 50;

export interface LiveState {
  /** Latest snapshot per active run; a run leaves this map when it finishes. */
  progress: ReadonlyMap<number, ProgressSnapshot>;
  /** Runs seen starting (event) and not yet seen finishing. */
  started: ReadonlyMap<number, Run>;
  /** Runs that finished during this session, newest first, until dismissed. */
  finished: readonly Run[];
}

/**
 * What the run events say between two fetches. Kept outside the query cache
 * because progress arrives up to ten times a second per run, and only the
 * screens that draw progress should re-render for it.
 */
export class LiveStore {
  private state: LiveState = { progress: new Map(), started: new Map(), finished: [] };
  private readonly listeners = new Set<() => void>();
  private notifyTimer: ReturnType<typeof setTimeout> | undefined;

  getState = (): LiveState => this.state;

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  runStarted(run: Run): void {
    this.update({ started: with_(this.state.started, run.id, run) });
  }

  runProgress(snapshot: ProgressSnapshot): void {
    // A late snapshot after the finish event must not resurrect the run.
    if (this.state.finished.some((run) => run.id === snapshot.runId)) return;
    this.update({ progress: with_(this.state.progress, snapshot.runId, snapshot) });
  }

  runFinished(run: Run): void {
    const last = this.state.progress.get(run.id);
    const kept: Run = { ...run, progress: run.progress ?? last ?? null };
    this.update({
      progress: without(this.state.progress, run.id),
      started: without(this.state.started, run.id),
      finished: [kept, ...this.state.finished.filter((r) => r.id !== run.id)].slice(0, FINISHED_KEPT),
    });
  }

  dismissFinished(runId?: number): void {
    this.update({ finished: runId === undefined ? [] : this.state.finished.filter((run) => run.id !== runId) });
  }

  private update(patch: Partial<LiveState>): void {
    this.state = { ...this.state, ...patch };
    this.notifyTimer ??= setTimeout(() => {
      this.notifyTimer = undefined;
      for (const listener of this.listeners) listener();
    }, NOTIFY_EVERY_MS);
  }
}

function with_<K, V>(map: ReadonlyMap<K, V>, key: K, value: V): ReadonlyMap<K, V> {
  const next = new Map(map);
  next.set(key, value);
  return next;
}

function without<K, V>(map: ReadonlyMap<K, V>, key: K): ReadonlyMap<K, V> {
  if (!map.has(key)) return map;
  const next = new Map(map);
  next.delete(key);
  return next;
}
