import { runTemplateOf } from '../scheduler/run-template';
import type { ScheduleEngines } from '../scheduler/run-params';
import { fillScheduleSlots } from '../scheduler/schedule-fill';
import type { Store } from '../store/store';
import { TICK_BATCH } from './schedule-tick.pg';

/**
 * Team mode's schedule tick from JS: what SQL cannot compute first (the next
 * slot of new, edited and cron-expression schedules, and each schedule's run
 * template: fillScheduleSlots), then the SQL tick itself
 * (syncwarden_enqueue_due). Without the fill a cron-expression schedule fires
 * once and then never again (the SQL leaves its next_run_at NULL), and a new
 * or edited schedule never fires at all.
 */
export interface TeamTickDeps {
  store: Store;
  engines: ScheduleEngines;
  nowMs: () => number;
}

export interface TeamTickResult {
  filled: number;
  invalid: number;
  enqueued: number;
}

/** Fills the missing slots and templates (idempotent: two machines filling at once write the same values). */
export async function fillTeamSchedules(deps: TeamTickDeps): Promise<{ filled: number; invalid: number }> {
  return fillScheduleSlots(deps.store.schedules, runTemplateOf(deps.engines, { store: deps.store }), deps.nowMs());
}

/** One whole tick: fill, then enqueue the due schedules. The `schedules tick` command. */
export async function teamTick(deps: TeamTickDeps, max = TICK_BATCH): Promise<TeamTickResult> {
  if (deps.store.db.dialect !== 'postgres') throw new Error('the schedule tick runs on a PostgreSQL team store (postgres://…); a desktop store fires its schedules itself');
  const fill = await fillTeamSchedules(deps);
  const row = await deps.store.db.get<{ n: number | string }>(`SELECT syncwarden_enqueue_due(CAST(? AS INTEGER)) AS n`, [max]);
  return { ...fill, enqueued: Number(row?.n ?? 0) };
}

/**
 * The fill on a timer, for `syncwarden worker`: pg_cron calls only the SQL
 * tick every minute, so the team's workers keep cron-expression and new
 * schedules filled in between (every 30 s, half pg_cron's minute, so a slot a
 * fill writes is seen by the next tick). Failures are logged and retried on the
 * next beat; the returned function stops it (after a fill in flight).
 */
export function startScheduleFiller(deps: TeamTickDeps, options: { intervalMs?: number; onError: (error: unknown) => void }): () => Promise<void> {
  let inFlight: Promise<void> | null = null;
  const beat = () => {
    if (inFlight) return; // a slow fill is not doubled by the next beat
    inFlight = fillTeamSchedules(deps)
      .then(() => undefined, options.onError)
      .finally(() => {
        inFlight = null;
      });
  };
  beat();
  const timer = setInterval(beat, options.intervalMs ?? 30_000);
  timer.unref();
  // Stopping waits for a fill in flight, so the store is not closed under it.
  return async () => {
    clearInterval(timer);
    await inFlight;
  };
}
