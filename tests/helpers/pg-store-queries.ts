import pg from 'pg';
import type { RunResult, SqlParams, StoreQueries } from '../../core/store/store-db';

/**
 * A minimal PostgreSQL StoreQueries for the queue tests until the pgstore
 * driver lands: numbers `?` parameters as $1.. (none of these statements hold
 * a literal '?'). Not a store: no transactions, no migrations.
 */
export function pgStoreQueries(pool: pg.Pool): StoreQueries {
  const number = (sql: string) => {
    let n = 0;
    return sql.replace(/\?/g, () => `$${++n}`);
  };
  return {
    dialect: 'postgres',
    async get<Row>(sql: string, params: SqlParams = []): Promise<Row | undefined> {
      return (await pool.query(number(sql), [...params])).rows[0] as Row | undefined;
    },
    async all<Row>(sql: string, params: SqlParams = []): Promise<Row[]> {
      return (await pool.query(number(sql), [...params])).rows as Row[];
    },
    async run(sql: string, params: SqlParams = []): Promise<RunResult> {
      return { changes: (await pool.query(number(sql), [...params])).rowCount ?? 0 };
    },
  };
}
