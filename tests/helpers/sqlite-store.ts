import type Database from 'better-sqlite3';
import { SqliteStoreDb } from '../../core/store/sqlite-store-db';
import type { Store } from '../../core/store/store';

/** The better-sqlite3 connection under a SQLite store, for tests that look at the file itself (pragmas, schema). */
export function rawSqlite(store: Pick<Store, 'db'>): Database.Database {
  if (!(store.db instanceof SqliteStoreDb)) throw new Error('this test needs the SQLite store');
  return store.db.raw;
}
