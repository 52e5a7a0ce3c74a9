import type { ProgressSnapshot } from '../api/models';
import { createThrottle, type Throttle } from '../base/throttle';

export interface PhaseSpec {
  id: string;
  label: string;
  /** Share of the whole run; weights are relative (they need not add up to 100). */
  weight: number;
}

/** What an engine sees: it reports as often as it likes, the tracker decides what is sent. */
export interface ProgressReporter {
  /** Enters a declared phase; earlier phases count as complete. */
  phase(id: string, options?: { total?: number; message?: string }): void;
  /** Adds to the current phase's `done` counter. */
  advance(by?: number): void;
  update(fields: { done?: number; total?: number; message?: string }): void;
  /** Adds to a named counter shown with the run (findings, skipped, …). */
  count(name: string, by?: number): void;
}

export interface ProgressTrackerOptions {
  runId: number;
  engine: string;
  phases: readonly PhaseSpec[];
  emit: (snapshot: ProgressSnapshot) => void;
  /** Emit no more often than this: 100 ms keeps every run at or under 10 events per second. */
  intervalMs?: number;
  now?: () => number;
}

export class ProgressTracker implements ProgressReporter {
  private phaseIndex = 0;
  private done = 0;
  private total = 0;
  private message: string | undefined;
  private readonly counters: Record<string, number> = {};
  private readonly totalWeight: number;
  private readonly throttle: Throttle;
  private readonly now: () => number;

  constructor(private readonly options: ProgressTrackerOptions) {
    if (options.phases.length === 0) throw new Error(`engine ${options.engine} declares no phases`);
    this.totalWeight = options.phases.reduce((sum, p) => sum + p.weight, 0) || 1;
    this.now = options.now ?? Date.now;
    // Stamped with the emission's own time: consecutive snapshots are at least the interval apart, whatever pause
    // (a GC, a busy loop) falls between letting one through and building it.
    this.throttle = createThrottle(options.intervalMs ?? 100, (at) => options.emit(this.snapshot(at)), { now: this.now });
  }

  phase(id: string, options: { total?: number; message?: string } = {}): void {
    const index = this.options.phases.findIndex((p) => p.id === id);
    if (index < 0) throw new Error(`engine ${this.options.engine} has no phase "${id}"`);
    this.phaseIndex = index;
    this.done = 0;
    this.total = options.total ?? 0;
    this.message = options.message;
    this.throttle.request();
  }

  advance(by = 1): void {
    this.done += by;
    this.throttle.request();
  }

  update(fields: { done?: number; total?: number; message?: string }): void {
    if (fields.done !== undefined) this.done = fields.done;
    if (fields.total !== undefined) this.total = fields.total;
    if (fields.message !== undefined) this.message = fields.message;
    this.throttle.request();
  }

  count(name: string, by = 1): void {
    this.counters[name] = (this.counters[name] ?? 0) + by;
    this.throttle.request();
  }

  currentPhase(): PhaseSpec {
    return this.options.phases[this.phaseIndex] as PhaseSpec;
  }

  snapshot(at = this.now()): ProgressSnapshot {
    const phases = this.options.phases;
    const before = phases.slice(0, this.phaseIndex).reduce((sum, p) => sum + p.weight, 0);
    const current = this.currentPhase();
    const fraction = this.total > 0 ? Math.min(1, this.done / this.total) : 0;
    const percent = Math.min(100, ((before + current.weight * fraction) / this.totalWeight) * 100);
    return this.build(percent, at);
  }

  /** The last snapshot of a finished run: 100 % when it succeeded, where it stopped otherwise. */
  final(succeeded: boolean): ProgressSnapshot {
    this.throttle.cancel();
    return succeeded ? this.build(100) : this.snapshot();
  }

  stop(): void {
    this.throttle.cancel();
  }

  private build(percent: number, at = this.now()): ProgressSnapshot {
    const phase = this.currentPhase();
    const snapshot: ProgressSnapshot = {
      runId: this.options.runId,
      engine: this.options.engine,
      phase: phase.id,
      phaseLabel: phase.label,
      phaseIndex: this.phaseIndex,
      phaseCount: this.options.phases.length,
      percent: Math.round(percent * 10) / 10,
      counters: { done: this.done, total: this.total, ...this.counters },
      at: new Date(at).toISOString(),
    };
    if (this.message !== undefined) snapshot.message = this.message;
    return snapshot;
  }
}
