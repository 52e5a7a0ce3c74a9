import type { RunResult, SqlParams, StoreDb, StoreQueries } from './store-db';

/**
 * A StoreDb over an open transaction's `tx`, so that repositories (which take a StoreDb) can work inside a
 * transaction their caller opened (Store.transaction). Their own transaction() becomes a savepoint of it:
 * rolled back alone when its work throws, committed only with the enclosing transaction. Savepoints are a
 * stack: await one before starting the next (two started at once would release each other's).
 * exec and close are refused.
 */
export function transactionView(tx: StoreQueries): StoreDb {
  // Named by depth, so the few distinct statements stay prepared.
  let depth = 0;
  const savepoint = async <T>(work: (inner: StoreQueries) => Promise<T>): Promise<T> => {
    const name = `sw_savepoint_${++depth}`;
    try {
      await tx.run(`SAVEPOINT ${name}`);
      let result: T;
      try {
        result = await work(tx);
      } catch (error) {
        await tx.run(`ROLLBACK TO SAVEPOINT ${name}`);
        await tx.run(`RELEASE SAVEPOINT ${name}`);
        throw error;
      }
      await tx.run(`RELEASE SAVEPOINT ${name}`);
      return result;
    } finally {
      depth--;
    }
  };
  return {
    dialect: tx.dialect,
    get: <Row>(sql: string, params?: SqlParams) => tx.get<Row>(sql, params),
    all: <Row>(sql: string, params?: SqlParams) => tx.all<Row>(sql, params),
    run: (sql: string, params?: SqlParams): Promise<RunResult> => tx.run(sql, params),
    transaction: savepoint,
    exec: () => Promise.reject(new Error('exec() inside a transaction: schema work runs on the store itself.')),
    close: () => Promise.reject(new Error('close() inside a transaction: close the store itself.')),
  };
}

/**
 * Runs one statement for each parameter row inside a transaction without awaiting row by row: every call is
 * issued in order at once (SQLite runs each as it is issued; PostgreSQL queues them on the transaction's
 * connection), and the results come back in the same order.
 */
export function runEach(tx: StoreQueries, sql: string, rows: Iterable<SqlParams>): Promise<RunResult[]> {
  const pending: Promise<RunResult>[] = [];
  for (const params of rows) pending.push(tx.run(sql, params));
  return Promise.all(pending);
}

/** A COUNT(*) as a number: PostgreSQL returns a bigint, which its driver hands back as text. */
export function countOf(row: { n: number | string | bigint } | undefined): number {
  return row === undefined ? 0 : Number(row.n);
}

/** A LIKE that ignores ASCII case in both dialects: SQLite's LIKE does, PostgreSQL's needs ILIKE. */
export function likeOperator(db: StoreQueries): 'LIKE' | 'ILIKE' {
  return db.dialect === 'postgres' ? 'ILIKE' : 'LIKE';
}
