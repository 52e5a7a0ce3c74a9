import type { z } from 'zod';

import type { ConnectionsAccess } from '../appdb/product-db';
import type { EngineInfo, EngineUi, RunItemOutcome, RunTrigger } from '../api/models';
import type { Logger } from '../logging/logger';
import type { ApiCallCounter } from '../runs/api-calls';
import type { PhaseSpec, ProgressReporter } from '../runs/progress';
import type { NewFinding } from '../store/findings.repo';
import type { Store } from '../store/store';
import type { EngineResources } from './engine-resources';
import type { EngineCliPolicy, EngineModes, EngineNotifyPolicy, EngineSchedulePolicy, HandlerTable } from './engine-policies';
import type { Clock } from '../base/clock';

/** Findings are buffered and written in batches; engines just add them. */
export interface FindingSink {
  add(finding: NewFinding): Promise<void>;
  /**
   * Writes what is buffered now. The run writes the rest when the engine
   * returns; an engine flushes itself only when it must read or mark its own
   * findings of this run before then (a check followed by an automatic repair).
   */
  flush(): Promise<void>;
  /** How many were added in this run. */
  readonly count: number;
}

/** One line of a run's per-item log: what the run did to one item, in words a person reads. */
export interface ItemLogEntry {
  /** The item as a person knows it: an email, a file name (with its row id if useful), never only an id. */
  item: string;
  /** What was done or tried, e.g. "quarantine", "create-remote". */
  action: string;
  outcome: RunItemOutcome;
  message?: string;
}

/** The run's item log: buffered and bounded per run by the host (core/runs/item-log.ts); engines just log. */
export interface ItemLog {
  log(entry: ItemLogEntry): Promise<void>;
}

/** Everything an engine may touch, handed in so tests can give it fakes. */
export interface EngineContext {
  runId: number;
  /** Who started the run (manual, schedule, cli): audit entries are attributed to it. */
  trigger: RunTrigger;
  clock: Clock;
  log: Logger;
  findings: FindingSink;
  /** What the run did item by item (shown and downloadable in the run's detail). */
  items: ItemLog;
  apiCalls: ApiCallCounter;
  resources: EngineResources;
}

export interface EngineControls {
  signal: AbortSignal;
  progress: ProgressReporter;
}

/**
 * An engine is a function of (context, controls) → result summary, plus the
 * metadata the console needs to list it, validate its params and key its runs.
 */
export interface Engine<P extends Record<string, unknown> = Record<string, unknown>> {
  id: string;
  title: string;
  description: string;
  phases: readonly PhaseSpec[];
  params: z.ZodType<P, Record<string, unknown>>;
  /** One run at a time per (engine, scope): e.g. "all", "user:ada@example.com". */
  scopeOf(params: P): string;
  /** The result summary; `itemsFailed > 0` in it ends the run `partial` instead of `succeeded`. */
  run(params: P, context: EngineContext, controls: EngineControls): Promise<Record<string, unknown>>;
  /**
   * Whether a successful run of these params is a fresh check whose findings
   * replace the open ones of earlier checks of the same scope. Default: runs
   * whose `mode` is absent or "check". A run whose result says
   * `complete: false` (it stopped early, e.g. on an API budget) never supersedes.
   */
  supersedesFindings?(params: P): boolean;

  // The descriptor's parts read by the shared layers (engine-policies.ts). Each on its own line, apart.

  /** The modes this engine runs, each with its result schema. */
  modes?: EngineModes;

  /** Contract handlers of this engine's own methods (core/api names them). */
  handlers?: (host: EngineHost) => Partial<HandlerTable>;

  /** How schedules and per-user settings become runs of this engine. */
  schedule?: EngineSchedulePolicy;

  /** What the notifier says about this engine's runs. */
  notify?: EngineNotifyPolicy;

  /** The CLI commands and options of this engine. */
  cli?: EngineCliPolicy;

  /** What the console offers for this engine beyond its name (served in app.info; absent parts: none). */
  ui?: Partial<Omit<EngineUi, 'findingActions'>> & { findingActions?: Partial<EngineUi['findingActions']> };
}

/**
 * What an engine's contract handlers may use of the host (a structural subset
 * of core/app's AppServices, declared here so engines never import core/app).
 */
export interface EngineHost {
  clock: Clock;
  log: Logger;
  /** The console store: this engine's state, findings, audit, runs, connection settings. */
  store: Store;
  /** The product database (one service for every reader) and a connection's secret values. */
  connections: ConnectionsAccess;
  /** Starts a run, as `runs.start` does (an import, a revert, a quiet check), attributed to the caller. */
  runs: {
    start(engine: string, params: Record<string, unknown>, trigger: RunTrigger): Promise<{ runId: number; alreadyRunning: boolean }>;
  };
}

export function supersedesFindings(engine: AnyEngine, params: Record<string, unknown>): boolean {
  if (engine.supersedesFindings) return engine.supersedesFindings(params);
  return params.mode === undefined || params.mode === 'check';
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- a registry holds engines of every params type
export type AnyEngine = Engine<any>;

export function engineInfo(engine: AnyEngine): EngineInfo {
  return {
    id: engine.id,
    title: engine.title,
    description: engine.description,
    phases: engine.phases.map((p) => ({ id: p.id, label: p.label, weight: p.weight })),
    modes: Object.keys(engine.modes ?? {}),
    ui: {
      startParams: [...(engine.ui?.startParams ?? [])],
      revertRunModes: [...(engine.ui?.revertRunModes ?? [])],
      revertActions: { ...engine.ui?.revertActions },
      auditActions: { ...engine.ui?.auditActions },
      autoRepairRemoves: engine.ui?.autoRepairRemoves ?? null,
      findingActions: { repair: null, restore: null, revert: null, ...engine.ui?.findingActions },
      resultSummary: [...(engine.ui?.resultSummary ?? [])],
      findingKinds: { ...engine.ui?.findingKinds },
      findingName: [...(engine.ui?.findingName ?? [])],
      auditRows: { ...engine.ui?.auditRows },
    },
  };
}

export class EngineRegistry {
  private readonly engines = new Map<string, AnyEngine>();

  constructor(engines: readonly AnyEngine[] = []) {
    engines.forEach((engine) => this.register(engine));
  }

  register(engine: AnyEngine): void {
    if (this.engines.has(engine.id)) throw new Error(`engine "${engine.id}" is registered twice`);
    this.engines.set(engine.id, engine);
  }

  get(id: string): AnyEngine | undefined {
    return this.engines.get(id);
  }

  list(): AnyEngine[] {
    return [...this.engines.values()];
  }
}
