import { existsSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import Database from 'better-sqlite3';
import type { ConnectionCheck } from '../connectors/shared/connection-check';
import { SQLITE_UNICODE_LOWER, type AppDbAdapter, type Row, type SqlExecutor, type SqlValue } from './adapter';

/**
 * Transactions on one file from this process, across its connections: each withAppDb opens its own, and
 * better-sqlite3's BEGIN IMMEDIATE waits for another connection's write lock synchronously (busy_timeout),
 * blocking the very event loop that connection needs to commit. Two saves at once froze the process for
 * 5 s and one failed with "database is locked"; queued here, the second starts when the first has ended.
 */
const fileTransactions = new Map<string, Promise<unknown>>();

function queuedOnFile<T>(file: string, work: () => Promise<T>): Promise<T> {
  const previous = fileTransactions.get(file) ?? Promise.resolve();
  const next = previous.then(work, work);
  const settled = next.catch(() => undefined);
  fileTransactions.set(file, settled);
  // The map holds only files with a transaction queued or running.
  void settled.then(() => {
    if (fileTransactions.get(file) === settled) fileTransactions.delete(file);
  });
  return next;
}

export interface SqliteAppDbOptions {
  path: string;
  /** Create the file when missing (appdb init, the demo); otherwise a missing file is reported. */
  create?: boolean;
  nativeBinding?: string;
}

/**
 * The embedded default app database. better-sqlite3 is synchronous and has one
 * connection, so async callers are serialised through a lock: a transaction
 * that awaits in the middle never interleaves with another caller's writes.
 */
export function openSqliteAppDb(options: SqliteAppDbOptions): AppDbAdapter {
  const exists = existsSync(options.path);
  if (!exists && !options.create) return missingDatabase(options.path);
  const file = resolve(options.path);
  const db = new Database(options.path, { ...(options.nativeBinding ? { nativeBinding: options.nativeBinding } : {}) });
  db.pragma('journal_mode = WAL');
  db.pragma('busy_timeout = 5000');
  db.pragma('foreign_keys = ON');
  // SQLite's lower() folds ASCII only; people searches (appdb/people.ts) fold names and emails as PostgreSQL does.
  db.function(SQLITE_UNICODE_LOWER, { deterministic: true }, (value: unknown) => (typeof value === 'string' ? value.toLowerCase() : value));

  const prepare = statementCache(db);
  const direct: SqlExecutor = {
    async query<T extends Row>(sql: string, params: readonly SqlValue[] = []) {
      return exactIntegers(prepare(sql).all(...bind(params)) as Row[]) as T[];
    },
    async execute(sql, params = []) {
      return { changes: prepare(sql).run(...bind(params)).changes };
    },
    async executeMany(sql, rows) {
      const stmt = prepare(sql);
      let changes = 0;
      for (const row of rows) changes += stmt.run(...bind(row)).changes;
      return { changes };
    },
  };
  let tail: Promise<unknown> = Promise.resolve();
  const locked = <T>(work: () => Promise<T>): Promise<T> => {
    const next = tail.then(work, work);
    tail = next.catch(() => undefined);
    return next;
  };

  return {
    dialect: 'sqlite',
    // In-memory databases (':memory:', '') exist only on this connection.
    ...(options.path === ':memory:' || options.path === '' ? {} : { file: { path: file, identity: fileIdentity(file) } }),
    query: (sql, params) => locked(() => direct.query(sql, params)),
    execute: (sql, params) => locked(() => direct.execute(sql, params)),
    executeMany: (sql, rows) => locked(() => direct.executeMany(sql, rows)),
    transaction: (work) =>
      queuedOnFile(file, () => locked(async () => {
        db.exec('BEGIN IMMEDIATE');
        try {
          const result = await work(direct);
          db.exec('COMMIT');
          return result;
        } catch (error) {
          if (db.inTransaction) db.exec('ROLLBACK');
          throw error;
        }
      })),
    describeTables: (tables) =>
      locked(async () => {
        const found = new Map<string, Set<string>>();
        for (const table of tables) {
          const columns = db.prepare('SELECT name FROM pragma_table_info(?)').pluck().all(table) as string[];
          if (columns.length) found.set(table, new Set(columns));
        }
        return found;
      }),
    check: () =>
      locked(async (): Promise<ConnectionCheck> => {
        try {
          db.prepare('SELECT count(*) FROM sqlite_master').get();
          return { ok: true, status: 'ok', message: `SQLite ${db.prepare('SELECT sqlite_version() AS v').pluck().get() as string} at ${options.path}` };
        } catch (error) {
          return { ok: false, status: 'error', message: (error as Error).message };
        }
      }),
    close: () => locked(async () => void db.close()),
  };
}

/** Device and inode of the file now at `path` (bigint: exact on any file system), as text. */
function fileIdentity(path: string): string {
  const stat = statSync(path, { bigint: true });
  return `${stat.dev}:${stat.ino}`;
}

/** Statements kept per connection: enough for every engine's fixed SQL; IN lists of many lengths cycle through. */
const STATEMENT_CACHE_SIZE = 256;

/**
 * Prepared statements by SQL text, least recently used evicted. Preparing
 * costs a parse and a plan on every call: an engine paging a million rows by
 * keyset ran the same SELECT a thousand times over, and a per-account loop
 * the same UPDATE per account. SQLite re-prepares a cached statement itself
 * when the schema changes (sqlite3_prepare_v2), so a cached one stays valid.
 * Safe to share: the adapter only ever runs a statement to completion
 * (all/run), never leaves one iterating.
 */
function statementCache(db: Database.Database): (sql: string) => Database.Statement {
  const cache = new Map<string, Database.Statement>();
  return (sql) => {
    let stmt = cache.get(sql);
    if (stmt) {
      // Re-inserted: a Map iterates in insertion order, so its first key is the least recently used.
      cache.delete(sql);
    } else {
      stmt = db.prepare(sql);
      // Integers come back as bigints, made numbers by exactIntegers where a number holds them exactly.
      if (stmt.reader) stmt.safeIntegers(true);
      if (cache.size >= STATEMENT_CACHE_SIZE) cache.delete(cache.keys().next().value as string);
    }
    cache.set(sql, stmt);
    return stmt;
  };
}

const SAFE_MIN = BigInt(Number.MIN_SAFE_INTEGER);
const SAFE_MAX = BigInt(Number.MAX_SAFE_INTEGER);

/**
 * Every integer a number when a number holds it exactly, a bigint otherwise.
 * Why: SQLite integers are 64-bit, and better-sqlite3 by default rounds those
 * past 2^53 to the nearest number, so two ids (snowflake ids, ids near 2^63)
 * read back as one and a repair by id missed its row or hit its neighbour.
 * The PostgreSQL driver returns BIGINT as text, exact as well.
 */
function exactIntegers(rows: Row[]): Row[] {
  for (const row of rows) {
    for (const column in row) {
      const value = row[column];
      if (typeof value === 'bigint' && value >= SAFE_MIN && value <= SAFE_MAX) row[column] = Number(value);
    }
  }
  return rows;
}

/** better-sqlite3 cannot bind booleans: store them as 1/0, as SQLite itself does. */
function bind(params: readonly SqlValue[]): unknown[] {
  return params.map((value) => (typeof value === 'boolean' ? (value ? 1 : 0) : value));
}

function missingDatabase(path: string): AppDbAdapter {
  const fail = async (): Promise<never> => {
    throw new Error(`The SQLite database ${path} does not exist. Create it with \`syncwarden appdb init\`.`);
  };
  return {
    dialect: 'sqlite',
    query: fail,
    execute: fail,
    executeMany: fail,
    transaction: fail,
    describeTables: fail,
    check: async () => ({ ok: false, status: 'missing-database', message: `The SQLite database ${path} does not exist.` }),
    close: async () => {},
  };
}
