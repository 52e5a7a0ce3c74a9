import type { SchedulerStatus } from '../api/schedules';
import type { StoredSchedule } from '../store/schedules.repo';
import { yieldToEventLoop } from '../base/cooperative';
import { AppDbSync } from './app-db-sync';
import { EntryTable } from './entry-table';
import { FiringLog } from './firing-log';
import { PauseState } from './pause-state';
import { runParamsFor } from './run-params';
import { allSchedulePages, schedulePagesOf } from './schedule-pages';
import { schedulerStatus } from './scheduler-status';
import { DEFAULT_SCHEDULER_OPTIONS, type SchedulerDeps, type SchedulerOptions } from './scheduler-options';
import { StatusThrottle } from './status-throttle';
import { systemTimers, type TimerSource } from '../base/timers';
import { nextWakeAt } from './wake-time';

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
  private readonly firings: FiringLog;
  private timer: unknown = null;
  private expectedWakeAt: number | null = null;
  private started = false;
  private unsubscribe: (() => void) | null = null;
  private firedInSecond = { second: -1, count: 0 };
  private readonly statusThrottle = new StatusThrottle();
  private readonly appDbSync: AppDbSync;
  /** Bumped by stop(): a paged load still running then stops. */
  private generation = 0;
  private ticking = false;

  constructor(private readonly deps: SchedulerDeps) {
    this.options = { ...DEFAULT_SCHEDULER_OPTIONS, ...deps.options };
    this.timers = deps.timers ?? systemTimers;
    this.table = new EntryTable(deps.log);
    this.pauseState = new PauseState(deps.store.engineState, () => this.now());
    this.firings = new FiringLog({ schedules: deps.store.schedules, log: deps.log, flushEveryMs: this.options.flushEveryMs, retentionMs: this.options.firingsRetentionMs });
    this.appDbSync = new AppDbSync({
      source: deps.appDb,
      schedules: deps.store.schedules,
      log: deps.log,
      now: () => this.now(),
      onChanged: async (changed, deleted) => {
        deleted.forEach((id) => this.table.remove(id));
        await this.loadPages(schedulePagesOf(this.deps.store.schedules, changed), () => this.now());
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
    this.unsubscribe = this.deps.runs.onFinished((run) => {
      // From an event listener a rejection (a store busy past its timeout) would be unhandled: log it.
      this.onRunFinished(run.id, run.state).catch((error: unknown) => this.deps.log.error({ err: error, runId: run.id }, 'recording a scheduled run that finished failed'));
    });
    // The stored pause, before anything fires (tickNow awaits the same read); a failed read is retried there.
    this.pauseState.load().then(
      () => this.arm(),
      () => undefined,
    );
    // At start, a slot that fell due while the app was closed fires once (catch-up).
    // Neither read is awaited by anyone: a rejection (the store or the descriptor table exhausted) is logged,
    // never left unhandled, which would take a long-running host down.
    this.loadPages(allSchedulePages(this.deps.store.schedules), (schedule) => Date.parse(schedule.lastDueAt ?? schedule.createdAt)).then(
      () => this.deps.log.info({ schedules: this.table.size }, 'scheduler started'),
      (error: unknown) => this.deps.log.error({ err: error }, 'loading the schedules failed; restart the console to load them'),
    );
    this.refreshAppDbInBackground();
    this.arm();
  }

  async stop(): Promise<void> {
    this.appDbSync.reset();
    this.generation++;
    if (!this.started) return;
    this.started = false;
    this.unsubscribe?.();
    this.unsubscribe = null;
    if (this.timer !== null) this.timers.clearTimeout(this.timer);
    this.timer = null;
    await this.firings.flush(this.now());
    this.table.clear();
    this.ready.length = 0;
    this.deps.log.info('scheduler stopped');
  }

  status(): SchedulerStatus {
    const pause = this.pauseState.get();
    const top = this.started && !pause.pausedIndefinitely ? this.table.peek() : undefined;
    return schedulerStatus({
      pause,
      attention: this.table.attention(this.options.maxAttempts),
      activeRuns: this.deps.runs.activeRuns(),
      next: top && { scheduleId: top.entry.schedule.id, engine: top.entry.schedule.engine, at: top.at },
    });
  }

  /** Pauses at once (status() says so on return); resolves when the store has it, and rejects (undone) if it refused. */
  async pause(minutes: number | null): Promise<void> {
    const stored = this.pauseState.set(minutes);
    this.deps.log.info({ minutes }, minutes === null ? 'schedules paused until resumed' : 'schedules paused');
    this.changed(true);
    this.arm();
    await this.settlePause(stored);
  }

  async resume(): Promise<void> {
    const stored = this.pauseState.clear();
    this.deps.log.info('schedules resumed');
    this.changed(true);
    this.arm();
    await this.settlePause(stored);
  }

  /** A pause the store refused was undone in memory: say so to whoever shows the status, then fail. */
  private async settlePause(stored: Promise<void>): Promise<void> {
    try {
      await stored;
    } catch (error) {
      this.changed(true);
      this.arm();
      throw error;
    }
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
  async runNow(id: number): Promise<{ runId: number; alreadyRunning: boolean }> {
    const schedule = await this.deps.store.schedules.get(id);
    if (!schedule) throw new Error(`There is no schedule ${id}.`);
    const outcome = await this.fire(schedule, this.now(), 1);
    await this.firings.flush(this.now());
    if ('error' in outcome) throw outcome.error;
    return outcome;
  }

  /** Run all now (tray): console schedules fire at once; per-user ones are brought forward, still under the rate cap. */
  async runAllNow(): Promise<number> {
    let started = 0;
    const now = this.now();
    for (const schedule of await this.deps.store.schedules.list()) {
      if (!schedule.enabled) continue;
      if (schedule.origin === 'console') {
        const outcome = await this.fire(schedule, now, 1);
        if (!('error' in outcome) && !outcome.alreadyRunning) started++;
      } else if (this.started) {
        this.table.unqueue(schedule.id);
        this.ready.push({ id: schedule.id, dueAt: now, attempt: 1 });
      }
    }
    await this.firings.flush(this.now());
    if (this.started) this.arm();
    return Promise.resolve(started);
  }

  /** A console edit (create, update, enable, delete): re-read that one schedule. */
  async scheduleChanged(id: number): Promise<void> {
    if (!this.started) return;
    const schedule = await this.deps.store.schedules.get(id);
    if (schedule) this.table.load(schedule, this.now());
    else this.table.remove(id);
    this.arm();
  }

  /**
   * Loads schedules a page at a time with a yield between pages, so a host
   * with 10,000 schedules is never held for long; a stop or restart in between
   * (a new generation) ends the load. A small store loads synchronously.
   */
  private async loadPages(pages: AsyncIterable<StoredSchedule[]>, dueFrom: (schedule: StoredSchedule) => number): Promise<void> {
    const generation = this.generation;
    let first = true;
    for await (const page of pages) {
      if (!first) {
        await yieldToEventLoop();
        if (generation !== this.generation) return;
      }
      first = false;
      page.forEach((schedule) => this.started && this.table.load(schedule, dueFrom(schedule)));
      this.arm();
    }
  }

  /** Reads the product database's per-user schedules now (also done once a minute while started). */
  refreshAppDb(): Promise<void> {
    return this.appDbSync.refresh();
  }

  /** A refresh nobody awaits: what fails in it is logged (the next refresh tries again). */
  private refreshAppDbInBackground(): void {
    this.refreshAppDb().catch((error: unknown) => this.deps.log.warn({ err: error }, 'refreshing per-user schedules failed; trying again at the next refresh'));
  }

  /** Resolves when no product-database read is in flight (a host closing its store waits for this). */
  settled(): Promise<void> {
    return this.appDbSync.settled();
  }

  /**
   * Runs from a timer: a throw here (a store busy past its timeout while firings are written or pruned)
   * would be uncaught and take the host down, and the timer would never be armed again. So a failed
   * tick is logged and the scheduler re-arms; buffered firings are kept for the next flush.
   */
  private async tick(): Promise<void> {
    this.timer = null;
    if (!this.started) return;
    // One tick at a time: one that waits on the store must not be overtaken by the next (it re-arms when done).
    if (this.ticking) return;
    this.ticking = true;
    try {
      await this.tickNow();
    } catch (error) {
      this.deps.log.error({ err: error }, 'a scheduler tick failed; trying again at the next wake-up');
    } finally {
      this.ticking = false;
    }
    this.arm();
  }

  private async tickNow(): Promise<void> {
    await this.pauseState.load();
    const now = this.now();
    if (this.expectedWakeAt !== null && now - this.expectedWakeAt > this.options.lateAfterMs) {
      this.deps.log.info({ jumpMs: now - this.expectedWakeAt }, 'the wall clock jumped (sleep or resume): missed firings run once');
    }
    if (now - this.appDbSync.lastReadAt >= this.options.appDbRefreshMs) this.refreshAppDbInBackground();
    await this.firings.pruneIfDue(now);
    if (!this.pauseState.isPaused()) {
      for (const due of this.table.popDue(now)) this.takeDue(due.id, due.at);
      await this.drainReady(now);
    }
    await this.firings.flushIfDue(now);
    this.changed(false);
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

  private async drainReady(now: number): Promise<void> {
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
      await this.fire(entry.schedule, item.dueAt, item.attempt);
      this.table.requeue(entry);
    }
  }

  private async fire(schedule: StoredSchedule, dueAt: number, attempt: number): Promise<{ runId: number; alreadyRunning: boolean } | { error: Error }> {
    // The next slot is kept on the row (next_run_at), so a store moved to team mode knows where each schedule stands.
    const next = this.table.get(schedule.id)?.nextRegular;
    const nextRunAt = next !== undefined && Number.isFinite(next) ? new Date(next).toISOString() : null;
    const firing = { scheduleId: schedule.id, dueAt: new Date(dueAt).toISOString(), firedAt: new Date(this.now()).toISOString(), attempt, nextRunAt };
    try {
      const params = await runParamsFor(schedule, this.deps.engines, { store: this.deps.store });
      const started = await this.deps.runs.start(schedule.engine, params);
      if (started.alreadyRunning) {
        this.firings.record({ ...firing, outcome: 'skipped', runId: started.runId, message: `run ${started.runId} of the same engine and scope was still active` });
      } else {
        this.firings.record({ ...firing, outcome: 'started', runId: started.runId, message: null });
        this.runToSchedule.set(started.runId, { id: schedule.id, attempt, dueAt });
      }
      return started;
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      this.firings.record({ ...firing, outcome: 'failed', runId: null, message });
      this.deps.log.warn({ scheduleId: schedule.id, engine: schedule.engine, attempt, err: error }, 'a scheduled firing could not start its run');
      await this.failed(schedule.id, attempt, dueAt, message);
      return { error: error instanceof Error ? error : new Error(message) };
    }
  }

  private async onRunFinished(runId: number, state: string): Promise<void> {
    const started = this.runToSchedule.get(runId);
    if (!started) return;
    this.runToSchedule.delete(runId);
    if (state === 'succeeded') {
      const entry = this.table.get(started.id);
      const wasFailing = !entry || this.table.isFailing(started.id);
      if (entry) this.table.setFailures(entry, 0);
      if (wasFailing) await this.deps.store.schedules.setFailures(started.id, 0);
    } else if (state === 'failed' || state === 'interrupted') {
      await this.failed(started.id, started.attempt, started.dueAt);
    }
    this.changed(false);
    if (this.started) this.arm();
  }

  /** Counts a failure and, within the attempt cap and before the next slot, arms a retry with exponential backoff. */
  private async failed(id: number, attempt: number, dueAt: number, startError?: string): Promise<void> {
    const entry = this.table.get(id);
    const failures = (entry?.schedule.failures ?? (await this.deps.store.schedules.get(id))?.failures ?? 0) + 1;
    if (entry) this.table.setFailures(entry, failures);
    await this.deps.store.schedules.setFailures(id, failures);
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

  /** One timer, set to the next wake-up (see nextWakeAt). */
  private arm(): void {
    if (!this.started) return;
    if (this.timer !== null) this.timers.clearTimeout(this.timer);
    const now = this.now();
    const pause = this.pauseState.get();
    const at = nextWakeAt({
      now,
      maxTimerMs: this.options.maxTimerMs,
      paused: this.pauseState.isPaused(),
      pausedUntil: pause.pausedUntil ? Date.parse(pause.pausedUntil) : null,
      readyWaiting: this.ready.length > 0,
      nextDueAt: this.table.peek()?.at ?? null,
      appDbReadAt: this.appDbSync.enabled ? this.appDbSync.lastReadAt + this.options.appDbRefreshMs : null,
    });
    this.expectedWakeAt = at;
    // tick() catches what fails in it: nothing rejects from the timer.
    this.timer = this.timers.setTimeout(() => void this.tick(), at - now);
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
