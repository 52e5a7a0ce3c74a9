import { existsSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { createPrivateFile, ensurePrivateDir, makeFilesPrivate } from './data-dir';
import { LATEST_SCHEMA_VERSION, MIGRATIONS, migrationSql } from './migrations';
import { registerStoreFunctions } from './store-functions';

export type SqliteDatabase = Database.Database;

export interface OpenDatabaseOptions {
  /** Path to a better_sqlite3.node built for this runtime (Electron's ABI differs from Node's). */
  nativeBinding?: string;
}

/** A store written by a newer Syncwarden: refuse it rather than damage it. */
export class StoreTooNewError extends Error {
  constructor(
    readonly file: string,
    readonly foundVersion: number,
    readonly supportedVersion: number,
  ) {
    super(
      `The console store at ${file} was written by a newer Syncwarden (schema ${foundVersion}; ` +
        `this version understands up to ${supportedVersion}). Update Syncwarden, or start it with ` +
        `another --data-dir. Nothing was changed.`,
    );
    this.name = 'StoreTooNewError';
  }
}

/**
 * Opens the console store: checks the schema version read-only first (so a
 * too-new file is left byte-for-byte untouched), then enables WAL and a busy
 * timeout and applies pending migrations in one transaction each.
 */
export function openDatabase(file: string, options: OpenDatabaseOptions = {}): SqliteDatabase {
  const driverOptions = options.nativeBinding ? { nativeBinding: options.nativeBinding } : {};
  ensurePrivateDir(dirname(file));
  if (existsSync(file)) assertNotTooNew(file, driverOptions);
  // 0600 before SQLite opens it: SQLite gives the -wal and -shm files the main file's mode.
  createPrivateFile(file);
  makeFilesPrivate(`${file}-wal`, `${file}-shm`, `${file}-journal`);

  const db = new Database(file, driverOptions);
  try {
    // The timeout first: another process opening the store at the same moment may hold a lock already.
    db.pragma('busy_timeout = 5000');
    db.pragma('journal_mode = WAL');
    db.pragma('foreign_keys = ON');
    db.pragma('synchronous = NORMAL');
    registerStoreFunctions(db);
    migrate(db);
    return db;
  } catch (error) {
    db.close();
    throw error;
  }
}

function assertNotTooNew(file: string, driverOptions: Database.Options): void {
  const probe = new Database(file, { ...driverOptions, readonly: true, fileMustExist: true });
  try {
    const found = probe.pragma('user_version', { simple: true }) as number;
    if (found > LATEST_SCHEMA_VERSION) throw new StoreTooNewError(file, found, LATEST_SCHEMA_VERSION);
  } finally {
    probe.close();
  }
}

export function schemaVersion(db: SqliteDatabase): number {
  return db.pragma('user_version', { simple: true }) as number;
}

/**
 * Each migration runs in an IMMEDIATE transaction that reads the version again once it holds the write lock:
 * processes opening a new store at once (a cron line and a worker) would otherwise all read version 0, and all
 * but the first would fail on "table … already exists".
 */
function migrate(db: SqliteDatabase): void {
  for (const migration of MIGRATIONS) {
    if (migration.version <= schemaVersion(db)) continue;
    // PRAGMA foreign_keys is a no-op inside a transaction: switch it around the migration's one.
    if (migration.foreignKeysOff) db.pragma('foreign_keys = OFF');
    try {
      db.transaction(() => {
        if (migration.version <= schemaVersion(db)) return; // applied by another process meanwhile
        db.exec(migrationSql(migration, 'sqlite'));
        if (migration.foreignKeysOff && (db.pragma('foreign_key_check') as unknown[]).length > 0) {
          throw new Error(`migration ${migration.version} would leave broken foreign keys`);
        }
        db.pragma(`user_version = ${migration.version}`);
      }).immediate();
    } finally {
      if (migration.foreignKeysOff) db.pragma('foreign_keys = ON');
    }
  }
}
