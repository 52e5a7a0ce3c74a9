import { createHash } from 'node:crypto';
import { connect } from 'node:net';
import type pg from 'pg';
import { guardedClient, loadPg, withPassword, withPooledClient } from '../base/pg-driver';
import type { ConnectionCheck } from '../connectors/shared/connection-check';
import type { AppDbAdapter, Row, SqlExecutor, SqlValue } from './adapter';
import { toPgPlaceholders } from './placeholders';

export interface PostgresAppDbOptions {
  connectionString: string;
  /** Kept out of the URL so it can live in the keychain. */
  password?: string;
  ssl?: { mode: 'disable' | 'require' | 'verify-full'; ca?: string };
  maxConnections?: number;
  connectTimeoutMs?: number;
  /** How long one query may go unanswered before it fails (PRODUCT_QUERY_TIMEOUT_MS). */
  queryTimeoutMs?: number;
}

/**
 * The longest a query to the product database may go without an answer. A server that completes the handshake
 * and then says nothing (PgBouncer waiting for a server connection, a path dropped without a reset) would
 * otherwise keep the query, and the run or the call behind it, waiting for ever: a run nobody cancels would hold
 * its scope. Generous: a run's queries are keyset pages and batches that answer in well under a second on a
 * large product database; five minutes is only ever reached by a database that stopped answering. A query past
 * it fails with ProductDbNoAnswerError and its connection is closed (the server rolls back what it had open).
 */
export const PRODUCT_QUERY_TIMEOUT_MS = 5 * 60_000;
/** check() is one cheap round trip (a connection test): it waits no longer than the other services' probes. */
const CHECK_TIMEOUT_MS = 10_000;

/** A product-database query that got no answer within its bound; said plainly, naming the product database. */
export class ProductDbNoAnswerError extends Error {
  readonly code = 'product-db-no-answer';
  constructor(timeoutMs: number) {
    super(`The product database (PostgreSQL) did not answer a query within ${describeMs(timeoutMs)}; the query was abandoned and its connection closed.`);
    this.name = 'ProductDbNoAnswerError';
  }
}

/** A statement this adapter cancelled because it was closing (a run's cancel): it and its transaction rolled back. */
export class ProductDbClosedError extends Error {
  readonly code = 'product-db-closed';
  constructor(options?: { cause?: unknown }) {
    super('The connection to the product database (PostgreSQL) was closed (the run was cancelled): the statement waiting on it was cancelled and nothing of its transaction was applied.', options);
    this.name = 'ProductDbClosedError';
  }
}

/**
 * A COMMIT sent whose answer never came (the connection went, or it timed out): the server may have committed.
 * Never reported as a failure that left the rows as they were; its own code so engines and the console can say so.
 */
export class ProductDbCommitUnknownError extends Error {
  readonly code = 'product-db-commit-unknown';
  constructor(options?: { cause?: unknown }) {
    super('The connection to the product database (PostgreSQL) was lost while it committed a change: the product database may have applied this change; the next check will show it.', options);
    this.name = 'ProductDbCommitUnknownError';
  }
}

/**
 * How long a cancel of a connection's statement may take: the separate connection that asks for it, then (in
 * close()) the wait for the cancelled statement to answer. Short: a cancel is one local signal on the server.
 */
const CANCEL_WAIT_MS = 2_000;
/** PostgreSQL's SQLSTATE for a statement cancelled at a client's request (pg_cancel_backend, a cancel request). */
const QUERY_CANCELED = '57014';

/**
 * PostgreSQL (a local server, Supabase's Postgres or any managed one) through
 * a pg Pool. Batches reuse one named prepared statement per SQL text.
 */
export function openPostgresAppDb(options: PostgresAppDbOptions): AppDbAdapter {
  const queryTimeoutMs = options.queryTimeoutMs ?? PRODUCT_QUERY_TIMEOUT_MS;
  const connection = { connectionString: withPassword(options.connectionString, options.password), ssl: sslConfig(options.ssl) };
  const pool = new (loadPg().Pool)({
    Client: guardedClient(),
    ...connection,
    max: options.maxConnections ?? 4,
    connectionTimeoutMillis: options.connectTimeoutMs ?? 5000,
  });
  // An idle client that errors (server restart) must not crash the process.
  pool.on('error', () => undefined);
  // The clients checked out now: close() ends them too, since pool.end() waits for them to come back and one
  // whose query never answers never would.
  const checkedOut = new Set<pg.PoolClient>();
  pool.on('acquire', (client) => checkedOut.add(client));
  pool.on('release', (_error, client) => checkedOut.delete(client));
  pool.on('remove', (client) => checkedOut.delete(client as pg.PoolClient));

  /**
   * Dropping a socket does not stop its statement: the server runs it to its end (a COMMIT waiting on a lock
   * commits once the lock is free). So a client let go with a statement outstanding first has its backend
   * cancelled from a short separate connection; a statement still waiting then fails (57014) and its transaction
   * rolls back. Best effort, bounded by CANCEL_WAIT_MS: whether the cancel was sent.
   */
  /**
   * Cancels what a client's backend is doing through PostgreSQL's own cancel request (the protocol's CancelRequest
   * with that connection's process id and secret key), not `pg_cancel_backend(pid)` from another session: behind a
   * pooler (PgBouncer, Supavisor) the pid a client was told is the pooler's, and that call could cancel an unrelated
   * session of the same role (s26l). The pooler routes a cancel request to the right server connection itself.
   */
  const cancelBackend = async (client: pg.PoolClient): Promise<boolean> => {
    cancelled.add(client);
    return sendCancelRequest(client as unknown as CancelTarget, CANCEL_WAIT_MS);
  };
  /** Clients whose backend this adapter cancelled: their 57014 is this adapter's doing, said as such. */
  const cancelled = new WeakSet<pg.PoolClient>();

  /** Every query goes through here: bounded by queryTimeoutMs, its no-answer failure said plainly. */
  const ask = async (client: pg.Pool | pg.PoolClient, query: pg.QueryConfig<unknown[]>, timeoutMs = queryTimeoutMs): Promise<pg.QueryResult> => {
    try {
      // pg reads a query's own query_timeout before its client's (client.js); its types declare the client's only.
      return await client.query({ ...query, query_timeout: timeoutMs } as pg.QueryConfig<unknown[]>);
    } catch (error) {
      if (client !== pool && cancelled.has(client as pg.PoolClient) && isCancel(error)) throw new ProductDbClosedError({ cause: error });
      if (!isReadTimeout(error)) throw error;
      // pg stopped waiting, the server did not: stop the statement before the client is destroyed. (A query of
      // the pool itself has no client here; it reads, or writes outside a transaction.)
      if (client !== pool) await cancelBackend(client as pg.PoolClient);
      throw new ProductDbNoAnswerError(timeoutMs);
    }
  };

  /**
   * COMMIT, its failure said by what is known: an answer from the server (a constraint, a cancel) means the
   * transaction rolled back; a COMMIT never written (the client was closed before) changed nothing; any other
   * failure (the socket went, no answer in time) leaves the outcome unknown: ProductDbCommitUnknownError.
   */
  const commit = async (client: pg.PoolClient): Promise<void> => {
    try {
      await ask(client, { text: 'COMMIT' });
    } catch (error) {
      if (error instanceof ProductDbClosedError || serverAnswered(error) || neverSent(error)) throw error;
      throw new ProductDbCommitUnknownError({ cause: error });
    }
  };

  const executorFor = (client: pg.Pool | pg.PoolClient): SqlExecutor => ({
    async query<T extends Row>(sql: string, params: readonly SqlValue[] = []) {
      return (await ask(client, { text: toPgPlaceholders(sql), values: [...params] })).rows as T[];
    },
    async execute(sql, params = []) {
      return { changes: (await ask(client, { text: toPgPlaceholders(sql), values: [...params] })).rowCount ?? 0 };
    },
    async executeMany(sql, rows) {
      const text = toPgPlaceholders(sql);
      const name = `sw_${createHash('sha1').update(text).digest('hex').slice(0, 16)}`;
      let changes = 0;
      for (const row of rows) changes += (await ask(client, { name, text, values: [...row] })).rowCount ?? 0;
      return { changes };
    },
  });
  const direct = executorFor(pool);
  /**
   * A client whose query got no answer still waits for it (the next query would queue behind it, and its answer
   * could land on another query): it is destroyed, never reused. pool.query does so itself (it releases with the
   * error); a client held through withPooledClient is discarded here.
   */
  const onOwnClient = <T>(work: (client: pg.PoolClient) => Promise<T>): Promise<T> =>
    withPooledClient(pool, async (client, discard) => {
      try {
        return await work(client);
      } catch (error) {
        if (error instanceof ProductDbNoAnswerError || error instanceof ProductDbCommitUnknownError) discard(error);
        throw error;
      }
    });

  return {
    dialect: 'postgres',
    ...direct,
    // executeMany outside a transaction still needs one client for its prepared statement.
    executeMany: (sql, rows) => onOwnClient((client) => executorFor(client).executeMany(sql, rows)),
    async transaction(work) {
      return onOwnClient(async (client) => {
        await ask(client, { text: 'BEGIN' });
        try {
          const result = await work(executorFor(client));
          await commit(client);
          return result;
        } catch (error) {
          // A ROLLBACK would queue behind a query that never answered: that client is closed instead, and the
          // server rolls the transaction back with its connection (a COMMIT of unknown outcome has nothing to roll back).
          if (!(error instanceof ProductDbNoAnswerError || error instanceof ProductDbCommitUnknownError)) await ask(client, { text: 'ROLLBACK' }).catch(() => undefined);
          throw error;
        }
      });
    },
    async describeTables(tables) {
      const rows = (
        await ask(pool, {
          text: `SELECT table_schema, table_name, column_name FROM information_schema.columns
           WHERE table_schema = ANY (current_schemas(false)) OR table_schema || '.' || table_name = ANY ($1)`,
          values: [[...tables]],
        })
      ).rows as { table_schema: string; table_name: string; column_name: string }[];
      const found = new Map<string, Set<string>>();
      for (const table of tables) {
        const [schema, name] = table.includes('.') ? table.split('.') : [undefined, table];
        const columns = rows.filter((r) => r.table_name === name && (schema === undefined || r.table_schema === schema)).map((r) => r.column_name);
        if (columns.length) found.set(table, new Set(columns));
      }
      return found;
    },
    check: () => checkPostgres(() => ask(pool, { text: "SELECT current_setting('server_version') AS v" }, CHECK_TIMEOUT_MS)),
    /**
     * Closes every connection, the ones in use too. A client in use first has its backend cancelled and gets
     * CANCEL_WAIT_MS to answer and be released: a statement or COMMIT waiting on the server then fails with
     * 57014 and rolls back, instead of landing after its caller was told it failed. Then every socket still held
     * is dropped (pg destroys the socket of a client with a query outstanding, so even a server that never
     * answers is let go; a COMMIT among them says its outcome is unknown). What a run's cancel uses to stop a
     * query that does not answer (engine-resources.ts).
     */
    async close() {
      const ending = pool.end();
      const inUse = [...checkedOut];
      if (inUse.length > 0) {
        await Promise.all(inUse.map((client) => cancelBackend(client)));
        const deadline = Date.now() + CANCEL_WAIT_MS;
        while (inUse.some((client) => checkedOut.has(client)) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
      }
      for (const client of checkedOut) void client.end().catch(() => undefined);
      await ending;
    },
  };
}

async function checkPostgres(version: () => Promise<pg.QueryResult>): Promise<ConnectionCheck> {
  try {
    const v = ((await version()).rows[0] as { v?: string } | undefined)?.v ?? '?';
    return { ok: true, status: 'ok', message: `PostgreSQL ${v}` };
  } catch (error) {
    if (error instanceof ProductDbNoAnswerError) return { ok: false, status: 'unreachable', message: error.message };
    const { code, message } = error as { code?: string; message: string };
    if (code === '28P01' || code === '28000') return { ok: false, status: 'bad-credentials', message };
    if (code === '3D000') return { ok: false, status: 'missing-database', message };
    if (code === 'ECONNREFUSED' || code === 'ENOTFOUND' || code === 'ETIMEDOUT' || code === 'EHOSTUNREACH' || /timeout/i.test(message)) {
      return { ok: false, status: 'unreachable', message: message || code || 'unreachable' };
    }
    return { ok: false, status: 'error', message };
  }
}

/** pg lets the URL's (empty) password win over a separate one, so the keychain's password goes into the URL here. */
function sslConfig(ssl: PostgresAppDbOptions['ssl']): pg.PoolConfig['ssl'] {
  if (!ssl || ssl.mode === 'disable') return false;
  if (ssl.mode === 'require') return { rejectUnauthorized: false };
  return { rejectUnauthorized: true, ...(ssl.ca ? { ca: ssl.ca } : {}) };
}

/** The server answered with an error (a SQLSTATE): the statement, or the COMMIT, did not take effect. */
function serverAnswered(error: unknown): boolean {
  return error instanceof Error && 'severity' in error && typeof (error as { code?: unknown }).code === 'string';
}

function isCancel(error: unknown): boolean {
  return (error as { code?: unknown }).code === QUERY_CANCELED;
}

/** pg refuses a query on a client already closed before writing it: the server never saw that statement. */
function neverSent(error: unknown): boolean {
  return error instanceof Error && /is not queryable/.test(error.message);
}

/** node-postgres says a query_timeout this way (no code). */
function isReadTimeout(error: unknown): boolean {
  return error instanceof Error && error.message === 'Query read timeout';
}

function describeMs(ms: number): string {
  if (ms % 60_000 === 0) return `${ms / 60_000} minute${ms === 60_000 ? '' : 's'}`;
  return ms % 1000 === 0 ? `${ms / 1000} s` : `${ms} ms`;
}

/** What a connected pg client knows of its server connection (set by node-postgres on BackendKeyData). */
interface CancelTarget {
  host: string;
  port: number;
  processID: number | null;
  secretKey: number | null;
}

/** CancelRequest's code (PostgreSQL protocol: 1234 << 16 | 5678). */
const CANCEL_REQUEST_CODE = 80877102;

/**
 * Sends one CancelRequest for `target`'s backend on a fresh connection and waits (at most `timeoutMs`) for the server
 * to close it, which it does once the request is read. No answer is sent either way: true means it was delivered.
 */
function sendCancelRequest(target: CancelTarget, timeoutMs: number): Promise<boolean> {
  const { host, port, processID, secretKey } = target;
  if (processID === null || secretKey === null || !host || !port) return Promise.resolve(false);
  return new Promise((resolve) => {
    const socket = host.startsWith('/') ? connect(`${host}/.s.PGSQL.${port}`) : connect(port, host);
    let written = false;
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('error', () => done(false));
    socket.once('close', () => done(written));
    socket.once('connect', () => {
      const request = Buffer.alloc(16);
      request.writeInt32BE(16, 0);
      request.writeInt32BE(CANCEL_REQUEST_CODE, 4);
      request.writeInt32BE(processID, 8);
      request.writeInt32BE(secretKey, 12);
      written = true;
      socket.end(request);
    });
  });
}
