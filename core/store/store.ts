import { join } from 'node:path';
import { AuditRepository } from './audit.repo';
import { ConnectionsRepository } from './connections.repo';
import { EngineStateRepository } from './engine-state.repo';
import { openDatabase, schemaVersion, type OpenDatabaseOptions } from './database';
import { openPostgresStoreDb } from './postgres-open';
import { postgresSchemaVersion } from './postgres-migrate';
import { explainConnectError } from './store-probe';
import { isPostgresUrl, parseStoreLocation } from './store-location';
import { FindingsRepository } from './findings.repo';
import { RunEventsRepository } from './run-events.repo';
import { RunItemsRepository } from './run-items.repo';
import { RunsRepository } from './runs.repo';
import { SchedulesRepository } from './schedules.repo';
import { SettingsRepository } from './settings.repo';
import { startWalCheckpointer } from './wal-checkpointer';
import { SqliteStoreDb } from './sqlite-store-db';
import type { StoreDb } from './store-db';
import { transactionView } from './transaction-view';

export const STORE_FILE_NAME = 'syncwarden.db';

/** The store's repositories, all over one StoreDb (the store itself, or an open transaction). */
export interface StoreRepositories {
  readonly runs: RunsRepository;
  readonly runEvents: RunEventsRepository;
  /** Per-item run logs (what a run did item by item), bounded per run. */
  readonly runItems: RunItemsRepository;
  readonly findings: FindingsRepository;
  readonly audit: AuditRepository;
  readonly settings: SettingsRepository;
  readonly connections: ConnectionsRepository;
  readonly engineState: EngineStateRepository;
  readonly schedules: SchedulesRepository;
}

/** The console's own store: runs, their events, findings, the audit log and settings. */
export interface Store extends StoreRepositories {
  /** Where it lives: the SQLite file (or, for another StoreDb, what names it). */
  readonly file: string;
  readonly db: StoreDb;
  /**
   * Several repository calls in one transaction: `work` gets repositories over it, and must use only those
   * (the store's own ones wait until the transaction ends). A repository's own batch becomes a savepoint.
   */
  transaction<T>(work: (store: StoreRepositories) => Promise<T>): Promise<T>;
  schemaVersion(): Promise<number>;
  close(): Promise<void>;
}

export function repositoriesOver(db: StoreDb): StoreRepositories {
  return {
    runs: new RunsRepository(db),
    runEvents: new RunEventsRepository(db),
    runItems: new RunItemsRepository(db),
    findings: new FindingsRepository(db),
    audit: new AuditRepository(db),
    settings: new SettingsRepository(db),
    connections: new ConnectionsRepository(db),
    engineState: new EngineStateRepository(db),
    schedules: new SchedulesRepository(db),
  };
}

/** A Store over any StoreDb (the SQLite one below; team mode's PostgreSQL one). */
export function storeOver(db: StoreDb, file: string, version: () => Promise<number>): Store {
  return {
    file,
    db,
    ...repositoriesOver(db),
    transaction: (work) => db.transaction((tx) => work(repositoriesOver(transactionView(tx)))),
    schemaVersion: version,
    close: () => db.close(),
  };
}

export interface OpenStoreOptions extends OpenDatabaseOptions {
  /** A PostgreSQL store's password (store-location.ts storePassword: PGPASSWORD or the keychain). */
  password?: string;
}

/**
 * Opens (creating and migrating as needed) the console store: the SQLite store in the data dir
 * `location`, or the PostgreSQL store at a `postgres://` URL (team mode; never with a password in it).
 */
export async function openStore(location: string, options: OpenStoreOptions = {}): Promise<Store> {
  if (isPostgresUrl(location)) return openPostgresStore(location, options.password);
  const dataDir = location;
  const file = join(dataDir, STORE_FILE_NAME);
  const raw = openDatabase(file, options);
  const checkpointer = startWalCheckpointer(raw, file, { nativeBinding: options.nativeBinding });
  const db = new SqliteStoreDb(raw, checkpointer);
  return storeOver(db, file, () => Promise.resolve(schemaVersion(raw)));
}

async function openPostgresStore(url: string, password: string | undefined): Promise<Store> {
  parseStoreLocation(url);
  const { db } = await openPostgresStoreDb({ connectionString: url, location: url, ...(password !== undefined ? { password } : {}) }).catch((error: unknown) => {
    throw explainConnectError(error, url);
  });
  return storeOver(db, url, () => postgresSchemaVersion(db));
}
