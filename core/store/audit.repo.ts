import type { AuditEntry, Page, RunTrigger } from '../api/models';
import { SEARCH_SEPARATOR, auditSearchText, foldText } from './audit-search';
import type { SqlValue, StoreDb } from './store-db';
import { countOf } from './transaction-view';
import { fromJson, toJson } from './json-column';

interface AuditRow {
  // subject_fold and search_fold (migration 12) are only searched, never read back.
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

/** What audit.list can narrow by; every part optional, all given parts must hold. */
export interface AuditFilter {
  engine?: string;
  actor?: RunTrigger;
  user?: string;
  /**
   * Other spellings of `user` (its id for an email, its email for an id, from the product database): an
   * entry naming any of them matches, so a quarantine that names its files' owners by id is found by email.
   */
  userAliases?: readonly string[];
  subject?: string;
  runId?: number;
}

/** Append-only: the audit log is never updated, only added to. */
export class AuditRepository {
  constructor(private readonly db: StoreDb) {}

  async append(entry: NewAuditEntry): Promise<number> {
    const row = await this.db.get<{ id: number }>(
      `INSERT INTO audit_log (at, actor, engine, run_id, action, subject, before_json, after_json, subject_fold, search_fold)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
      [
        entry.at,
        entry.actor,
        entry.engine,
        entry.runId,
        entry.action,
        entry.subject,
        toJson(entry.before),
        toJson(entry.after),
        foldText(entry.subject),
        auditSearchText(entry.subject, entry.before, entry.after),
      ],
    );
    return Number(row?.id);
  }

  async get(id: number): Promise<AuditEntry | undefined> {
    const row = await this.db.get<AuditRow>(`SELECT * FROM audit_log WHERE id = ?`, [id]);
    return row && toEntry(row);
  }

  /** Every entry one run wrote, oldest first (a "revert this run" undoes them newest first). */
  async byRun(runId: number): Promise<AuditEntry[]> {
    return (await this.db.all<AuditRow>(`SELECT * FROM audit_log WHERE run_id = ? ORDER BY id`, [runId])).map((row) => toEntry(row));
  }

  async list(filter: AuditFilter & { limit: number; offset: number }): Promise<Page<AuditEntry>> {
    const where: string[] = [];
    const args: SqlValue[] = [];
    // instr (SQLite) and strpos (PostgreSQL): the position of a text in another, by each dialect's name.
    const position = this.db.dialect === 'postgres' ? 'strpos' : 'instr';
    if (filter.engine) {
      where.push('engine = ?');
      args.push(filter.engine);
    }
    if (filter.actor) {
      where.push('actor = ?');
      args.push(filter.actor);
    }
    if (filter.runId !== undefined) {
      where.push('run_id = ?');
      args.push(filter.runId);
    }
    if (filter.subject) {
      const term = foldText(filter.subject.trim());
      // instr, not LIKE: a search for "a_b" or "50%" means those characters, not wildcards. A term with a kind
      // ("row:12", "file:") searches the whole subject; a bare word searches the values an entry is about
      // (subject without its kind words, the before/after values), so "user" is not in every identity entry.
      if (term.includes(':')) where.push(`${position}(subject_fold, ?) > 0`);
      else where.push(`${position}(search_fold, ?) > 0`);
      args.push(term);
    }
    if (filter.user) {
      // A user is one whole value of the entry: a ':'/'/'-separated part of its subject ("user:ada@x",
      // "file:ada@x:3") or a whole text value of its before/after (its email or id), never part of a longer one.
      const values = [...new Set([filter.user, ...(filter.userAliases ?? [])].map((value) => foldText(value.trim())).filter(Boolean))];
      where.push(`(${values.map(() => `${position}(search_fold, ?) > 0`).join(' OR ')})`);
      args.push(...values.map((value) => `${SEARCH_SEPARATOR}${value}${SEARCH_SEPARATOR}`));
    }
    const clause = where.length ? `WHERE ${where.join(' AND ')}` : '';
    const total = countOf(await this.db.get<{ n: number }>(`SELECT COUNT(*) AS n FROM audit_log ${clause}`, args));
    const rows = await this.db.all<AuditRow>(`SELECT * FROM audit_log ${clause} ORDER BY id DESC LIMIT ? OFFSET ?`, [...args, filter.limit, filter.offset]);
    return {
      items: rows.map((row) => toEntry(row, imageOf)),
      total,
      limit: filter.limit,
      offset: filter.offset,
    };
  }

  /** One engine's entries about these subjects (one user's history), newest first, and how many there are. */
  async bySubjects(engine: string, subjects: readonly string[], limit: number): Promise<{ items: AuditEntry[]; total: number }> {
    if (subjects.length === 0) return { items: [], total: 0 };
    const marks = subjects.map(() => '?').join(', ');
    const where = `WHERE engine = ? AND subject IN (${marks})`;
    const total = countOf(await this.db.get<{ n: number }>(`SELECT COUNT(*) AS n FROM audit_log ${where}`, [engine, ...subjects]));
    const rows = await this.db.all<AuditRow>(`SELECT * FROM audit_log ${where} ORDER BY id DESC LIMIT ?`, [engine, ...subjects, limit]);
    return { items: rows.map((row) => toEntry(row, imageOf)), total };
  }
}

/** Reads a before/after image: strictly for what acts on it (get, byRun: a revert), leniently for what lists the log. */
type ImageReader = (text: string | null) => unknown;

function toEntry(row: AuditRow, readImage: ImageReader = fromJson): AuditEntry {
  return {
    id: row.id,
    at: row.at,
    actor: row.actor,
    engine: row.engine,
    runId: row.run_id,
    action: row.action,
    subject: row.subject,
    before: readImage(row.before_json),
    after: readImage(row.after_json),
  };
}

/**
 * A before/after image to list; one that is not JSON (a store edited or damaged by hand) is shown as its
 * text, as migration 12 indexed it, instead of making every page of the log that holds it fail to load.
 * A revert still refuses it (get and byRun read strictly): it must never write that text back as a value.
 */
function imageOf(text: string | null): unknown {
  try {
    return fromJson<unknown>(text);
  } catch {
    return text;
  }
}
