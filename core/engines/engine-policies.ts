import type { z } from 'zod';
import type { MethodName } from '../api/names';
import type { MethodOutput, ParsedInput } from '../api/contract';
import type { RunTrigger } from '../api/models';
import type { AppDbAdapter } from '../appdb/adapter';
import type { ResolvedMapping } from '../appdb/mapping';
import type { StoredSchedule } from '../store/schedules.repo';
import type { Store } from '../store/store';
import type { EngineResult } from './engine-result';

/**
 * The parts of an engine descriptor that the shared layers read (issue 17):
 * results, contract handlers, schedule policy, notifications and CLI. Each
 * shared layer reads its part through the registry and never names an
 * engine; an engine answers for itself in its own folder.
 *
 * SKELETON: each section below is owned by one piece of the redesign and is
 * refined there; keep the sections apart so they can change independently.
 */

// ── Results ────────────────────────────────────────────────────────────────
/**
 * A mode the engine runs (`check`, `repair`, `validate`, `import`, `revert`…) with its result schema,
 * built on the shared base (engine-result.ts: `engineResult({...})`).
 */
export interface EngineMode {
  /** The result of a run in this mode; run-manager validates every result against it (result-check.ts). */
  result: z.ZodType<EngineResult>;
  /** One line for the CLI's help and the console. */
  description?: string;
  /**
   * Only a person starts a run of this mode: it undoes what was done (a revert can delete what a repair
   * created), and a schedule has nobody there to confirm it. A schedule naming it is refused when saved
   * (schedules.handlers.ts) and a scheduled run of it is refused when started (run-manager.ts), whatever
   * confirmation its params carry.
   */
  byHand?: true;
}

/**
 * The modes an engine runs, by name. A run's mode is its params' `mode`; an
 * engine whose params have none runs its first (only) mode.
 */
export type EngineModes = Readonly<Record<string, EngineMode>>;

// ── Contract handlers ──────────────────────────────────────────────────────
/** Who is calling: set by the host, never taken from the caller's input. */
export interface CallContext {
  actor: RunTrigger;
}

export type Handler<M extends MethodName> = (input: ParsedInput<M>, context: CallContext) => MethodOutput<M> | Promise<MethodOutput<M>>;

export type HandlerTable = { [M in MethodName]: Handler<M> };

// ── Schedule policy ────────────────────────────────────────────────────────
/** What a schedule policy may read when it turns a schedule into params (e.g. the sheet sources of the store). */
export interface ScheduleContext {
  store: Store;
}

/** The parts of a console or per-user schedule that decide the params of its runs. */
export type ScheduledRun = Pick<StoredSchedule, 'engine' | 'scope' | 'params' | 'autoRepair'>;

/** Why an engine refuses a schedule, under the field of the schedule form that is wrong. */
export interface ScheduleIssue {
  path: string[];
  message: string;
}

/** One user's schedule setting as the product database stores it. */
export interface PerUserSetting {
  userId: string;
  enabled: boolean;
  /** As stored: nonsense (0, -5, null) becomes the policy's default, more than a week is capped (by the scheduler). */
  intervalMinutes: unknown;
  autoRepair: boolean;
}

/**
 * Per-user schedules derived from the product database (mail settings,
 * storage sync settings). The scheduler pages through them by user id and
 * yields to the event loop between pages, so an engine answers one page.
 */
export interface PerUserSchedules {
  /** Users whose id sorts after `after` (from the first when null), ordered by user id, at most `limit`. */
  page(db: AppDbAdapter, mapping: ResolvedMapping, after: string | null, limit: number): Promise<PerUserSetting[]>;
  /** The interval of a user whose setting is missing or nonsense. */
  defaultIntervalMinutes: number;
  /**
   * This engine's per-user runs are what a product's per-user pg_cron auto-sync jobs do (the seed-003
   * pattern: one cron job per user calling its auto-sync function): migrating those jobs creates
   * per-user schedules of this engine (core/team/seed003).
   */
  replacesCronAutoSync?: boolean;
}

/**
 * How a console schedule or a per-user setting of the product becomes a run
 * of this engine. The params of a scheduled run are always the schedule's own
 * params plus its scope in the engines' convention (`user`, `provider`,
 * `sourceId`: core/scheduler/run-params.ts); the policy adds what is its own.
 * An engine without a policy gets exactly that convention and no `autoRepair`.
 */
export interface EngineSchedulePolicy {
  /**
   * Whether the engine's params take `autoRepair`: the schedule's switch is
   * then passed on (the engine keeps every automatic repair inside its safety
   * guard); other engines would refuse the key.
   */
  autoRepair: boolean;
  /** The params of a scheduled run from the conventional ones (`base`), e.g. the mode a background run takes. */
  paramsFor?(base: Record<string, unknown>, schedule: ScheduledRun, context: ScheduleContext): Record<string, unknown> | Promise<Record<string, unknown>>;
  /** What the engine's params schema cannot see when a schedule is saved (a source that must exist); null when fine. */
  validate?(schedule: ScheduledRun, context: ScheduleContext): ScheduleIssue | null | Promise<ScheduleIssue | null>;
  /** Per-user schedules from the product database. */
  perUser?: PerUserSchedules;
}

// ── Notifications ──────────────────────────────────────────────────────────
/**
 * What the notifier (core/app/notifier.ts) says about this engine's runs,
 * beyond what it reads of every result (failed items, users to reconnect, a
 * tripped safety guard).
 */
export interface EngineNotifyPolicy {
  /**
   * The page a notification about this engine's work opens (its findings or
   * its imports live there), instead of the run: a tripped guard, a withheld
   * repair, a long import that finished. A failed run always opens the run.
   */
  route?: string;
  /**
   * Whether a successful run of these params that took longer than the
   * notifier's threshold is announced as finished (an import, not a check:
   * a check changes nothing the admin waits for).
   */
  announceLongRun?(params: Readonly<Record<string, unknown>>): boolean;
  /**
   * Why an automatic repair this run was asked for did not happen although
   * there was something to repair, said after "<title> left its findings for
   * you: "; undefined when nothing was withheld. Told like a tripped safety
   * guard: the run itself succeeded.
   */
  withheldRepair?(result: Readonly<Record<string, unknown>>): string | undefined;
}

// ── CLI ────────────────────────────────────────────────────────────────────
export type { ContractCaller, EngineCliOption, EngineCliPolicy, EngineCliRevert, EngineCliUser, RepairPreview } from './engine-cli-policy';
