import type { z } from 'zod';
import type { MethodName } from '../api/names';
import type { MethodOutput, ParsedInput } from '../api/contract';
import type { RunTrigger } from '../api/models';
import type { AppDbAdapter } from '../appdb/adapter';
import type { ResolvedMapping } from '../appdb/mapping';
import type { DerivedSchedule, StoredSchedule } from '../store/schedules.repo';
import type { Store } from '../store/store';

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
/** A mode the engine runs (`check`, `repair`, `validate`, `import`, `revert`…) with its result schema. */
export interface EngineMode {
  /** The result of a run in this mode; run-manager validates every result against it. */
  result: z.ZodType<Record<string, unknown>>;
  /** One line for the CLI's help and the console. */
  description?: string;
}

export type EngineModes = Readonly<Record<string, EngineMode>>;

// ── Contract handlers ──────────────────────────────────────────────────────
/** Who is calling: set by the host, never taken from the caller's input. */
export interface CallContext {
  actor: RunTrigger;
}

export type Handler<M extends MethodName> = (input: ParsedInput<M>, context: CallContext) => MethodOutput<M> | Promise<MethodOutput<M>>;

export type HandlerTable = { [M in MethodName]: Handler<M> };

// ── Schedule policy ────────────────────────────────────────────────────────
export interface ScheduleContext {
  store: Store;
}

/** How a console schedule or a per-user setting of the product becomes a run of this engine. */
export interface EngineSchedulePolicy {
  /** The params of a scheduled run. */
  paramsFor(schedule: Pick<StoredSchedule, 'engine' | 'scope' | 'params' | 'autoRepair'>, context: ScheduleContext): Record<string, unknown>;
  /** Per-user schedules derived from the product database (mail settings, storage sync settings). */
  derive?(db: AppDbAdapter, mapping: ResolvedMapping): Promise<DerivedSchedule[]>;
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
  /** A successful run longer than the notifier's threshold is announced as finished (imports). */
  announceLongRuns?: boolean;
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
