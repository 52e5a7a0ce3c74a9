import type { Statement } from 'better-sqlite3';
import type { SqliteDatabase } from './database';

/** Durable per-engine state (delta cursors, resume points); never secrets. */
export class EngineStateRepository {
  // Prepared once: engines read and write their state per account, thousands of times a run.
  private statements?: { get: Statement; set: Statement; delete: Statement };

  constructor(private readonly db: SqliteDatabase) {}

  private get sql(): { get: Statement; set: Statement; delete: Statement } {
    this.statements ??= {
      get: this.db.prepare(`SELECT value_json FROM engine_state WHERE engine = ? AND key = ?`),
      set: this.db.prepare(
        `INSERT INTO engine_state (engine, key, value_json, updated_at) VALUES (?, ?, ?, ?)
         ON CONFLICT(engine, key) DO UPDATE SET value_json = excluded.value_json, updated_at = excluded.updated_at`,
      ),
      delete: this.db.prepare(`DELETE FROM engine_state WHERE engine = ? AND key = ?`),
    };
    return this.statements;
  }

  get<T>(engine: string, key: string): T | undefined {
    const row = this.sql.get.get(engine, key) as { value_json: string } | undefined;
    return row ? (JSON.parse(row.value_json) as T) : undefined;
  }

  set(engine: string, key: string, value: unknown, now: string): void {
    this.sql.set.run(engine, key, JSON.stringify(value), now);
  }

  /** Several keys in one transaction: one commit instead of one per key (a roster of thousands of accounts). */
  setMany(engine: string, entries: readonly (readonly [string, unknown])[], now: string): void {
    const set = this.sql.set;
    this.db.transaction(() => {
      for (const [key, value] of entries) set.run(engine, key, JSON.stringify(value), now);
    })();
  }

  delete(engine: string, key: string): void {
    this.sql.delete.run(engine, key);
  }
}
