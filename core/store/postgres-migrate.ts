import type pg from 'pg';
import { StoreTooNewError } from './database';
import { LATEST_SCHEMA_VERSION, MIGRATIONS, migrationSql, type Migration } from './migrations';
import { POSTGRES_BASELINE_SQL, POSTGRES_BASELINE_VERSION, POSTGRES_FUNCTIONS_SQL } from './postgres-baseline';
import type { PostgresStoreDb } from './postgres-store-db';

/**
 * Session advisory lock held while a PostgreSQL store is migrated: two machines
 * initialising one store at once take turns, and the second finds it migrated.
 * The lock dies with the session, so a crashed migrator never leaves it held.
 */
export const MIGRATION_LOCK_KEY = 0x53574d47; // "SWMG"

/** PostgreSQL has no user_version: the schema version is this one-row table. */
const VERSION_TABLE_SQL = `
  CREATE TABLE schema_version (
    id         INTEGER PRIMARY KEY CHECK (id = 1),
    version    INTEGER NOT NULL,
    updated_at TEXT    NOT NULL
  );
`;

/**
 * The migrations a PostgreSQL store runs: those after its baseline (postgres-baseline.ts), each with its
 * PostgreSQL SQL (migrationSql: one portable text, or the dialect's own). store-schema-parity.test.ts
 * fails when one leaves the two dialects different.
 */
export function postgresMigrationsAfterBaseline(migrations: readonly Migration[] = MIGRATIONS): Array<{ version: number; name: string; postgres: string }> {
  return migrations
    .filter((migration) => migration.version > POSTGRES_BASELINE_VERSION)
    .map((migration) => ({ version: migration.version, name: migration.name, postgres: migrationSql(migration, 'postgres') }));
}

/**
 * Brings a PostgreSQL store to LATEST_SCHEMA_VERSION and returns its version.
 * The version is read before anything is written, so a store of a newer
 * Syncwarden is refused untouched (same message as SQLite). An empty database
 * gets the baseline; a database holding tables named like ours but no version
 * is refused (not a store, or a damaged one).
 */
export async function migratePostgresStore(db: PostgresStoreDb, location: string): Promise<number> {
  const pending = postgresMigrationsAfterBaseline();
  return db.withClient(async (client, discard) => {
    await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
    try {
      let version = await readVersion(client);
      if (version > LATEST_SCHEMA_VERSION) throw new StoreTooNewError(location, version, LATEST_SCHEMA_VERSION);
      if (version === 0) {
        if (await hasTable(client, 'runs')) {
          throw new Error(`the database at ${location} has a "runs" table but no Syncwarden schema_version: it is not an empty database nor a Syncwarden store. Nothing was changed.`);
        }
        await inTransaction(client, async () => {
          await client.query(VERSION_TABLE_SQL);
          await client.query(POSTGRES_BASELINE_SQL);
          await client.query(POSTGRES_FUNCTIONS_SQL);
          await client.query(`INSERT INTO schema_version (id, version, updated_at) VALUES (1, $1, $2)`, [POSTGRES_BASELINE_VERSION, new Date().toISOString()]);
        });
        version = POSTGRES_BASELINE_VERSION;
      }
      for (const migration of pending) {
        if (migration.version <= version) continue;
        await inTransaction(client, async () => {
          await client.query(migration.postgres);
          await client.query(`UPDATE schema_version SET version = $1, updated_at = $2 WHERE id = 1`, [migration.version, new Date().toISOString()]);
        });
        version = migration.version;
      }
      return version;
    } finally {
      await client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]).catch((error: unknown) => discard(error));
    }
  });
}

/** The schema version of a PostgreSQL store; 0 for a database with no Syncwarden schema yet. */
export async function postgresSchemaVersion(db: PostgresStoreDb): Promise<number> {
  return db.withClient((client) => readVersion(client));
}

async function readVersion(client: pg.PoolClient): Promise<number> {
  if (!(await hasTable(client, 'schema_version'))) return 0;
  const row = (await client.query<{ version: number }>('SELECT version FROM schema_version WHERE id = 1')).rows[0];
  return row?.version ?? 0;
}

async function hasTable(client: pg.PoolClient, name: string): Promise<boolean> {
  const row = (await client.query<{ found: string | null }>('SELECT to_regclass($1)::text AS found', [name])).rows[0];
  return row?.found !== null && row?.found !== undefined;
}

async function inTransaction(client: pg.PoolClient, work: () => Promise<void>): Promise<void> {
  await client.query('BEGIN');
  try {
    await work();
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  }
}
