import type { ProgressSnapshot, Run, RunState } from '@core/api';

/** How many runs that finished while the console was open stay on screen. */
const FINISHED_KEPT = 5;
/** Ended runs remembered (so a list fetched before the end cannot bring a run back to life); active ones are always kept. */
const ENDED_KEPT = 500;
/**
 * Listeners hear about changes at most this often. A burst of events (hundreds
 * of runs starting at once from the CLI) must cost a few renders, not one
 * synchronous render per event, which React refuses past ~50 in a row.
 */
const NOTIFY_EVERY_MS = 50;

/**
 * The one live picture of runs that every widget reads (the header badge, the
 * Overview's count, live panel and last runs, the Runs page, the drawers, each
 * engine page). Events and every fetched run list are merged into it, so two
 * widgets can never show one run in two states.
 */
export interface LiveState {
  /** The freshest known version of each run seen (by event or in any fetched list), with its latest progress. */
  runs: ReadonlyMap<number, Run>;
  /** Ids of runs seen going from active to ended in this session, newest first, until dismissed. */
  finished: readonly number[];
}

const ACTIVE: readonly RunState[] = ['queued', 'running'];
const isActive = (state: RunState) => ACTIVE.includes(state);
/** States only move forward: queued → running → ended. An older report never undoes a newer one. */
const rank = (state: RunState) => (state === 'queued' ? 0 : state === 'running' ? 1 : 2);

function newer(a: ProgressSnapshot | null, b: ProgressSnapshot | null): ProgressSnapshot | null {
  if (!a) return b;
  if (!b) return a;
  return b.at >= a.at ? b : a;
}

/** What is known of a run after hearing `incoming` about it, whatever order the reports arrived in. */
function mergeRun(known: Run | undefined, incoming: Run): Run {
  if (!known) return incoming;
  if (rank(incoming.state) < rank(known.state)) return known;
  // Nothing new (the same run in a refetched list): keep the object, so nothing re-renders for it.
  if (incoming.state === known.state && incoming.finishedAt === known.finishedAt && (incoming.progress?.at ?? '') <= (known.progress?.at ?? '')) return known;
  if (!isActive(incoming.state)) return { ...incoming, progress: incoming.progress ?? known.progress };
  return { ...incoming, progress: newer(known.progress, incoming.progress) };
}

export class LiveStore {
  private state: LiveState = { runs: new Map(), finished: [] };
  /** Counts every event, so a list can be told to be older or newer than what the events said of a run. */
  private seq = 0;
  private readonly touched = new Map<number, number>();
  /** Progress of runs not seen yet (their start event was missed); applied when the run turns up. */
  private readonly early = new Map<number, ProgressSnapshot>();
  private readonly listeners = new Set<() => void>();
  private notifyTimer: ReturnType<typeof setTimeout> | undefined;

  getState = (): LiveState => this.state;

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  /** The event counter now: taken when a list request is sent, given back with its answer. */
  mark(): number {
    return this.seq;
  }

  runStarted(run: Run): void {
    this.touch(run.id);
    this.apply([run]);
  }

  /** False when the run is unknown here (its start was missed): the caller should fetch the run list again. */
  runProgress(snapshot: ProgressSnapshot): boolean {
    this.touch(snapshot.runId);
    const known = this.state.runs.get(snapshot.runId);
    if (!known) {
      this.early.set(snapshot.runId, newer(this.early.get(snapshot.runId) ?? null, snapshot) ?? snapshot);
      return false;
    }
    // A late snapshot after the end must not bring the run back.
    if (!isActive(known.state)) return true;
    this.apply([{ ...known, progress: snapshot }]);
    return true;
  }

  runFinished(run: Run): void {
    this.touch(run.id);
    // Said to have ended now, even if its start was missed: the live panel shows it as finished.
    this.apply([run], true);
  }

  /** Runs as a fetched list reported them (any filter, any page, or one run's detail). */
  observe(runs: readonly Run[]): void {
    if (runs.length) this.apply(runs);
  }

  /**
   * Runs still active here that a complete list of the active runs, asked for
   * at `mark`, no longer holds, and of which no event was heard since: they
   * ended while their end event was lost. The caller fetches each one and
   * observes the answer (until then they stay active everywhere, consistently).
   */
  endedUnseen(activeList: readonly Run[], mark: number, complete = true): number[] {
    const listed = new Set(activeList.map((run) => run.id));
    // A first page of the active runs, newest first, proves only that the unlisted runs newer than its oldest ended.
    const oldest = activeList.reduce((min, run) => Math.min(min, run.id), Number.POSITIVE_INFINITY);
    const covered = (id: number) => complete || id > oldest;
    return [...this.state.runs.values()].filter((run) => isActive(run.state) && covered(run.id) && !listed.has(run.id) && (this.touched.get(run.id) ?? 0) <= mark).map((run) => run.id);
  }

  dismissFinished(runId?: number): void {
    this.update({ runs: this.state.runs, finished: runId === undefined ? [] : this.state.finished.filter((id) => id !== runId) });
  }

  private touch(runId: number): void {
    this.seq += 1;
    // Bounded like the runs: a run forgotten here counts as untouched, i.e. as old news.
    this.touched.delete(runId);
    this.touched.set(runId, this.seq);
    if (this.touched.size > ENDED_KEPT * 4) this.touched.delete(this.touched.keys().next().value as number);
  }

  private apply(incoming: readonly Run[], endedNow = false): void {
    const runs = new Map(this.state.runs);
    let finished = this.state.finished;
    let changed = false;
    for (const report of incoming) {
      const known = runs.get(report.id);
      const early = this.early.get(report.id) ?? null;
      this.early.delete(report.id);
      const withEarly = early && isActive(report.state) ? { ...report, progress: newer(report.progress, early) } : report;
      const next = mergeRun(known, withEarly);
      if (next === known) continue;
      runs.set(report.id, next);
      changed = true;
      const seenEnding = known ? isActive(known.state) : endedNow;
      if (seenEnding && !isActive(next.state)) finished = [next.id, ...finished.filter((id) => id !== next.id)].slice(0, FINISHED_KEPT);
    }
    if (changed) this.update({ runs: forgetOldEnded(runs, finished), finished });
  }

  private update(next: LiveState): void {
    this.state = next;
    this.notifyTimer ??= setTimeout(() => {
      this.notifyTimer = undefined;
      for (const listener of this.listeners) listener();
    }, NOTIFY_EVERY_MS);
  }
}

/** Bounded memory: the oldest ended runs are forgotten first; active runs and those on screen as finished stay. */
function forgetOldEnded(runs: Map<number, Run>, finished: readonly number[]): Map<number, Run> {
  const ended = [...runs.values()].filter((run) => !isActive(run.state) && !finished.includes(run.id));
  if (ended.length <= ENDED_KEPT) return runs;
  const drop = ended.sort((a, b) => a.id - b.id).slice(0, ended.length - ENDED_KEPT);
  for (const run of drop) runs.delete(run.id);
  return runs;
}

// ---- Selectors: every widget derives what it shows from these, never from a list of its own. ----

/** Runs queued or running, newest first. */
export function selectActive(state: LiveState): Run[] {
  return [...state.runs.values()].filter((run) => isActive(run.state)).sort((a, b) => b.id - a.id);
}

/** Runs that ended while this window was open, newest first. */
export function selectFinished(state: LiveState): Run[] {
  return state.finished.flatMap((id) => state.runs.get(id) ?? []);
}

/** A run from a fetched list as the live state knows it now. */
export function freshen(state: LiveState, run: Run): Run {
  return mergeRun(run, state.runs.get(run.id) ?? run);
}

/** The newest `limit` runs: a fetched list of the latest runs joined with those the live state knows, so a run just started is listed at once. */
export function selectRecent(state: LiveState, fetched: readonly Run[], limit: number): Run[] {
  const byId = new Map<number, Run>(fetched.map((run) => [run.id, freshen(state, run)]));
  for (const run of state.runs.values()) if (!byId.has(run.id)) byId.set(run.id, run);
  return [...byId.values()].sort((a, b) => b.id - a.id).slice(0, limit);
}

/** The newest run matching `match`: the newest a fetched list gave, or one the live state knows that is newer still. */
export function selectLatest(state: LiveState, fetched: Run | undefined, match: (run: Run) => boolean): Run | null {
  let latest = fetched ? freshen(state, fetched) : null;
  for (const run of state.runs.values()) if (match(run) && (!latest || run.id > latest.id)) latest = run;
  return latest;
}
