import type { ScheduleScope, ScheduleTrigger } from '../api/schedules';
import type { StoreQueries } from '../store/store-db';
import { stableFraction } from './jitter';
import { compileTrigger } from './triggers';

/**
 * What SQL cannot compute for team mode's tick (core/team/schedule-tick.pg.ts),
 * filled in by JS for every enabled schedule that lacks it: the next slot (a
 * new or edited schedule, and a cron-expression schedule after each firing:
 * the console's cron reader and time zones), and the run template (the run's
 * scope and params as the engine computes them). Interval slots carry the
 * same per-user jitter the desktop scheduler uses, so SQL keeps it by adding
 * whole intervals. Called before each tick by whoever runs the tick's clock
 * (`syncwarden schedules tick`, a worker), and cheap when nothing is missing
 * (an index-less scan of the enabled rows lacking a slot, a page at a time).
 */
export interface FillSchedule {
  id: number;
  origin: 'console' | 'app-db';
  sourceKey: string | null;
  engine: string;
  scope: ScheduleScope;
  trigger: ScheduleTrigger;
  timeZone: string;
  autoRepair: boolean;
  params: Record<string, unknown>;
}

/** The run a firing starts; an Error when the schedule cannot start one (its firing fails with the message). */
export type RunTemplateOf = (schedule: FillSchedule) => Promise<{ scope: string; params: Record<string, unknown> } | Error>;

interface Row {
  id: number;
  origin: 'console' | 'app-db';
  source_key: string | null;
  engine: string;
  scope_json: string;
  trigger_json: string;
  time_zone: string;
  auto_repair: number;
  params_json: string;
  next_run_at: string | null;
  run_scope: string | null;
  last_fired_at: string | null;
  last_due_at: string | null;
  created_at: string;
}

const PAGE = 500;

export async function fillScheduleSlots(db: StoreQueries, runOf: RunTemplateOf, nowMs: number): Promise<{ filled: number; invalid: number }> {
  let filled = 0;
  let invalid = 0;
  for (let after = 0; ; ) {
    const rows = await db.all<Row>(
      `SELECT id, origin, source_key, engine, scope_json, trigger_json, time_zone, auto_repair, params_json, next_run_at, run_scope, last_fired_at, last_due_at, created_at
       FROM schedules WHERE enabled = 1 AND (next_run_at IS NULL OR run_scope IS NULL) AND id > ? ORDER BY id LIMIT ?`,
      [after, PAGE],
    );
    for (const row of rows) {
      const schedule = toFill(row);
      const next = row.next_run_at ?? nextSlot(schedule, row, nowMs);
      const template = row.run_scope === null ? await runOf(schedule) : null;
      if (next === null || template instanceof Error) {
        invalid++;
        continue;
      }
      if (template) await db.run(`UPDATE schedules SET next_run_at = ?, run_scope = ?, run_params_json = ? WHERE id = ?`, [next, template.scope, JSON.stringify(template.params), row.id]);
      else await db.run(`UPDATE schedules SET next_run_at = ? WHERE id = ?`, [next, row.id]);
      filled++;
    }
    if (rows.length < PAGE) break;
    after = Number((rows[rows.length - 1] as Row).id);
  }
  return { filled, invalid };
}

/** Per-user (app-db) schedules spread by a stable per-key offset; console ones fire on the slot (as entry-table.ts). */
export function nextSlot(schedule: FillSchedule, history: { last_fired_at: string | null; last_due_at: string | null; created_at: string }, nowMs: number): string | null {
  const offsetFraction = schedule.origin === 'app-db' ? stableFraction(schedule.sourceKey ?? String(schedule.id)) : 0;
  const compiled = compileTrigger(schedule.trigger, { timeZone: schedule.timeZone, offsetFraction });
  if (!compiled.ok) return null;
  // From the last firing (a cron schedule the tick just fired), else the creation: a slot missed since then fires once.
  const from = Date.parse(history.last_fired_at ?? history.last_due_at ?? history.created_at);
  const next = compiled.trigger.next(Number.isFinite(from) ? Math.min(from, nowMs) : nowMs);
  return next === null ? null : new Date(next).toISOString();
}

function toFill(row: Row): FillSchedule {
  return {
    id: Number(row.id),
    origin: row.origin,
    sourceKey: row.source_key,
    engine: row.engine,
    scope: JSON.parse(row.scope_json) as ScheduleScope,
    trigger: JSON.parse(row.trigger_json) as ScheduleTrigger,
    timeZone: row.time_zone,
    autoRepair: row.auto_repair === 1,
    params: JSON.parse(row.params_json) as Record<string, unknown>,
  };
}
