import { AsyncLocalStorage } from 'node:async_hooks';
import type pg from 'pg';
import { isConnectionLoss } from './connection-loss';
import { guardedClient, loadPg, withPassword, withPooledClient } from '../base/pg-driver';
import { numberPlaceholders } from './pg-placeholders';
import { NestedTransactionError } from './sqlite-store-db';
import type { RunResult, SqlParams, StoreDb, StoreQueries } from './store-db';

export interface PostgresStoreOptions {
  /** postgres://user@host:port/db — never with a password (store-location.ts refuses one). */
  connectionString: string;
  /** From the keychain or PGPASSWORD, kept out of the URL. */
  password?: string;
  /** Pooled connections; a console needs few, a worker about its concurrency + 2. */
  maxConnections?: number;
  /** A statement running longer is cancelled by the server (a stuck lock must not hang a console). */
  statementTimeoutMs?: number;
  connectTimeoutMs?: number;
}

const INT8_OID = 20;
const NUMERIC_OID = 1700;

/**
 * An int8 or numeric becomes a JS number only when that number is exactly the
 * value: COUNT(*), SUM() and BIGINT ids fit; a value beyond 2^53 throws rather
 * than silently turning into a neighbouring integer.
 */
export function parseExactNumber(text: string): number {
  const value = Number(text);
  if (!Number.isFinite(value)) throw new RangeError(`the store returned ${text}, which is not a finite number`);
  if (/^-?\d+$/.test(text)) {
    if (!Number.isSafeInteger(value)) throw new RangeError(`the store returned ${text}, beyond what a JS number holds exactly (2^53)`);
    return value;
  }
  // A fractional numeric: refuse only when its integer part is already inexact.
  if (Math.abs(value) > Number.MAX_SAFE_INTEGER) throw new RangeError(`the store returned ${text}, beyond what a JS number holds exactly (2^53)`);
  return value;
}

const storeTypes = {
  getTypeParser(oid: number, format?: 'text' | 'binary') {
    if (oid === INT8_OID || oid === NUMERIC_OID) return parseExactNumber;
    return loadPg().types.getTypeParser(oid, format ?? 'text');
  },
} as pg.CustomTypesConfig;

/** Runs of a plain SELECT that lost its connection: the first, and one on a new connection for each connection the pool may still hold dead. */
const READ_ATTEMPTS = 3;
const PLAIN_SELECT = /^\s*SELECT\b/i;
/** The store's own procedures are named syncwarden_* and may write (syncwarden_enqueue_due queues runs); its pure helpers are sw_*. */
const STORE_PROCEDURE = /\bsyncwarden_\w+\s*\(/i;

/** A statement that changes nothing: safe to run again when its connection went before its answer came. */
function isPlainRead(sql: string): boolean {
  return PLAIN_SELECT.test(sql) && !STORE_PROCEDURE.test(sql);
}

/** An open transaction, known to code running inside its work (AsyncLocalStorage). */
interface OpenTransaction {
  readonly db: PostgresStoreDb;
  open: boolean;
}

const currentTransaction = new AsyncLocalStorage<OpenTransaction>();

/** The console store on PostgreSQL (team mode): the StoreDb port over a pg Pool. */
export class PostgresStoreDb implements StoreDb {
  readonly dialect = 'postgres' as const;
  private readonly pool: pg.Pool;
  private closed = false;

  constructor(options: PostgresStoreOptions) {
    const statementTimeout = options.statementTimeoutMs ?? 30_000;
    this.pool = new (loadPg().Pool)({
      Client: guardedClient(),
      connectionString: withPassword(options.connectionString, options.password),
      max: options.maxConnections ?? 8,
      connectionTimeoutMillis: options.connectTimeoutMs ?? 10_000,
      idleTimeoutMillis: 30_000,
      statement_timeout: statementTimeout,
      // A transaction left open by a dead caller must not hold its locks for ever.
      idle_in_transaction_session_timeout: Math.max(statementTimeout * 2, 60_000),
      application_name: 'syncwarden',
      keepAlive: true,
      types: storeTypes,
    });
    // An idle connection the server closed (pg_terminate_backend, a restart, a network cut) is reported
    // here; the pool drops it and the next call opens a new one. Without a listener the process would crash.
    this.pool.on('error', () => undefined);
  }

  get<Row>(sql: string, params: SqlParams = []): Promise<Row | undefined> {
    return this.all<Row>(sql, params).then((rows) => rows[0]);
  }

  /**
   * A plain read (isPlainRead) whose pooled connection the server closed (pg_terminate_backend, a restart, a
   * failover) is run again on a new one: it changes nothing, so running it twice is safe. The pool may hand out a
   * connection whose end it has not seen yet, so a single kill can fail the next statement. Anything else
   * (a write, INSERT … RETURNING, a WITH that may write, a store procedure) fails as it is: it may have
   * committed. A connection that could not be made (a timeout) is not retried here: each try would wait
   * the whole connect timeout again.
   */
  async all<Row>(sql: string, params: SqlParams = []): Promise<Row[]> {
    await this.outside('A statement');
    for (let attempt = 1; ; attempt++) {
      try {
        return (await runQuery<Row>(this.pool, sql, params)).rows;
      } catch (error) {
        if (attempt >= READ_ATTEMPTS || !isConnectionLoss(error) || !isPlainRead(sql)) throw error;
      }
    }
  }

  run(sql: string, params: SqlParams = []): Promise<RunResult> {
    return this.outside('A statement').then(() => runQuery(this.pool, sql, params)).then((result) => ({ changes: result.rowCount ?? 0 }));
  }

  async transaction<T>(work: (tx: StoreQueries) => Promise<T>): Promise<T> {
    await this.outside('transaction()');
    return this.withClient(async (client, discard) => {
      await client.query('BEGIN');
      const token: OpenTransaction = { db: this, open: true };
      try {
        const queries = queriesOn(client);
        const result = await currentTransaction.run(token, () => work(queries)).finally(() => {
          token.open = false;
        });
        // A statement issued without being awaited still runs inside the transaction, before COMMIT.
        await queries.drained();
        const commit = await client.query('COMMIT');
        // PostgreSQL answers COMMIT of a transaction a failed statement aborted with ROLLBACK, not an error:
        // a failure nobody awaited must not pass for a commit.
        if (commit.command === 'ROLLBACK') throw new Error('the store transaction was rolled back: one of its statements failed');
        return result;
      } catch (error) {
        // A dead connection cannot roll back (the server did when the session ended): drop it from the pool.
        await client.query('ROLLBACK').catch((rollbackError: unknown) => discard(rollbackError));
        throw error;
      }
    });
  }

  /**
   * Runs `work` on one dedicated pooled connection (migrations hold an advisory lock on it).
   * The client is released on every path, and destroyed rather than reused when it failed.
   */
  async withClient<T>(work: (client: pg.PoolClient, discard: (reason: unknown) => void) => Promise<T>): Promise<T> {
    return withPooledClient(this.pool, async (client, discard) => {
      try {
        return await work(client, discard);
      } catch (error) {
        if (isConnectionLoss(error)) discard(error);
        throw error;
      }
    });
  }

  async exec(sql: string): Promise<void> {
    await this.outside('exec()');
    await this.pool.query(sql);
  }

  /**
   * Refuses a call on the store itself from inside one of its own transactions' work, as SqliteStoreDb does:
   * it would run on another pooled connection, outside the transaction, and wait for a row the transaction
   * holds until the statement timeout (or read what the transaction has not committed yet as absent).
   */
  private outside(what: string): Promise<void> {
    const token = currentTransaction.getStore();
    if (token !== undefined && token.open && token.db === this) return Promise.reject(new NestedTransactionError(what));
    return Promise.resolve();
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.pool.end();
  }
}

/**
 * A transaction's statements, one after another on its client. Repositories may issue a batch without
 * awaiting each statement (transaction-view.ts runEach); node-postgres deprecates a second query on a busy
 * client (removed in pg 9), so they wait in this queue, in the order they were issued.
 */
function queriesOn(client: pg.PoolClient): StoreQueries & { drained(): Promise<void> } {
  let tail: Promise<unknown> = Promise.resolve();
  const inTurn = <T>(sql: string, params: SqlParams, pick: (result: pg.QueryResult<pg.QueryResultRow>) => T): Promise<T> => {
    const result = tail.then(() => runQuery<pg.QueryResultRow>(client, sql, params)).then(pick);
    tail = result.catch(() => undefined);
    return result;
  };
  return {
    dialect: 'postgres',
    get: <Row>(sql: string, params: SqlParams = []) => inTurn(sql, params, (result) => result.rows[0] as Row | undefined),
    all: <Row>(sql: string, params: SqlParams = []) => inTurn(sql, params, (result) => result.rows as Row[]),
    run: (sql: string, params: SqlParams = []) => inTurn(sql, params, (result) => ({ changes: result.rowCount ?? 0 })),
    drained: () => tail.then(() => undefined),
  };
}

async function runQuery<Row>(target: pg.Pool | pg.PoolClient, sql: string, params: SqlParams): Promise<pg.QueryResult<Row & pg.QueryResultRow>> {
  const { text, count } = numberPlaceholders(sql);
  if (count !== params.length) throw new Error(`store statement has ${count} parameter(s) but ${params.length} value(s) were given: ${sql.slice(0, 120)}`);
  return target.query<Row & pg.QueryResultRow>(text, params.map(toPgValue));
}

function toPgValue(value: SqlParams[number]): unknown {
  return typeof value === 'bigint' ? value.toString() : value;
}
