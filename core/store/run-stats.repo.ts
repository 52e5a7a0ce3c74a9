import type { RunState, RunTrigger } from '../api/models';
import type { RunStats } from '../api/schedules';
import type { StoreDb } from './store-db';

interface StatRow {
  id: number;
  engine: string;
  trigger: RunTrigger;
  state: RunState;
  created_at: string;
  started_at: string | null;
  finished_at: string | null;
}

/** Runs since a time, for the Runs page chart (index runs_by_trigger_created, migration 6). */
export async function runStatsSince(db: StoreDb, since: string, trigger: RunTrigger | undefined): Promise<RunStats['runs']> {
  const rows = trigger
    ? await db.all<StatRow>(`SELECT id, engine, trigger, state, created_at, started_at, finished_at FROM runs WHERE trigger = ? AND created_at >= ? ORDER BY created_at, id`, [trigger, since])
    : await db.all<StatRow>(`SELECT id, engine, trigger, state, created_at, started_at, finished_at FROM runs WHERE created_at >= ? ORDER BY created_at, id`, [since]);
  return rows.map((row) => {
    const startedAt = row.started_at ?? row.created_at;
    return {
      id: row.id,
      engine: row.engine,
      trigger: row.trigger,
      state: row.state,
      startedAt,
      durationMs: row.finished_at ? Math.max(0, Date.parse(row.finished_at) - Date.parse(startedAt)) : null,
    };
  });
}
