import type { EventHub } from '../base/event-hub';
import type { Clock } from '../base/clock';
import type { Logger } from '../logging/logger';
import type { DerivedSchedule } from '../store/schedules.repo';
import type { Store } from '../store/store';
import type { ScheduleEngines } from './run-params';
import type { RunStarter } from './run-starter';
import type { TimerSource } from '../base/timers';

/** Reads the per-user schedules of the product database; null when no product database is set up. */
export interface DerivedScheduleSource {
  /** May return the very same array as last time to say "unchanged" (the scheduler then skips comparing). */
  read(): Promise<DerivedSchedule[] | null>;
  close?(): Promise<void>;
}

export interface SchedulerOptions {
  /** Attempts per interval (the first firing included) before a failing schedule waits for its next slot. */
  maxAttempts: number;
  /** First retry delay; doubles per attempt, capped. */
  backoffBaseMs: number;
  backoffCapMs: number;
  /** A rate cap on top of the per-user jitter: no second ever starts more than this many runs. */
  maxFiringsPerSecond: number;
  /** How often the product database's per-user settings are re-read. */
  appDbRefreshMs: number;
  /** The timer never sleeps longer than this, so a wall-clock jump (sleep, resume) is seen within it. */
  maxTimerMs: number;
  /** A firing this late was missed (sleep, pause, app closed): logged, and the next slot skips ahead. */
  lateAfterMs: number;
  /** Firings (and their history rows) kept this long. */
  firingsRetentionMs: number;
  /** Writes of firings are batched: at most this often (a run-now flushes at once). */
  flushEveryMs: number;
}

export const DEFAULT_SCHEDULER_OPTIONS: SchedulerOptions = {
  maxAttempts: 3,
  backoffBaseMs: 60_000,
  backoffCapMs: 30 * 60_000,
  maxFiringsPerSecond: 8,
  appDbRefreshMs: 60_000,
  maxTimerMs: 60_000,
  lateAfterMs: 90_000,
  firingsRetentionMs: 2 * 24 * 60 * 60_000,
  flushEveryMs: 5_000,
};

export interface SchedulerDeps {
  store: Store;
  runs: RunStarter;
  /** The registry: each engine's schedule policy turns a schedule into the params of its runs. */
  engines: ScheduleEngines;
  clock: Clock;
  log: Logger;
  timers?: TimerSource;
  events?: EventHub;
  appDb?: DerivedScheduleSource;
  options?: Partial<SchedulerOptions>;
}
