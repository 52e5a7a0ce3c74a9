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
}

/**
 * PostgreSQL (a local server, Supabase's Postgres or any managed one) through
 * a pg Pool. Batches reuse one named prepared statement per SQL text.
 */
export function openPostgresAppDb(options: PostgresAppDbOptions): AppDbAdapter {
  const pool = new (loadPg().Pool)({
    Client: guardedClient(),
    connectionString: withPassword(options.connectionString, options.password),
    ssl: sslConfig(options.ssl),
    max: options.maxConnections ?? 4,
    connectionTimeoutMillis: options.connectTimeoutMs ?? 5000,
  });
  // An idle client that errors (server restart) must not crash the process.
  pool.on('error', () => undefined);

  const executorFor = (client: pg.Pool | pg.PoolClient): SqlExecutor => ({
    async query<T extends Row>(sql: string, params: readonly SqlValue[] = []) {
      return (await client.query(toPgPlaceholders(sql), [...params])).rows as T[];
    },
    async execute(sql, params = []) {
      return { changes: (await client.query(toPgPlaceholders(sql), [...params])).rowCount ?? 0 };
    },
    async executeMany(sql, rows) {
      const text = toPgPlaceholders(sql);
      const name = `sw_${createHash('sha1').update(text).digest('hex').slice(0, 16)}`;
      let changes = 0;
      for (const row of rows) changes += (await client.query({ name, text, values: [...row] })).rowCount ?? 0;
      return { changes };
    },
  });
  const direct = executorFor(pool);

  return {
    dialect: 'postgres',
    ...direct,
    // executeMany outside a transaction still needs one client for its prepared statement.
    executeMany: (sql, rows) => withPooledClient(pool, (client) => executorFor(client).executeMany(sql, rows)),
    async transaction(work) {
      return withPooledClient(pool, async (client) => {
        await client.query('BEGIN');
        try {
          const result = await work(executorFor(client));
          await client.query('COMMIT');
          return result;
        } catch (error) {
          await client.query('ROLLBACK').catch(() => undefined);
          throw error;
        }
      });
    },
    async describeTables(tables) {
      const rows = (
        await pool.query<{ table_schema: string; table_name: string; column_name: string }>(
          `SELECT table_schema, table_name, column_name FROM information_schema.columns
           WHERE table_schema = ANY (current_schemas(false)) OR table_schema || '.' || table_name = ANY ($1)`,
          [[...tables]],
        )
      ).rows;
      const found = new Map<string, Set<string>>();
      for (const table of tables) {
        const [schema, name] = table.includes('.') ? table.split('.') : [undefined, table];
        const columns = rows.filter((r) => r.table_name === name && (schema === undefined || r.table_schema === schema)).map((r) => r.column_name);
        if (columns.length) found.set(table, new Set(columns));
      }
      return found;
    },
    check: () => checkPostgres(pool),
    close: () => pool.end(),
  };
}

async function checkPostgres(pool: pg.Pool): Promise<ConnectionCheck> {
  try {
    const version = (await pool.query<{ v: string }>("SELECT current_setting('server_version') AS v")).rows[0]?.v ?? '?';
    return { ok: true, status: 'ok', message: `PostgreSQL ${version}` };
  } catch (error) {
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
