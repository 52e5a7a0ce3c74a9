import type { SqliteDatabase } from './database';

/** Durable per-engine state (delta cursors, resume points); never secrets. */
export class EngineStateRepository {
  constructor(private readonly db: SqliteDatabase) {}

  get<T>(engine: string, key: string): T | undefined {
    const row = this.db.prepare(`SELECT value_json FROM engine_state WHERE engine = ? AND key = ?`).get(engine, key) as { value_json: string } | undefined;
    return row ? (JSON.parse(row.value_json) as T) : undefined;
  }

  set(engine: string, key: string, value: unknown, now: string): void {
    this.db
      .prepare(
        `INSERT INTO engine_state (engine, key, value_json, updated_at) VALUES (?, ?, ?, ?)
         ON CONFLICT(engine, key) DO UPDATE SET value_json = excluded.value_json, updated_at = excluded.updated_at`,
      )
      .run(engine, key, JSON.stringify(value), now);
  }

  delete(engine: string, key: string): void {
    this.db.prepare(`DELETE FROM engine_state WHERE engine = ? AND key = ?`).run(engine, key);
  }
}
