import { createHash } from 'node:crypto';
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

/**
 * PostgreSQL (a local server, Supabase's Postgres or any managed one) through
 * a pg Pool. Batches reuse one named prepared statement per SQL text.
 */
export function openPostgresAppDb(options: PostgresAppDbOptions): AppDbAdapter {
  const queryTimeoutMs = options.queryTimeoutMs ?? PRODUCT_QUERY_TIMEOUT_MS;
  const pool = new (loadPg().Pool)({
    Client: guardedClient(),
    connectionString: withPassword(options.connectionString, options.password),
    ssl: sslConfig(options.ssl),
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

  /** Every query goes through here: bounded by queryTimeoutMs, its no-answer failure said plainly. */
  const ask = async (client: pg.Pool | pg.PoolClient, query: pg.QueryConfig<unknown[]>, timeoutMs = queryTimeoutMs): Promise<pg.QueryResult> => {
    try {
      // pg reads a query's own query_timeout before its client's (client.js); its types declare the client's only.
      return await client.query({ ...query, query_timeout: timeoutMs } as pg.QueryConfig<unknown[]>);
    } catch (error) {
      throw isReadTimeout(error) ? new ProductDbNoAnswerError(timeoutMs) : error;
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
        if (error instanceof ProductDbNoAnswerError) discard(error);
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
          await ask(client, { text: 'COMMIT' });
          return result;
        } catch (error) {
          // A ROLLBACK would queue behind a query that never answered: that client is closed instead, and the
          // server rolls the transaction back with its connection.
          if (!(error instanceof ProductDbNoAnswerError)) await ask(client, { text: 'ROLLBACK' }).catch(() => undefined);
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
     * Closes every connection, the ones in use too: a query still in flight fails (pg destroys the socket of a
     * client with a query outstanding, so even a server that never answers is let go). What a run's cancel uses
     * to stop a query that does not answer (engine-resources.ts).
     */
    async close() {
      const ending = pool.end();
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

/** node-postgres says a query_timeout this way (no code). */
function isReadTimeout(error: unknown): boolean {
  return error instanceof Error && error.message === 'Query read timeout';
}

function describeMs(ms: number): string {
  if (ms % 60_000 === 0) return `${ms / 60_000} minute${ms === 60_000 ? '' : 's'}`;
  return ms % 1000 === 0 ? `${ms / 1000} s` : `${ms} ms`;
}
