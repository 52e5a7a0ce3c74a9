import type { StoreDb } from './store-db';
import { runEach } from './transaction-view';

const GET = `SELECT value_json FROM engine_state WHERE engine = ? AND key = ?`;
const SET = `INSERT INTO engine_state (engine, key, value_json, updated_at) VALUES (?, ?, ?, ?)
  ON CONFLICT(engine, key) DO UPDATE SET value_json = excluded.value_json, updated_at = excluded.updated_at`;
const DELETE = `DELETE FROM engine_state WHERE engine = ? AND key = ?`;

/**
 * Durable per-engine state (delta cursors, resume points); never secrets. Engines read and write their
 * state per account, thousands of times a run: the statements are constants, so the StoreDb keeps each prepared.
 */
export class EngineStateRepository {
  constructor(private readonly db: StoreDb) {}

  async get<T>(engine: string, key: string): Promise<T | undefined> {
    const row = await this.db.get<{ value_json: string }>(GET, [engine, key]);
    return row ? (JSON.parse(row.value_json) as T) : undefined;
  }

  async set(engine: string, key: string, value: unknown, now: string): Promise<void> {
    await this.db.run(SET, [engine, key, JSON.stringify(value), now]);
  }

  /** Several keys in one transaction: one commit instead of one per key (a roster of thousands of accounts). */
  async setMany(engine: string, entries: readonly (readonly [string, unknown])[], now: string): Promise<void> {
    await this.db.transaction((tx) => runEach(tx, SET, entries.map(([key, value]) => [engine, key, JSON.stringify(value), now])));
  }

  async delete(engine: string, key: string): Promise<void> {
    await this.db.run(DELETE, [engine, key]);
  }
}
