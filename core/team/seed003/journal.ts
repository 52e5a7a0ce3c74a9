import type { ScheduleTrigger } from '../../api/schedules';
import type { RunTrigger } from '../../api/models';
import { auditSearchText, foldText } from '../../store/audit-search';
import type { StoreQueries } from '../../store/store-db';

/**
 * The journal of a migration of per-user pg_cron jobs to console schedules
 * (migration 15's cron_migrations). It is written before anything changes
 * and holds everything an undo needs: each cron.job row whole, and the
 * schedules created. A step that stopped half way (a crash between the
 * product database and the store) is finished or rolled back from it.
 *
 * preparing: schedules created disabled, cron jobs not yet removed
 * migrated:  cron jobs removed (one product transaction), schedules enabled
 * undoing:   schedules disabled, cron jobs being re-created
 * undone / failed: terminal (failed: nothing changed in the product)
 */
export type CronMigrationState = 'preparing' | 'migrated' | 'undoing' | 'undone' | 'failed';

export interface CronMigrationSchedule {
  scheduleId: number;
  userId: string;
  /** Whether the schedule is enabled once migrated (the product's switch and the job's `active`). */
  enable: boolean;
}

export interface CronMigration {
  id: number;
  state: CronMigrationState;
  /** Which product database (its connection name). */
  product: string;
  jobs: string[];
  schedules: CronMigrationSchedule[];
  message: string | null;
  createdBy: string;
  createdAt: string;
  updatedAt: string;
}

interface Row {
  id: number;
  state: CronMigrationState;
  product: string;
  jobs_json: string;
  schedules_json: string;
  message: string | null;
  created_by: string;
  created_at: string;
  updated_at: string;
}

export const ACTIVE_STATES: readonly CronMigrationState[] = ['preparing', 'undoing'];

export async function latestMigration(db: StoreQueries): Promise<CronMigration | undefined> {
  const row = await db.get<Row>(`SELECT * FROM cron_migrations ORDER BY id DESC LIMIT 1`);
  return row && toMigration(row);
}

export async function getMigration(db: StoreQueries, id: number): Promise<CronMigration | undefined> {
  const row = await db.get<Row>(`SELECT * FROM cron_migrations WHERE id = ?`, [id]);
  return row && toMigration(row);
}

export async function insertMigration(db: StoreQueries, product: string, jobs: readonly string[], by: string, now: string): Promise<number> {
  const row = await db.get<{ id: number }>(
    `INSERT INTO cron_migrations (state, product, jobs_json, schedules_json, created_by, created_at, updated_at) VALUES ('preparing', ?, ?, '[]', ?, ?, ?) RETURNING id`,
    [product, JSON.stringify(jobs), by, now, now],
  );
  if (!row) throw new Error('the migration journal row was not created');
  return Number(row.id);
}

export async function setMigration(db: StoreQueries, id: number, fields: { state: CronMigrationState; schedules?: readonly CronMigrationSchedule[]; message?: string | null }, now: string): Promise<void> {
  const sets = ['state = ?', 'updated_at = ?'];
  const args: (string | number | null)[] = [fields.state, now];
  if (fields.schedules) {
    sets.push('schedules_json = ?');
    args.push(JSON.stringify(fields.schedules));
  }
  if (fields.message !== undefined) {
    sets.push('message = ?');
    args.push(fields.message);
  }
  await db.run(`UPDATE cron_migrations SET ${sets.join(', ')} WHERE id = ?`, [...args, id]);
}

/** A console per-user schedule, created disabled (enabled once the cron jobs are gone: never both firing). */
export async function insertUserSchedule(db: StoreQueries, engine: string, userId: string, trigger: ScheduleTrigger, by: string, now: string): Promise<number> {
  const row = await db.get<{ id: number }>(
    `INSERT INTO schedules (origin, engine, scope_json, trigger_json, time_zone, enabled, auto_repair, params_json, created_at, updated_by, updated_at)
     VALUES ('console', ?, ?, ?, 'UTC', 0, 0, '{}', ?, ?, ?) RETURNING id`,
    [engine, JSON.stringify({ kind: 'user', userId }), JSON.stringify(trigger), now, by, now],
  );
  if (!row) throw new Error('the schedule was not created');
  return Number(row.id);
}

/** The user ids that already have a console schedule of this engine for them (not created twice). */
export async function usersWithSchedule(db: StoreQueries, engine: string): Promise<Set<string>> {
  const rows = await db.all<{ scope_json: string }>(`SELECT scope_json FROM schedules WHERE origin = 'console' AND engine = ?`, [engine]);
  const out = new Set<string>();
  for (const row of rows) {
    const scope = JSON.parse(row.scope_json) as { kind: string; userId?: string };
    if (scope.kind === 'user' && scope.userId !== undefined) out.add(scope.userId);
  }
  return out;
}

export async function setSchedulesEnabled(db: StoreQueries, schedules: readonly CronMigrationSchedule[], enabled: 'as-planned' | false, by: string, now: string): Promise<void> {
  for (const s of schedules) {
    await db.run(`UPDATE schedules SET enabled = ?, updated_by = ?, updated_at = ? WHERE id = ?`, [enabled === false ? 0 : s.enable ? 1 : 0, by, now, s.scheduleId]);
  }
}

export async function deleteSchedules(db: StoreQueries, schedules: readonly CronMigrationSchedule[]): Promise<void> {
  for (const s of schedules) await db.run(`DELETE FROM schedules WHERE id = ?`, [s.scheduleId]);
}

export async function appendAudit(db: StoreQueries, entry: { at: string; actor: RunTrigger; action: string; subject: string; engine: string | null; before: unknown; after: unknown }): Promise<void> {
  const before = entry.before === null ? null : JSON.stringify(entry.before);
  const after = entry.after === null ? null : JSON.stringify(entry.after);
  await db.run(
    `INSERT INTO audit_log (at, actor, engine, run_id, action, subject, before_json, after_json, subject_fold, search_fold) VALUES (?, ?, ?, NULL, ?, ?, ?, ?, ?, ?)`,
    [entry.at, entry.actor, entry.engine, entry.action, entry.subject, before, after, foldText(entry.subject), auditSearchText(entry.subject, entry.before, entry.after)],
  );
}

function toMigration(row: Row): CronMigration {
  return {
    id: Number(row.id),
    state: row.state,
    product: row.product,
    jobs: JSON.parse(row.jobs_json) as string[],
    schedules: JSON.parse(row.schedules_json) as CronMigrationSchedule[],
    message: row.message,
    createdBy: row.created_by,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}
