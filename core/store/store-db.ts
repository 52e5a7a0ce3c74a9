/**
 * The console store's one database port. Repositories speak SQL through it and
 * never touch a driver: the same repositories run on SQLite (a desktop console,
 * better-sqlite3) and on PostgreSQL (team mode, `pg`), so every call is async.
 *
 * SQL written against this port is the portable subset of both dialects:
 * positional `?` parameters (the PostgreSQL driver numbers them), `RETURNING`
 * instead of last-insert ids, ISO-8601 text for instants, 0/1 integers for
 * flags, and the store's own functions (`sw_lower`, `sw_json_patch`) where the
 * dialects differ. Where a statement cannot be portable, branch on `dialect`.
 */
export type StoreDialect = 'sqlite' | 'postgres';

/** A bound value. Booleans are written as 0/1; instants as ISO text. */
export type SqlValue = string | number | bigint | null | Uint8Array;

export type SqlParams = readonly SqlValue[];

export interface RunResult {
  /** Rows inserted, updated or deleted by the statement. */
  readonly changes: number;
}

/** Statements on one connection: the store itself, or the connection of an open transaction. */
export interface StoreQueries {
  readonly dialect: StoreDialect;
  /** The first row, or undefined. */
  get<Row>(sql: string, params?: SqlParams): Promise<Row | undefined>;
  all<Row>(sql: string, params?: SqlParams): Promise<Row[]>;
  run(sql: string, params?: SqlParams): Promise<RunResult>;
}

export interface StoreDb extends StoreQueries {
  /**
   * Runs `work` in one transaction: committed when it resolves, rolled back when
   * it throws. Invariant: statements inside go through `tx` only, and no other
   * statement of this process interleaves with an open transaction's (SQLite
   * serialises on its one connection; PostgreSQL gives `tx` its own pooled one).
   */
  transaction<T>(work: (tx: StoreQueries) => Promise<T>): Promise<T>;
  /** Several statements without parameters (schema work). */
  exec(sql: string): Promise<void>;
  close(): Promise<void>;
}

/**
 * Whether a statement failed on a UNIQUE constraint, on either dialect (SQLite's extended code, PostgreSQL's
 * SQLSTATE 23505): a race another process (another machine on a team store) won, which callers may turn into
 * a `conflict` rather than an internal error.
 */
export function isUniqueViolation(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === '23505' || code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY';
}
