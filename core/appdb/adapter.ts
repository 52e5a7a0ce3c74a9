import type { ConnectionCheck } from '../connectors/shared/connection-check';

/**
 * One interface over the product's database, whatever it is (SQLite file or
 * PostgreSQL). SQL is written with `?` placeholders and quoted identifiers;
 * each adapter translates placeholders to its driver's form.
 */
/**
 * A lower() that folds beyond ASCII, registered on every SQLite product database the SQLite adapter opens
 * (SQLite's own folds ASCII only); PostgreSQL's lower() already does.
 */
export const SQLITE_UNICODE_LOWER = 'sw_lower';

/**
 * A SQLite file as its adapter opened it: `path` (absolute) and `identity` (device and inode, as text). A second
 * connection opened later by path must check the identity: the path may name another file by then (a restore
 * renamed over it), while this adapter still reads the one it opened.
 */
export interface SqliteFile {
  path: string;
  identity: string;
}

export type SqlValue = string | number | bigint | boolean | null | Buffer;
export type Row = Record<string, unknown>;

export interface SqlExecutor {
  query<T extends Row = Row>(sql: string, params?: readonly SqlValue[]): Promise<T[]>;
  execute(sql: string, params?: readonly SqlValue[]): Promise<{ changes: number }>;
  /** One prepared statement run for many parameter rows (inside the current transaction). */
  executeMany(sql: string, rows: readonly (readonly SqlValue[])[]): Promise<{ changes: number }>;
}

/**
 * A transaction's executor with its database's dialect, for what reads the catalog inside a transaction
 * (liveColumns, referencingKeys): what a statement of that transaction will meet, not what was true before it.
 */
export function catalogOf(tx: SqlExecutor, dialect: AppDbAdapter['dialect']): Pick<AppDbAdapter, 'dialect'> & SqlExecutor {
  return { dialect, query: (sql, params) => tx.query(sql, params), execute: (sql, params) => tx.execute(sql, params), executeMany: (sql, rows) => tx.executeMany(sql, rows) };
}

export interface AppDbAdapter extends SqlExecutor {
  readonly dialect: 'sqlite' | 'postgres';
  /**
   * The SQLite file behind this adapter, which a second, read-only connection on a worker thread may read;
   * absent for PostgreSQL and for a database that lives in memory.
   */
  readonly file?: SqliteFile;
  /** Runs `work` in one transaction: all of it commits, or none of it. */
  transaction<T>(work: (tx: SqlExecutor) => Promise<T>): Promise<T>;
  /** Columns of each existing table, for mapping validation (information_schema / pragma). */
  describeTables(tables: readonly string[]): Promise<Map<string, Set<string>>>;
  /** One cheap round trip: ok, unreachable, bad credentials or missing database, with the server's message. */
  check(): Promise<ConnectionCheck>;
  close(): Promise<void>;
}

export interface KeysetOptions {
  table: string;
  columns: readonly string[];
  /** A unique, ordered column (usually the primary key). */
  key: string;
  chunkSize?: number;
  where?: { sql: string; params: readonly SqlValue[] };
}
