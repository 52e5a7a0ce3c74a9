import type { SchedulerStatus } from '../api/schedules';
import type { FiringRecord, StoredSchedule } from '../store/schedules.repo';
import { SheetSourcesRepository } from '../store/sheet-sources.repo';
import { yieldToEventLoop } from '../runs/cooperative';
import { AppDbSync } from './app-db-sync';
import { EntryTable } from './entry-table';
import { PauseState } from './pause-state';
import { runParamsFor } from './run-params';
import { DEFAULT_SCHEDULER_OPTIONS, type SchedulerDeps, type SchedulerOptions } from './scheduler-options';
import { StatusThrottle } from './status-throttle';
import { systemTimers, type TimerSource } from './timers';

export { DEFAULT_SCHEDULER_OPTIONS } from './scheduler-options';

/** Schedules loaded between two yields to the event loop (a few ms of parsing and compiling). */
const LOAD_PAGE = 250;
export type { DerivedScheduleSource, SchedulerDeps, SchedulerOptions } from './scheduler-options';

interface Ready {
  id: number;
  dueAt: number;
  attempt: number;
}

/**
 * The background scheduler: one timer, one min-heap of next-due times, and a
 * per-second rate cap. Console schedules and per-user schedules derived from
 * the product database are the same kind of entry. Each firing starts a run
 * through the runs module (trigger `schedule`); a firing while the same run is
 * active is recorded as skipped, since single flight is the runs module's.
 *
 * Missed firings (sleep, app closed, paused) run once: an entry has only one
 * due time, so however many slots passed, popping it fires once and the next
 * slot is computed from now.
 */
export class Scheduler {
  private readonly options: SchedulerOptions;
  private readonly timers: TimerSource;
  private readonly table: EntryTable;
  private readonly ready: Ready[] = [];
  private readonly runToSchedule = new Map<number, { id: number; attempt: number; dueAt: number }>();
  private readonly pauseState: PauseState;
  private readonly sheetSources: SheetSourcesRepository;
  private pendingFirings: FiringRecord[] = [];
  private timer: unknown = null;
  private expectedWakeAt: number | null = null;
  private started = false;
  private unsubscribe: (() => void) | null = null;
  private lastPrune = -Infinity;
  private lastFlush = 0;
  private firedInSecond = { second: -1, count: 0 };
  private readonly statusThrottle = new StatusThrottle();
  private readonly appDbSync: AppDbSync;
  /** Bumped by stop(): a paged load still running then stops. */
  private generation = 0;

  constructor(private readonly deps: SchedulerDeps) {
    this.options = { ...DEFAULT_SCHEDULER_OPTIONS, ...deps.options };
    this.timers = deps.timers ?? systemTimers;
    this.table = new EntryTable(deps.log);
    this.pauseState = new PauseState(deps.store.engineState, () => this.now());
    this.sheetSources = new SheetSourcesRepository(deps.store.db);
    this.appDbSync = new AppDbSync({
      source: deps.appDb,
      schedules: deps.store.schedules,
      log: deps.log,
      now: () => this.now(),
      onChanged: async (changed, deleted) => {
        deleted.forEach((id) => this.table.remove(id));
        await this.loadIds(changed);
        this.deps.events?.emit('schedules.changed', {});
      },
    });
  }

  get isStarted(): boolean {
    return this.started;
  }

  start(): void {
    if (this.started) return;
    this.started = true;
    this.unsubscribe = this.deps.runs.onFinished((run) => this.onRunFinished(run.id, run.state));
    void this.loadAll().then(() => this.deps.log.info({ schedules: this.table.size }, 'scheduler started'));
    void this.refreshAppDb();
    this.arm();
  }

  stop(): void {
    this.appDbSync.reset();
    this.generation++;
    if (!this.started) return;
    this.started = false;
    this.unsubscribe?.();
    this.unsubscribe = null;
    if (this.timer !== null) this.timers.clearTimeout(this.timer);
    this.timer = null;
    this.flush();
    this.table.clear();
    this.ready.length = 0;
    this.deps.log.info('scheduler stopped');
  }

  status(): SchedulerStatus {
    const pause = this.pauseState.get();
    const attention = this.table.attention(this.options.maxAttempts);
    const activeRuns = this.deps.runs.activeRuns();
    const top = this.started && !pause.pausedIndefinitely ? this.table.peek() : undefined;
    const paused = pause.pausedIndefinitely || pause.pausedUntil !== null;
    return {
      state: paused ? 'paused' : attention > 0 ? 'attention' : activeRuns > 0 ? 'running' : 'idle',
      activeRuns,
      attention,
      nextRun: top ? { scheduleId: top.entry.schedule.id, engine: top.entry.schedule.engine, at: new Date(top.at).toISOString() } : null,
      pausedUntil: pause.pausedUntil,
      pausedIndefinitely: pause.pausedIndefinitely,
    };
  }

  pause(minutes: number | null): void {
    this.pauseState.set(minutes);
    this.deps.log.info({ minutes }, minutes === null ? 'schedules paused until resumed' : 'schedules paused');
    this.changed(true);
    this.arm();
  }

  resume(): void {
    this.pauseState.clear();
    this.deps.log.info('schedules resumed');
    this.changed(true);
    this.arm();
  }

  /** The time a schedule is next due in this host, or null (disabled, paused indefinitely, not started). */
  nextRunAt(id: number): string | null {
    if (!this.started || this.pauseState.get().pausedIndefinitely) return null;
    const entry = this.table.get(id);
    if (!entry) return null;
    const at = Math.min(entry.nextRegular, entry.retry?.at ?? Infinity);
    return new Date(at).toISOString();
  }

  /** Fires one schedule now (Run now), outside the rate cap. */
  runNow(id: number): { runId: number; alreadyRunning: boolean } {
    const schedule = this.deps.store.schedules.get(id);
    if (!schedule) throw new Error(`There is no schedule ${id}.`);
    const outcome = this.fire(schedule, this.now(), 1);
    this.flush();
    if ('error' in outcome) throw outcome.error;
    return outcome;
  }

  /** Run all now (tray): console schedules fire at once; per-user ones are brought forward, still under the rate cap. */
  runAllNow(): Promise<number> {
    let started = 0;
    const now = this.now();
    for (const schedule of this.deps.store.schedules.list()) {
      if (!schedule.enabled) continue;
      if (schedule.origin === 'console') {
        const outcome = this.fire(schedule, now, 1);
        if (!('error' in outcome) && !outcome.alreadyRunning) started++;
      } else if (this.started) {
        this.table.unqueue(schedule.id);
        this.ready.push({ id: schedule.id, dueAt: now, attempt: 1 });
      }
    }
    this.flush();
    if (this.started) this.arm();
    return Promise.resolve(started);
  }

  /** A console edit (create, update, enable, delete): re-read that one schedule. */
  scheduleChanged(id: number): void {
    if (!this.started) return;
    const schedule = this.deps.store.schedules.get(id);
    if (schedule) this.table.load(schedule, this.now());
    else this.table.remove(id);
    this.arm();
  }

  /**
   * Loads every schedule, a page at a time with a yield between pages so a
   * host with 10,000 schedules is never held for long. A small store loads
   * synchronously (no page boundary is crossed).
   */
  private async loadAll(): Promise<void> {
    const generation = this.generation;
    for (let after = 0; ; ) {
      const page = this.deps.store.schedules.listPage(after, LOAD_PAGE);
      // At start, a slot that fell due while the app was closed fires once (catch-up).
      page.forEach((schedule) => this.started && this.table.load(schedule, Date.parse(schedule.lastDueAt ?? schedule.createdAt)));
      this.arm();
      if (page.length < LOAD_PAGE) return;
      after = (page[page.length - 1] as StoredSchedule).id;
      await yieldToEventLoop();
      if (generation !== this.generation) return;
    }
  }

  private async loadIds(ids: readonly number[]): Promise<void> {
    const generation = this.generation;
    for (let at = 0; at < ids.length; at += LOAD_PAGE) {
      if (at > 0) {
        await yieldToEventLoop();
        if (generation !== this.generation) return;
      }
      this.deps.store.schedules.byIds(ids.slice(at, at + LOAD_PAGE)).forEach((schedule) => this.started && this.table.load(schedule, this.now()));
      this.arm();
    }
  }

  /** Reads the product database's per-user schedules now (also done once a minute while started). */
  refreshAppDb(): Promise<void> {
    return this.appDbSync.refresh();
  }

  /** Resolves when no product-database read is in flight (a host closing its store waits for this). */
  settled(): Promise<void> {
    return this.appDbSync.settled();
  }

  private tick(): void {
    this.timer = null;
    if (!this.started) return;
    const now = this.now();
    if (this.expectedWakeAt !== null && now - this.expectedWakeAt > this.options.lateAfterMs) {
      this.deps.log.info({ jumpMs: now - this.expectedWakeAt }, 'the wall clock jumped (sleep or resume): missed firings run once');
    }
    if (now - this.appDbSync.lastReadAt >= this.options.appDbRefreshMs) void this.refreshAppDb();
    if (now - this.lastPrune >= 60 * 60_000) this.prune(now);
    if (!this.pauseState.isPaused()) {
      for (const due of this.table.popDue(now)) this.takeDue(due.id, due.at);
      this.drainReady(now);
    }
    if (now - this.lastFlush >= this.options.flushEveryMs) this.flush();
    this.changed(false);
    this.arm();
  }

  /** A due entry joins the ready line: a retry keeps its attempt, a regular slot starts at 1. */
  private takeDue(id: number, at: number): void {
    const entry = this.table.get(id);
    if (!entry) return;
    if (entry.retry && entry.retry.at <= at) {
      this.ready.push({ id, dueAt: entry.retry.dueAt, attempt: entry.retry.attempt });
      entry.retry = null;
    } else {
      this.ready.push({ id, dueAt: entry.nextRegular, attempt: 1 });
    }
  }

  private drainReady(now: number): void {
    const second = Math.floor(now / 1000);
    if (this.firedInSecond.second !== second) this.firedInSecond = { second, count: 0 };
    while (this.ready.length && this.firedInSecond.count < this.options.maxFiringsPerSecond) {
      const item = this.ready.shift() as Ready;
      const entry = this.table.get(item.id);
      if (!entry) continue;
      this.firedInSecond.count++;
      if (item.attempt === 1) {
        // Late (missed) firings skip ahead half an interval so a catch-up is not followed at once by the next slot.
        const late = now - item.dueAt > this.options.lateAfterMs;
        const from = late && entry.trigger.intervalMs ? now + entry.trigger.intervalMs / 2 : Math.max(now, item.dueAt);
        entry.nextRegular = entry.trigger.next(from) ?? Infinity;
      }
      this.fire(entry.schedule, item.dueAt, item.attempt);
      this.table.requeue(entry);
    }
  }

  private fire(schedule: StoredSchedule, dueAt: number, attempt: number): { runId: number; alreadyRunning: boolean } | { error: Error } {
    const firing = { scheduleId: schedule.id, dueAt: new Date(dueAt).toISOString(), firedAt: new Date(this.now()).toISOString(), attempt };
    try {
      const params = runParamsFor(schedule, (id) => this.sheetSources.get(id)?.spec);
      const started = this.deps.runs.start(schedule.engine, params);
      if (started.alreadyRunning) {
        this.pendingFirings.push({ ...firing, outcome: 'skipped', runId: started.runId, message: `run ${started.runId} of the same engine and scope was still active` });
      } else {
        this.pendingFirings.push({ ...firing, outcome: 'started', runId: started.runId, message: null });
        this.runToSchedule.set(started.runId, { id: schedule.id, attempt, dueAt });
      }
      return started;
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      this.pendingFirings.push({ ...firing, outcome: 'failed', runId: null, message });
      this.deps.log.warn({ scheduleId: schedule.id, engine: schedule.engine, attempt, err: error }, 'a scheduled firing could not start its run');
      this.failed(schedule.id, attempt, dueAt, message);
      return { error: error instanceof Error ? error : new Error(message) };
    }
  }

  private onRunFinished(runId: number, state: string): void {
    const started = this.runToSchedule.get(runId);
    if (!started) return;
    this.runToSchedule.delete(runId);
    if (state === 'succeeded') {
      const entry = this.table.get(started.id);
      const wasFailing = !entry || this.table.isFailing(started.id);
      if (entry) this.table.setFailures(entry, 0);
      if (wasFailing) this.deps.store.schedules.setFailures(started.id, 0);
    } else if (state === 'failed' || state === 'interrupted') {
      this.failed(started.id, started.attempt, started.dueAt);
    }
    this.changed(false);
    if (this.started) this.arm();
  }

  /** Counts a failure and, within the attempt cap and before the next slot, arms a retry with exponential backoff. */
  private failed(id: number, attempt: number, dueAt: number, startError?: string): void {
    const entry = this.table.get(id);
    const failures = (entry?.schedule.failures ?? this.deps.store.schedules.get(id)?.failures ?? 0) + 1;
    if (entry) this.table.setFailures(entry, failures);
    this.deps.store.schedules.setFailures(id, failures);
    // A failed run is told by the notifier (run.finished); a firing that could not even start a run has no
    // run to tell about, so the scheduler says it once, when the schedule turns to "attention".
    if (startError !== undefined && failures === this.options.maxAttempts) {
      const engine = entry?.schedule.engine ?? 'A';
      this.deps.events?.emit('notification', { kind: 'run-failed', title: `${engine} schedule cannot start its run`, body: startError, route: '/schedules' });
    }
    if (!entry || attempt >= this.options.maxAttempts) return;
    const delay = Math.min(this.options.backoffBaseMs * 2 ** (attempt - 1), this.options.backoffCapMs);
    const at = this.now() + delay;
    if (at >= entry.nextRegular) return;
    entry.retry = { at, attempt: attempt + 1, dueAt };
    this.table.requeue(entry);
  }

  /** One timer: to the next due entry, the next second when the rate cap left some waiting, and never longer than maxTimerMs. */
  private arm(): void {
    if (!this.started) return;
    if (this.timer !== null) this.timers.clearTimeout(this.timer);
    const now = this.now();
    const pause = this.pauseState.get();
    let at = now + this.options.maxTimerMs;
    if (!this.pauseState.isPaused()) {
      if (this.ready.length) at = Math.min(at, (Math.floor(now / 1000) + 1) * 1000);
      const top = this.table.peek();
      if (top) at = Math.min(at, Math.max(top.at, now));
    } else if (pause.pausedUntil) {
      at = Math.min(at, Date.parse(pause.pausedUntil));
    }
    // The product database is re-read at least once a minute, whatever is due.
    if (this.appDbSync.enabled) at = Math.min(at, this.appDbSync.lastReadAt + this.options.appDbRefreshMs);
    // Coalesce wake-ups: at most one a second (firings are second-grained anyway).
    at = Math.max(at, Math.min(now + 1000, (Math.floor(now / 1000) + 1) * 1000));
    this.expectedWakeAt = at;
    this.timer = this.timers.setTimeout(() => this.tick(), at - now);
  }

  private flush(): void {
    this.lastFlush = this.now();
    if (this.pendingFirings.length === 0) return;
    const batch = this.pendingFirings;
    this.pendingFirings = [];
    this.deps.store.schedules.recordFirings(batch);
  }

  /** One chunk per tick until the old firings are gone (see SchedulesRepository.pruneFirings). */
  private prune(now: number): void {
    const pruned = this.deps.store.schedules.pruneFirings(new Date(now - this.options.firingsRetentionMs).toISOString());
    if (pruned < 5000) this.lastPrune = now;
    if (pruned) this.deps.log.debug({ pruned }, 'pruned old schedule firings');
  }

  /** Emits scheduler.status when something a person sees changed (see StatusThrottle). */
  private changed(force: boolean): void {
    const events = this.deps.events;
    if (!events) return;
    const status = this.status();
    if (this.statusThrottle.shouldEmit(status, this.now(), force)) events.emit('scheduler.status', status);
  }

  private now(): number {
    return this.deps.clock.now().getTime();
  }
}
