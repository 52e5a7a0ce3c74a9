import type { FiringOutcome, ScheduleScope, ScheduleTrigger } from '../api/schedules';
import type { RunState } from '../api/models';
import type { SqliteDatabase } from './database';

export type ScheduleOrigin = 'console' | 'app-db';

/** A schedule as the store holds it (migration 6). */
export interface StoredSchedule {
  id: number;
  origin: ScheduleOrigin;
  /** `<engine>:<userId>` for app-db schedules; null for console ones. */
  sourceKey: string | null;
  engine: string;
  scope: ScheduleScope;
  trigger: ScheduleTrigger;
  timeZone: string;
  enabled: boolean;
  autoRepair: boolean;
  params: Record<string, unknown>;
  failures: number;
  /** The due time of the latest firing: catch-up at start compares it with the schedule's slots. */
  lastDueAt: string | null;
  createdAt: string;
  updatedBy: string;
  updatedAt: string;
}

export type ScheduleFields = Pick<StoredSchedule, 'engine' | 'scope' | 'trigger' | 'timeZone' | 'enabled' | 'autoRepair' | 'params'>;

/** A per-user schedule read from the product database. */
export interface DerivedSchedule extends ScheduleFields {
  sourceKey: string;
}

export interface FiringRecord {
  scheduleId: number;
  dueAt: string;
  firedAt: string;
  outcome: FiringOutcome;
  runId: number | null;
  attempt: number;
  message: string | null;
  /** The schedule's next slot after this firing, when the scheduler knows it (kept in next_run_at, migration 15). */
  nextRunAt?: string | null;
}

export interface ScheduleHistory {
  lastRun: { runId: number; state: RunState; at: string } | null;
  lastFiring: { at: string; outcome: FiringOutcome; runId: number | null; message: string | null } | null;
}

interface ScheduleRow {
  id: number;
  origin: ScheduleOrigin;
  source_key: string | null;
  engine: string;
  scope_json: string;
  trigger_json: string;
  time_zone: string;
  enabled: number;
  auto_repair: number;
  params_json: string;
  failures: number;
  last_due_at: string | null;
  created_at: string;
  updated_by: string;
  updated_at: string;
}

/** Schedules and their firing log. Firings are written in batches (one transaction per scheduler tick). */
export class SchedulesRepository {
  constructor(private readonly db: SqliteDatabase) {}

  insert(fields: ScheduleFields, by: string, now: string): number {
    const info = this.db
      .prepare(
        `INSERT INTO schedules (origin, engine, scope_json, trigger_json, time_zone, enabled, auto_repair, params_json, created_at, updated_by, updated_at)
         VALUES ('console', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(...values(fields), now, by, now);
    return Number(info.lastInsertRowid);
  }

  update(id: number, fields: ScheduleFields, by: string, now: string): boolean {
    return (
      this.db
        .prepare(
          // An edit clears the next slot and the run template (migration 15): they are recomputed from the new fields.
          `UPDATE schedules SET engine = ?, scope_json = ?, trigger_json = ?, time_zone = ?, enabled = ?, auto_repair = ?, params_json = ?,
             failures = 0, updated_by = ?, updated_at = ?, next_run_at = NULL, run_scope = NULL, run_params_json = NULL WHERE id = ?`,
        )
        .run(...values(fields), by, now, id).changes === 1
    );
  }

  setEnabled(id: number, enabled: boolean, by: string, now: string): boolean {
    return this.db.prepare(`UPDATE schedules SET enabled = ?, failures = 0, updated_by = ?, updated_at = ?, next_run_at = NULL WHERE id = ?`).run(enabled ? 1 : 0, by, now, id).changes === 1;
  }

  delete(id: number): boolean {
    return this.db.prepare(`DELETE FROM schedules WHERE id = ?`).run(id).changes === 1;
  }

  get(id: number): StoredSchedule | undefined {
    const row = this.db.prepare(`SELECT * FROM schedules WHERE id = ?`).get(id) as ScheduleRow | undefined;
    return row && toSchedule(row);
  }

  list(): StoredSchedule[] {
    return (this.db.prepare(`SELECT * FROM schedules ORDER BY origin DESC, engine, id`).all() as ScheduleRow[]).map(toSchedule);
  }

  /** The latest firing and the latest run of these schedules, by schedule id (one query, for listing). */
  historyOf(ids: readonly number[]): Map<number, ScheduleHistory> {
    if (ids.length === 0) return new Map();
    // A long list reads every row rather than binding thousands of parameters.
    const filter = ids.length <= 500 ? `WHERE s.id IN (${ids.map(() => '?').join(',')})` : '';
    const rows = this.db
      .prepare(
        `SELECT s.id AS schedule_id, s.last_fired_at AS fired_at, s.last_outcome AS outcome, s.last_firing_run_id AS run_id, s.last_message AS message,
           r.id AS last_run_id, r.state AS last_run_state, r.created_at AS last_run_at
         FROM schedules s LEFT JOIN runs r ON r.id = s.last_run_id ${filter}`,
      )
      .all(...(filter ? ids : [])) as HistoryRow[];
    return new Map(rows.map((row) => [row.schedule_id, toHistory(row)]));
  }

  /** The Schedules page's list: console ones first, filtered by origin and text, optionally one slice. */
  listFiltered(filter: { origin?: ScheduleOrigin | undefined; search?: string | undefined; limit?: number | undefined; offset: number }): { items: StoredSchedule[]; total: number } {
    const where: string[] = [];
    const args: (string | number)[] = [];
    if (filter.origin) {
      where.push('origin = ?');
      args.push(filter.origin);
    }
    if (filter.search) {
      where.push(`(engine LIKE ? ESCAPE '\\' OR source_key LIKE ? ESCAPE '\\' OR scope_json LIKE ? ESCAPE '\\')`);
      const like = `%${filter.search.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
      args.push(like, like, like);
    }
    const clause = where.length ? `WHERE ${where.join(' AND ')}` : '';
    const total = (this.db.prepare(`SELECT count(*) AS n FROM schedules ${clause}`).get(...args) as { n: number }).n;
    const rows = this.db
      .prepare(`SELECT * FROM schedules ${clause} ORDER BY origin DESC, engine, id LIMIT ? OFFSET ?`)
      .all(...args, filter.limit ?? -1, filter.offset) as ScheduleRow[];
    return { items: rows.map(toSchedule), total };
  }

  /** Schedules by id order, a page at a time (loading 10,000 at once would hold the host for ~100 ms). */
  listPage(afterId: number, limit: number): StoredSchedule[] {
    return (this.db.prepare(`SELECT * FROM schedules WHERE id > ? ORDER BY id LIMIT ?`).all(afterId, limit) as ScheduleRow[]).map(toSchedule);
  }

  byIds(ids: readonly number[]): StoredSchedule[] {
    if (ids.length === 0) return [];
    return (this.db.prepare(`SELECT * FROM schedules WHERE id IN (${ids.map(() => '?').join(',')})`).all(...ids) as ScheduleRow[]).map(toSchedule);
  }

  /** The app-db schedules as stored, a page at a time, for comparing with a fresh read of the product database. */
  derivedPage(afterId: number, limit: number): StoredDerived[] {
    return this.db
      .prepare(
        `SELECT id, source_key, engine, scope_json, trigger_json, time_zone, enabled, auto_repair, params_json
         FROM schedules WHERE origin = 'app-db' AND id > ? ORDER BY id LIMIT ?`,
      )
      .all(afterId, limit) as StoredDerived[];
  }

  /**
   * One chunk of changes to the app-db schedules, in one transaction; returns the ids inserted.
   * The caller (AppDbSync) pages and yields between chunks.
   */
  applyDerived(changes: { inserts: readonly DerivedSchedule[]; updates: readonly { id: number; schedule: DerivedSchedule }[]; deletes: readonly number[] }, now: string): number[] {
    const insert = this.db.prepare(
      `INSERT INTO schedules (origin, source_key, engine, scope_json, trigger_json, time_zone, enabled, auto_repair, params_json, created_at, updated_by, updated_at)
       VALUES ('app-db', ?, ?, ?, ?, ?, ?, ?, ?, ?, 'app-db', ?)`,
    );
    const update = this.db.prepare(
      `UPDATE schedules SET engine = ?, scope_json = ?, trigger_json = ?, time_zone = ?, enabled = ?, auto_repair = ?, params_json = ?, updated_at = ?,
         next_run_at = NULL, run_scope = NULL, run_params_json = NULL WHERE id = ?`,
    );
    const remove = this.db.prepare(`DELETE FROM schedules WHERE id = ?`);
    return this.db.transaction(() => {
      changes.updates.forEach(({ id, schedule }) => update.run(...values(schedule), now, id));
      changes.deletes.forEach((id) => remove.run(id));
      return changes.inserts.map((schedule) => Number(insert.run(schedule.sourceKey, ...values(schedule), now, now).lastInsertRowid));
    })();
  }

  /** One tick's firings in one transaction; each also becomes its schedule's latest (a deleted schedule's is dropped). */
  recordFirings(firings: readonly FiringRecord[]): void {
    if (firings.length === 0) return;
    const latest = this.db.prepare(
      `UPDATE schedules SET last_due_at = ?, last_fired_at = ?, last_outcome = ?, last_firing_run_id = ?, last_message = ?,
         last_run_id = COALESCE(?, last_run_id), next_run_at = COALESCE(?, next_run_at) WHERE id = ?`,
    );
    const insert = this.db.prepare(
      `INSERT INTO schedule_firings (schedule_id, due_at, fired_at, outcome, run_id, attempt, message) VALUES (?, ?, ?, ?, ?, ?, ?)`,
    );
    this.db.transaction(() => {
      for (const f of firings) {
        if (latest.run(f.dueAt, f.firedAt, f.outcome, f.runId, f.message, f.runId, f.nextRunAt ?? null, f.scheduleId).changes === 0) continue;
        insert.run(f.scheduleId, f.dueAt, f.firedAt, f.outcome, f.runId, f.attempt, f.message);
      }
    })();
  }

  setFailures(id: number, failures: number): void {
    this.db.prepare(`UPDATE schedules SET failures = ? WHERE id = ?`).run(failures, id);
  }

  firings(scheduleId: number, limit = 50): FiringRecord[] {
    return (
      this.db.prepare(`SELECT * FROM schedule_firings WHERE schedule_id = ? ORDER BY id DESC LIMIT ?`).all(scheduleId, limit) as FiringRow[]
    ).map((row) => ({
      scheduleId: row.schedule_id,
      dueAt: row.due_at,
      firedAt: row.fired_at,
      outcome: row.outcome,
      runId: row.run_id,
      attempt: row.attempt,
      message: row.message,
    }));
  }

  /**
   * Deletes up to `limit` firings older than `before` (oldest first) and says how many: callers repeat
   * it a chunk per tick, so pruning a day of 480,000 firings never stalls the host.
   */
  pruneFirings(before: string, limit = 5000): number {
    return this.db
      .prepare(`DELETE FROM schedule_firings WHERE id IN (SELECT id FROM schedule_firings WHERE fired_at < ? ORDER BY fired_at LIMIT ?)`)
      .run(before, limit).changes;
  }
}

interface FiringRow {
  schedule_id: number;
  due_at: string;
  fired_at: string;
  outcome: FiringOutcome;
  run_id: number | null;
  attempt: number;
  message: string | null;
}

interface HistoryRow {
  schedule_id: number;
  fired_at: string | null;
  outcome: FiringOutcome | null;
  run_id: number | null;
  message: string | null;
  last_run_id: number | null;
  last_run_state: RunState | null;
  last_run_at: string | null;
}

function toHistory(row: HistoryRow): ScheduleHistory {
  return {
    lastFiring: row.fired_at && row.outcome ? { at: row.fired_at, outcome: row.outcome, runId: row.run_id, message: row.message } : null,
    lastRun: row.last_run_id && row.last_run_state && row.last_run_at ? { runId: row.last_run_id, state: row.last_run_state, at: row.last_run_at } : null,
  };
}

type Values = [string, string, string, string, number, number, string];

function values(fields: ScheduleFields): Values {
  return [
    fields.engine,
    JSON.stringify(fields.scope),
    JSON.stringify(fields.trigger),
    fields.timeZone,
    fields.enabled ? 1 : 0,
    fields.autoRepair ? 1 : 0,
    JSON.stringify(fields.params),
  ];
}

/** An app-db schedule row as derivedPage reads it. */
export interface StoredDerived {
  id: number;
  source_key: string;
  engine: string;
  scope_json: string;
  trigger_json: string;
  time_zone: string;
  enabled: number;
  auto_repair: number;
  params_json: string;
}

/** Whether the stored row already says what the product database says. */
export function sameDerived(row: StoredDerived, schedule: DerivedSchedule): boolean {
  return sameValues(row, values(schedule));
}

function sameValues(row: Omit<StoredDerived, 'id' | 'source_key'>, next: Values): boolean {
  const current: Values = [row.engine, row.scope_json, row.trigger_json, row.time_zone, row.enabled, row.auto_repair, row.params_json];
  return current.every((value, i) => value === next[i]);
}

function toSchedule(row: ScheduleRow): StoredSchedule {
  return {
    id: row.id,
    origin: row.origin,
    sourceKey: row.source_key,
    engine: row.engine,
    scope: JSON.parse(row.scope_json) as ScheduleScope,
    trigger: JSON.parse(row.trigger_json) as ScheduleTrigger,
    timeZone: row.time_zone,
    enabled: row.enabled === 1,
    autoRepair: row.auto_repair === 1,
    params: JSON.parse(row.params_json) as Record<string, unknown>,
    failures: row.failures,
    lastDueAt: row.last_due_at,
    createdAt: row.created_at,
    updatedBy: row.updated_by,
    updatedAt: row.updated_at,
  };
}
