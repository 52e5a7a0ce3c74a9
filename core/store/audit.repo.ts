import type { AuditEntry, Page, RunTrigger } from '../api/models';
import type { SqliteDatabase } from './database';
import { fromJson, toJson } from './json-column';

interface AuditRow {
  id: number;
  at: string;
  actor: RunTrigger;
  engine: string | null;
  run_id: number | null;
  action: string;
  subject: string;
  before_json: string | null;
  after_json: string | null;
}

export type NewAuditEntry = Omit<AuditEntry, 'id'>;

/** Append-only: the audit log is never updated, only added to. */
export class AuditRepository {
  constructor(private readonly db: SqliteDatabase) {}

  append(entry: NewAuditEntry): number {
    const info = this.db
      .prepare(
        `INSERT INTO audit_log (at, actor, engine, run_id, action, subject, before_json, after_json)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(entry.at, entry.actor, entry.engine, entry.runId, entry.action, entry.subject, toJson(entry.before), toJson(entry.after));
    return Number(info.lastInsertRowid);
  }

  get(id: number): AuditEntry | undefined {
    const row = this.db.prepare(`SELECT * FROM audit_log WHERE id = ?`).get(id) as AuditRow | undefined;
    return row && toEntry(row);
  }

  /** Every entry one run wrote, oldest first (a "revert this run" undoes them newest first). */
  byRun(runId: number): AuditEntry[] {
    return (this.db.prepare(`SELECT * FROM audit_log WHERE run_id = ? ORDER BY id`).all(runId) as AuditRow[]).map(toEntry);
  }

  list(filter: { engine?: string; actor?: RunTrigger; limit: number; offset: number }): Page<AuditEntry> {
    const where: string[] = [];
    const args: unknown[] = [];
    if (filter.engine) {
      where.push('engine = ?');
      args.push(filter.engine);
    }
    if (filter.actor) {
      where.push('actor = ?');
      args.push(filter.actor);
    }
    const clause = where.length ? `WHERE ${where.join(' AND ')}` : '';
    const total = (this.db.prepare(`SELECT COUNT(*) AS n FROM audit_log ${clause}`).get(...args) as { n: number }).n;
    const rows = this.db
      .prepare(`SELECT * FROM audit_log ${clause} ORDER BY id DESC LIMIT ? OFFSET ?`)
      .all(...args, filter.limit, filter.offset) as AuditRow[];
    return {
      items: rows.map(toEntry),
      total,
      limit: filter.limit,
      offset: filter.offset,
    };
  }

  /** One engine's entries about these subjects (one user's history), newest first, and how many there are. */
  bySubjects(engine: string, subjects: readonly string[], limit: number): { items: AuditEntry[]; total: number } {
    if (subjects.length === 0) return { items: [], total: 0 };
    const marks = subjects.map(() => '?').join(', ');
    const where = `WHERE engine = ? AND subject IN (${marks})`;
    const total = (this.db.prepare(`SELECT COUNT(*) AS n FROM audit_log ${where}`).get(engine, ...subjects) as { n: number }).n;
    const rows = this.db.prepare(`SELECT * FROM audit_log ${where} ORDER BY id DESC LIMIT ?`).all(engine, ...subjects, limit) as AuditRow[];
    return { items: rows.map(toEntry), total };
  }
}

function toEntry(row: AuditRow): AuditEntry {
  return {
    id: row.id,
    at: row.at,
    actor: row.actor,
    engine: row.engine,
    runId: row.run_id,
    action: row.action,
    subject: row.subject,
    before: fromJson<unknown>(row.before_json),
    after: fromJson<unknown>(row.after_json),
  };
}
