import type { RunState, RunTrigger } from '../../core/api/models';
import type { ScheduleFields } from '../../core/store/schedules.repo';
import type { Store } from '../../core/store/store';

/**
 * The demo's background life: three console schedules (seeded into an empty
 * store only; the demo starts from a fresh workspace each time: demo-workspace.ts).
 *
 * `seedDemoRunHistory` below invents a few days of runs with mixed triggers and
 * outcomes. The demo does NOT use it (invented results contradicted the demo's
 * data: see issue 18); only UI tests that need a busy Runs chart call it.
 */

const HOUR = 3_600_000;

export interface DemoScheduleIds {
  identity: number;
  storage: number;
  sheets: number;
}

/** identity every hour, storage-orphans every 6 hours (auto-repair off), sheet-import daily at 06:00. */
export async function seedDemoSchedules(store: Store, options: { now: Date; sheetSourceId: number }): Promise<DemoScheduleIds | null> {
  if ((await store.schedules.list()).some((schedule) => schedule.origin === 'console')) return null;
  const timeZone = Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
  const at = options.now.toISOString();
  const add = (fields: Omit<ScheduleFields, 'timeZone' | 'enabled' | 'params'>) => store.schedules.insert({ ...fields, timeZone, enabled: true, params: {} }, 'demo', at);
  return {
    identity: await add({ engine: 'identity', scope: { kind: 'all' }, trigger: { kind: 'interval', minutes: 60 }, autoRepair: false }),
    storage: await add({ engine: 'storage-orphans', scope: { kind: 'all' }, trigger: { kind: 'interval', minutes: 360 }, autoRepair: false }),
    sheets: await add({ engine: 'sheet-import', scope: { kind: 'source', sourceId: options.sheetSourceId }, trigger: { kind: 'cron', expression: '0 6 * * *' }, autoRepair: false }),
  };
}

interface PastRun {
  engine: string;
  scope: string;
  trigger: RunTrigger;
  state: Exclude<RunState, 'queued' | 'running'>;
  startedAt: number;
  durationMs: number;
  result?: Record<string, unknown>;
  error?: { code: string; message: string };
  scheduleId?: number;
}

/** Deterministic pseudo-random numbers (mulberry32): the same demo every time. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The past `days` of runs the demo schedules (and people, and cron) would have made. */
export function demoRunHistory(options: { now: Date; days: number; schedules?: DemoScheduleIds | undefined; sheetSourceId: number }): PastRun[] {
  const rand = random(7);
  const end = options.now.getTime() - HOUR / 2;
  const start = end - options.days * 24 * HOUR;
  const between = (min: number, max: number) => Math.round(min + rand() * (max - min));
  const runs: PastRun[] = [];
  for (let t = Math.ceil(start / HOUR) * HOUR; t < end; t += HOUR) {
    const failed = rand() < 0.06;
    runs.push({
      engine: 'identity',
      scope: 'all',
      trigger: 'schedule',
      state: failed ? 'failed' : 'succeeded',
      startedAt: t + between(0, 20_000),
      durationMs: failed ? between(8_000, 31_000) : between(1_800, 9_000),
      ...(failed ? { error: { code: 'unavailable', message: 'Supabase Auth answered 503 three times; retrying at the next slot.' } } : { result: { checked: 48, findings: between(0, 3) } }),
      ...(options.schedules ? { scheduleId: options.schedules.identity } : {}),
    });
    const hour = new Date(t).getHours();
    if (hour % 6 === 0) {
      const interrupted = rand() < 0.08;
      runs.push({
        engine: 'storage-orphans',
        scope: 'all',
        trigger: 'schedule',
        state: interrupted ? 'interrupted' : 'succeeded',
        startedAt: t + between(30_000, 90_000),
        durationMs: between(35_000, 160_000),
        ...(interrupted ? {} : { result: { files: 236, orphans: between(4, 9), trashed: between(1, 4) } }),
        ...(options.schedules ? { scheduleId: options.schedules.storage } : {}),
      });
    }
    if (hour === 6) {
      const failed6 = rand() < 0.25;
      runs.push({
        engine: 'sheet-import',
        scope: `source:${options.sheetSourceId}`,
        trigger: 'schedule',
        state: failed6 ? 'failed' : 'succeeded',
        startedAt: t + between(0, 5_000),
        durationMs: failed6 ? between(4_000, 9_000) : between(55_000, 140_000),
        ...(failed6 ? { error: { code: 'invalid-data', message: 'Rows 4 and 5 have no price; the previous cache was kept.' } } : { result: { rows: 5 } }),
        ...(options.schedules ? { scheduleId: options.schedules.sheets } : {}),
      });
    }
    if (hour === 2 && rand() < 0.8) {
      runs.push({ engine: 'identity', scope: 'all', trigger: 'cli', state: 'succeeded', startedAt: t + 60_000, durationMs: between(2_500, 7_000), result: { checked: 48, findings: 0 } });
    }
    if (hour >= 9 && hour <= 17 && rand() < 0.18) {
      const cancelled = rand() < 0.3;
      runs.push({ engine: 'media-import', scope: 'all', trigger: 'manual', state: cancelled ? 'cancelled' : 'succeeded', startedAt: t + between(0, 3_000_000), durationMs: between(12_000, 70_000), ...(cancelled ? {} : { result: { imported: between(1, 6) } }) });
    }
  }
  return runs.sort((a, b) => a.startedAt - b.startedAt);
}

/**
 * Writes the history through the runs repository (queued → running → final), with
 * the firings that link runs to `schedules` when given (the e2e test seeds runs alone).
 */
export async function seedDemoRunHistory(store: Store, options: { now: Date; days?: number; schedules?: DemoScheduleIds; sheetSourceId: number }): Promise<number> {
  if ((await store.runs.list({ limit: 1, offset: 0 })).total > 0) return 0;
  const runs = demoRunHistory({ ...options, days: options.days ?? 4 });
  const iso = (ms: number) => new Date(ms).toISOString();
  await store.transaction(async (tx) => {
    for (const run of runs) {
      const { id } = await tx.runs.insertQueued({ engine: run.engine, scope: run.scope, trigger: run.trigger, params: { mode: 'check' }, ownerPid: process.pid, now: iso(run.startedAt - 200) });
      await tx.runs.transition(id, ['queued'], 'running', { startedAt: iso(run.startedAt) }, iso(run.startedAt));
      const finishedAt = iso(run.startedAt + run.durationMs);
      await tx.runs.transition(id, ['running'], run.state, { finishedAt, ...(run.result ? { result: run.result } : {}), ...(run.error ? { error: run.error } : {}) }, finishedAt);
      if (run.scheduleId !== undefined) {
        await tx.schedules.recordFirings([{ scheduleId: run.scheduleId, dueAt: iso(run.startedAt), firedAt: iso(run.startedAt), outcome: 'started', runId: id, attempt: 1, message: null }]);
      }
    }
  });
  return runs.length;
}
