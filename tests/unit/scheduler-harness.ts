import type { Run } from '../../core/api/models';
import { EventHub } from '../../core/base/event-hub';
import { createEngineRegistry } from '../../core/engines/registry';
import { createSilentLogger } from '../../core/logging/logger';
import { ManualClock } from '../helpers/manual-clock';
import type { RunStarter } from '../../core/scheduler/run-starter';
import { Scheduler, type DerivedScheduleSource, type SchedulerOptions } from '../../core/scheduler/scheduler';
import type { DerivedSchedule, ScheduleFields } from '../../core/store/schedules.repo';
import { openStore, type Store } from '../../core/store/store';
import { makeTempDir } from '../helpers/temp-dir';

export interface FakeStart {
  runId: number;
  engine: string;
  params: Record<string, unknown>;
  at: number;
}

/**
 * Runs as the scheduler sees them: start (single flight per engine + params,
 * as the runs module's per-scope rule), finish, and the finished event. The
 * real RunManager is covered by the app-level test; here time is what matters.
 */
export class FakeRuns implements RunStarter {
  readonly starts: FakeStart[] = [];
  private readonly active = new Map<string, number>();
  private readonly listeners = new Set<(run: Pick<Run, 'id' | 'state'>) => void>();
  private nextId = 1;
  /** Finish every run at once with this state (null: runs stay active until finish()). */
  autoFinish: Run['state'] | null = 'succeeded';
  /** Make start() throw, like an engine that is not installed. */
  startError: Error | null = null;

  constructor(private readonly clock: ManualClock) {}

  async start(engine: string, params: Record<string, unknown>): Promise<{ runId: number; alreadyRunning: boolean }> {
    if (this.startError) throw this.startError;
    const key = `${engine} ${JSON.stringify(params)}`;
    const active = this.active.get(key);
    if (active !== undefined) return { runId: active, alreadyRunning: true };
    const runId = this.nextId++;
    this.starts.push({ runId, engine, params, at: this.clock.now().getTime() });
    this.active.set(key, runId);
    if (this.autoFinish) {
      const state = this.autoFinish;
      // After start() has returned to its caller (its await resumes first), as the RunManager's runs do.
      queueMicrotask(() => queueMicrotask(() => this.finish(runId, state)));
    }
    return { runId, alreadyRunning: false };
  }

  finish(runId: number, state: Run['state']): void {
    for (const [key, id] of this.active) if (id === runId) this.active.delete(key);
    this.listeners.forEach((listener) => listener({ id: runId, state }));
  }

  activeRuns(): number {
    return this.active.size;
  }

  onFinished(listener: (run: Pick<Run, 'id' | 'state'>) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}

export class FakeAppDb implements DerivedScheduleSource {
  rows: DerivedSchedule[] = [];
  reads = 0;
  read(): Promise<DerivedSchedule[]> {
    this.reads++;
    return Promise.resolve(this.rows.map((row) => ({ ...row })));
  }
}

export function mailUser(userId: string, minutes: number, enabled = true): DerivedSchedule {
  return { sourceKey: `mail-import:${userId}`, engine: 'mail-import', scope: { kind: 'user', userId }, trigger: { kind: 'interval', minutes }, timeZone: 'UTC', enabled, autoRepair: false, params: {} };
}

export function consoleSchedule(overrides: Partial<ScheduleFields> = {}): ScheduleFields {
  return { engine: 'demo', scope: { kind: 'all' }, trigger: { kind: 'interval', minutes: 30 }, timeZone: 'UTC', enabled: true, autoRepair: false, params: {}, ...overrides };
}

export interface Harness {
  store: Store;
  events: EventHub;
  clock: ManualClock;
  runs: FakeRuns;
  appDb: FakeAppDb;
  scheduler: Scheduler;
  /** A new scheduler on the same store (an app restart). */
  restart(): Promise<Scheduler>;
  dispose(): Promise<void>;
}

/** Monday 2 March 2026, 00:00:00 UTC. */
export const T0 = Date.parse('2026-03-02T00:00:00.000Z');

export async function createHarness(options: Partial<SchedulerOptions> = {}, start = T0): Promise<Harness> {
  const dir = makeTempDir();
  const store = await openStore(dir.path);
  const clock = new ManualClock(start);
  const runs = new FakeRuns(clock);
  const appDb = new FakeAppDb();
  const events = new EventHub();
  // The shipped engines and the demo: each schedule's params come from its engine's schedule policy.
  const engines = createEngineRegistry({ withDemoEngine: true });
  const make = () => new Scheduler({ store, runs, engines, clock, timers: clock, log: createSilentLogger(), appDb, events, options });
  const harness: Harness = {
    store,
    events,
    clock,
    runs,
    appDb,
    scheduler: make(),
    async restart() {
      await harness.scheduler.stop();
      harness.scheduler = make();
      return harness.scheduler;
    },
    async dispose() {
      await harness.scheduler.stop();
      await store.close();
      dir.remove();
    },
  };
  return harness;
}

export const MINUTE = 60_000;
export const HOUR = 60 * MINUTE;

export function iso(ms: number): string {
  return new Date(ms).toISOString();
}
