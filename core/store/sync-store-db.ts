import type { SqliteDatabase } from './database';
import type { SqlParams, StoreDb, StoreQueries } from './store-db';

/**
 * The StoreDb port over the desktop store's synchronous better-sqlite3
 * connection: lets code written against the port (team mode's schedule
 * migration) run on today's store. A bridge until the async store (s4-async)
 * gives every store its StoreDb; then this file goes.
 *
 * Transactions use BEGIN IMMEDIATE/COMMIT around async work. The port's
 * invariant (no other statement interleaves with an open transaction) is the
 * caller's: the one caller runs its steps one at a time.
 */
export function syncStoreDb(db: SqliteDatabase): StoreDb {
  const queries: StoreQueries = {
    dialect: 'sqlite',
    get: <Row>(sql: string, params: SqlParams = []) => Promise.resolve(db.prepare(sql).get(...params) as Row | undefined),
    all: <Row>(sql: string, params: SqlParams = []) => Promise.resolve(db.prepare(sql).all(...params) as Row[]),
    run: (sql: string, params: SqlParams = []) => Promise.resolve({ changes: db.prepare(sql).run(...params).changes }),
  };
  return {
    ...queries,
    async transaction<T>(work: (tx: StoreQueries) => Promise<T>): Promise<T> {
      db.exec('BEGIN IMMEDIATE');
      try {
        const result = await work(queries);
        db.exec('COMMIT');
        return result;
      } catch (error) {
        if (db.inTransaction) db.exec('ROLLBACK');
        throw error;
      }
    },
    exec: (sql: string) => Promise.resolve(void db.exec(sql)),
    close: () => Promise.resolve(void db.close()),
  };
}
