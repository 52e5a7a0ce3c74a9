import type { FiringOutcome, ScheduleScope, ScheduleTrigger } from '../api/schedules';
import type { RunState } from '../api/models';
import type { SqlValue, StoreDb } from './store-db';
import { countOf, likeOperator, runEach } from './transaction-view';

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

/** A schedule team mode's tick cannot fire yet, with what filling it needs (schedule-fill.ts). */
export interface ScheduleLackingSlot extends StoredSchedule {
  nextRunAt: string | null;
  hasRunTemplate: boolean;
  lastFiredAt: string | null;
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
  constructor(private readonly db: StoreDb) {}

  async insert(fields: ScheduleFields, by: string, now: string): Promise<number> {
    const row = await this.db.get<{ id: number }>(
      `INSERT INTO schedules (origin, engine, scope_json, trigger_json, time_zone, enabled, auto_repair, params_json, created_at, updated_by, updated_at)
       VALUES ('console', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
      [...values(fields), now, by, now],
    );
    return Number(row?.id);
  }

  async update(id: number, fields: ScheduleFields, by: string, now: string): Promise<boolean> {
    const { changes } = await this.db.run(
      `UPDATE schedules SET engine = ?, scope_json = ?, trigger_json = ?, time_zone = ?, enabled = ?, auto_repair = ?, params_json = ?,
         failures = 0, updated_by = ?, updated_at = ?,
         -- An edit clears the next slot and the run template (migration 15): they are recomputed from the new fields.
         next_run_at = NULL, run_scope = NULL, run_params_json = NULL WHERE id = ?`,
      [...values(fields), by, now, id],
    );
    return changes === 1;
  }

  async setEnabled(id: number, enabled: boolean, by: string, now: string): Promise<boolean> {
    return (await this.db.run(`UPDATE schedules SET enabled = ?, failures = 0, updated_by = ?, updated_at = ?, next_run_at = NULL WHERE id = ?`, [enabled ? 1 : 0, by, now, id])).changes === 1;
  }

  async delete(id: number): Promise<boolean> {
    return (await this.db.run(`DELETE FROM schedules WHERE id = ?`, [id])).changes === 1;
  }

  async get(id: number): Promise<StoredSchedule | undefined> {
    const row = await this.db.get<ScheduleRow>(`SELECT * FROM schedules WHERE id = ?`, [id]);
    return row && toSchedule(row);
  }

  async list(): Promise<StoredSchedule[]> {
    return (await this.db.all<ScheduleRow>(`SELECT * FROM schedules ORDER BY origin DESC, engine, id`)).map(toSchedule);
  }

  /** The latest firing and the latest run of these schedules, by schedule id (one query, for listing). */
  async historyOf(ids: readonly number[]): Promise<Map<number, ScheduleHistory>> {
    if (ids.length === 0) return new Map();
    // A long list reads every row rather than binding thousands of parameters.
    const filter = ids.length <= 500 ? `WHERE s.id IN (${ids.map(() => '?').join(',')})` : '';
    const rows = await this.db.all<HistoryRow>(
      `SELECT s.id AS schedule_id, s.last_fired_at AS fired_at, s.last_outcome AS outcome, s.last_firing_run_id AS run_id, s.last_message AS message,
         r.id AS last_run_id, r.state AS last_run_state, r.created_at AS last_run_at
       FROM schedules s LEFT JOIN runs r ON r.id = s.last_run_id ${filter}`,
      filter ? ids : [],
    );
    return new Map(rows.map((row) => [row.schedule_id, toHistory(row)]));
  }

  /** The Schedules page's list: console ones first, filtered by origin and text, optionally one slice. */
  async listFiltered(filter: { origin?: ScheduleOrigin | undefined; search?: string | undefined; limit?: number | undefined; offset: number }): Promise<{ items: StoredSchedule[]; total: number }> {
    const where: string[] = [];
    const args: SqlValue[] = [];
    if (filter.origin) {
      where.push('origin = ?');
      args.push(filter.origin);
    }
    if (filter.search) {
      const op = likeOperator(this.db);
      where.push(`(engine ${op} ? ESCAPE '\\' OR source_key ${op} ? ESCAPE '\\' OR scope_json ${op} ? ESCAPE '\\')`);
      const like = `%${filter.search.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
      args.push(like, like, like);
    }
    const clause = where.length ? `WHERE ${where.join(' AND ')}` : '';
    const total = countOf(await this.db.get<{ n: number }>(`SELECT count(*) AS n FROM schedules ${clause}`, args));
    // No limit: one no store reaches (a negative LIMIT is SQLite's alone).
    const rows = await this.db.all<ScheduleRow>(`SELECT * FROM schedules ${clause} ORDER BY origin DESC, engine, id LIMIT ? OFFSET ?`, [
      ...args,
      filter.limit ?? Number.MAX_SAFE_INTEGER,
      filter.offset,
    ]);
    return { items: rows.map(toSchedule), total };
  }

  /** Schedules by id order, a page at a time (loading 10,000 at once would hold the host for ~100 ms). */
  /** Enabled schedules team mode's tick cannot fire yet (no next slot, or no run template), a page at a time by id (schedule-fill.ts). */
  async lackingSlots(afterId: number, limit: number): Promise<ScheduleLackingSlot[]> {
    const rows = await this.db.all<ScheduleRow & { next_run_at: string | null; run_scope: string | null; last_fired_at: string | null }>(
      `SELECT * FROM schedules WHERE enabled = 1 AND (next_run_at IS NULL OR run_scope IS NULL) AND id > ? ORDER BY id LIMIT ?`,
      [afterId, limit],
    );
    return rows.map((row) => ({ ...toSchedule(row), nextRunAt: row.next_run_at, hasRunTemplate: row.run_scope !== null, lastFiredAt: row.last_fired_at }));
  }

  /** Team mode's next slot, and the run template when given (scope and params as the engine computes them). */
  async setSlot(id: number, nextRunAt: string, template?: { scope: string; params: Record<string, unknown> }): Promise<void> {
    if (template) await this.db.run(`UPDATE schedules SET next_run_at = ?, run_scope = ?, run_params_json = ? WHERE id = ?`, [nextRunAt, template.scope, JSON.stringify(template.params), id]);
    else await this.db.run(`UPDATE schedules SET next_run_at = ? WHERE id = ?`, [nextRunAt, id]);
  }

  async listPage(afterId: number, limit: number): Promise<StoredSchedule[]> {
    return (await this.db.all<ScheduleRow>(`SELECT * FROM schedules WHERE id > ? ORDER BY id LIMIT ?`, [afterId, limit])).map(toSchedule);
  }

  async byIds(ids: readonly number[]): Promise<StoredSchedule[]> {
    if (ids.length === 0) return [];
    return (await this.db.all<ScheduleRow>(`SELECT * FROM schedules WHERE id IN (${ids.map(() => '?').join(',')})`, ids)).map(toSchedule);
  }

  /** The app-db schedules as stored, a page at a time, for comparing with a fresh read of the product database. */
  derivedPage(afterId: number, limit: number): Promise<StoredDerived[]> {
    return this.db.all<StoredDerived>(
      `SELECT id, source_key, engine, scope_json, trigger_json, time_zone, enabled, auto_repair, params_json
       FROM schedules WHERE origin = 'app-db' AND id > ? ORDER BY id LIMIT ?`,
      [afterId, limit],
    );
  }

  /**
   * One chunk of changes to the app-db schedules, in one transaction; returns the ids inserted.
   * The caller (AppDbSync) pages and yields between chunks.
   */
  async applyDerived(
    changes: { inserts: readonly DerivedSchedule[]; updates: readonly { id: number; schedule: DerivedSchedule }[]; deletes: readonly number[] },
    now: string,
  ): Promise<number[]> {
    const insert = `INSERT INTO schedules (origin, source_key, engine, scope_json, trigger_json, time_zone, enabled, auto_repair, params_json, created_at, updated_by, updated_at)
       VALUES ('app-db', ?, ?, ?, ?, ?, ?, ?, ?, ?, 'app-db', ?) RETURNING id`;
    const update = `UPDATE schedules SET engine = ?, scope_json = ?, trigger_json = ?, time_zone = ?, enabled = ?, auto_repair = ?, params_json = ?, updated_at = ?,
       next_run_at = NULL, run_scope = NULL, run_params_json = NULL WHERE id = ?`;
    const remove = `DELETE FROM schedules WHERE id = ?`;
    return this.db.transaction(async (tx) => {
      // Issued in order without awaiting row by row (transaction-view.ts runEach): updates, deletes, then inserts.
      const updated = runEach(tx, update, changes.updates.map(({ id, schedule }) => [...values(schedule), now, id]));
      const removed = runEach(tx, remove, changes.deletes.map((id) => [id]));
      const inserted = Promise.all(changes.inserts.map((schedule) => tx.get<{ id: number }>(insert, [schedule.sourceKey, ...values(schedule), now, now])));
      const [, , rows] = await Promise.all([updated, removed, inserted]);
      return rows.map((row) => Number(row?.id));
    });
  }

  /** One tick's firings in one transaction; each also becomes its schedule's latest (a deleted schedule's is dropped). */
  async recordFirings(firings: readonly FiringRecord[]): Promise<void> {
    if (firings.length === 0) return;
    const latest = `UPDATE schedules SET last_due_at = ?, last_fired_at = ?, last_outcome = ?, last_firing_run_id = ?, last_message = ?,
         last_run_id = COALESCE(?, last_run_id), next_run_at = COALESCE(?, next_run_at) WHERE id = ?`;
    // Only for a schedule that still exists (the UPDATE above changed it): decided in SQL, so no row waits for another.
    // Typed casts: PostgreSQL cannot infer a parameter's type from a SELECT list. BIGINT, as the columns are
    // (PostgreSQL's INTEGER is 32-bit, so an id beyond 2^31 would fail there; SQLite's is 64-bit either way).
    const insert = `INSERT INTO schedule_firings (schedule_id, due_at, fired_at, outcome, run_id, attempt, message)
       SELECT CAST(? AS BIGINT), CAST(? AS TEXT), CAST(? AS TEXT), CAST(? AS TEXT), CAST(? AS BIGINT), CAST(? AS BIGINT), CAST(? AS TEXT)
       WHERE EXISTS (SELECT 1 FROM schedules WHERE id = ?)`;
    await this.db.transaction(async (tx) => {
      const statements: Promise<unknown>[] = [];
      for (const f of firings) {
        statements.push(tx.run(latest, [f.dueAt, f.firedAt, f.outcome, f.runId, f.message, f.runId, f.nextRunAt ?? null, f.scheduleId]));
        statements.push(tx.run(insert, [f.scheduleId, f.dueAt, f.firedAt, f.outcome, f.runId, f.attempt, f.message, f.scheduleId]));
      }
      await Promise.all(statements);
    });
  }

  async setFailures(id: number, failures: number): Promise<void> {
    await this.db.run(`UPDATE schedules SET failures = ? WHERE id = ?`, [failures, id]);
  }

  async firings(scheduleId: number, limit = 50): Promise<FiringRecord[]> {
    return (await this.db.all<FiringRow>(`SELECT * FROM schedule_firings WHERE schedule_id = ? ORDER BY id DESC LIMIT ?`, [scheduleId, limit])).map((row) => ({
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
  async pruneFirings(before: string, limit = 5000): Promise<number> {
    return (await this.db.run(`DELETE FROM schedule_firings WHERE id IN (SELECT id FROM schedule_firings WHERE fired_at < ? ORDER BY fired_at LIMIT ?)`, [before, limit])).changes;
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
