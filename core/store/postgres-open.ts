import { migratePostgresStore } from './postgres-migrate';
import { PostgresStoreDb, type PostgresStoreOptions } from './postgres-store-db';

/**
 * Opens a PostgreSQL console store at the latest schema (creating it in an empty database):
 * the team-mode counterpart of database.ts openDatabase. `location` names the store in
 * messages and must not hold a password (store-location.ts gives it without one).
 */
export async function openPostgresStoreDb(options: PostgresStoreOptions & { location: string }): Promise<{ db: PostgresStoreDb; version: number }> {
  const { location, ...driver } = options;
  const db = new PostgresStoreDb(driver);
  try {
    return { db, version: await migratePostgresStore(db, location) };
  } catch (error) {
    await db.close().catch(() => undefined);
    throw error;
  }
}
