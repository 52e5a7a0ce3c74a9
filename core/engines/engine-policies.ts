import type { z } from 'zod';
import type { MethodName } from '../api/names';
import type { MethodOutput, ParsedInput } from '../api/contract';
import type { RunTrigger } from '../api/models';
import type { AppDbAdapter } from '../appdb/adapter';
import type { ResolvedMapping } from '../appdb/mapping';
import type { DerivedSchedule, StoredSchedule } from '../store/schedules.repo';
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
export interface EngineNotifyPolicy {
  /** The page a notification about this engine opens (its findings live there), instead of the run. */
  route?: string;
  /** A successful run longer than the notifier's threshold is announced as finished (imports). */
  announceLongRuns?: boolean;
}

// ── CLI ────────────────────────────────────────────────────────────────────
export interface EngineCliPolicy {
  /** The commands (`check`, `repair`, `validate`, `import`) this engine answers. */
  commands: readonly string[];
}
