import { AsyncLocalStorage } from 'node:async_hooks';
import type Database from 'better-sqlite3';
import type { Statement } from 'better-sqlite3';
import type { RunResult, SqlParams, SqlValue, StoreDb, StoreQueries } from './store-db';
import { systemTimers } from '../base/timers';
import type { WalCheckpointer } from './wal-checkpointer';

/**
 * Distinct statements kept prepared. The repositories use a few dozen; a list filter or an `IN (?, …)` of
 * varying length makes more, so the cache is bounded (least recently used goes) rather than growing forever.
 */
const STATEMENT_CACHE_SIZE = 500;

/**
 * Bytes of values a writer may write between two checkpoints of the WAL checkpointer (wal-checkpointer.ts).
 * Past it, the next write waits, with the connection held, until the worker has checkpointed: a checkpoint
 * copies what was committed up to its start, so under a sustained stream of writes (identity's sync table,
 * 150 MB at a million users) it never caught up, and the WAL grew until the host's own backstop checkpoint
 * ran, 64 MB in one commit (93-125 ms). Pausing the writer now and then lets the WAL start over instead.
 */
export const PACE_BYTES = 8 * 1024 * 1024;

/** Longest close() waits for calls queued behind a paced checkpoint (a checkpoint takes milliseconds). */
const CLOSE_WAIT_MS = 5000;

/** Thrown when a transaction's work reaches past its `tx`: that would wait for itself forever. */
export class NestedTransactionError extends Error {
  constructor(what: string) {
    super(
      `${what} on the console store while this caller's own transaction is open: inside transaction(work), use the ` +
        `tx it gives (or transactionView(tx) for repositories); a nested transaction() on the store is not supported.`,
    );
    this.name = 'NestedTransactionError';
  }
}

/** The open transaction's identity: code running inside its work carries it (AsyncLocalStorage). */
interface TransactionToken {
  readonly db: SqliteStoreDb;
}

const currentTransaction = new AsyncLocalStorage<TransactionToken>();

/**
 * The console store's StoreDb on better-sqlite3 (a desktop console's one SQLite file). better-sqlite3 is
 * synchronous and this is one connection, so a transaction whose work awaits between statements must keep
 * every other statement of the process off the connection until it ends (else that statement would join
 * or see the half-done transaction). An async mutex does that: while a transaction is open, plain calls
 * and other transactions wait in order; when none is open a plain call runs at once, with no queueing (unless
 * a paced checkpoint is due: see PACE_BYTES).
 * A nested transaction() (or a plain call on the store from inside a transaction's own work, which would
 * wait for itself) throws NestedTransactionError; transactionView(tx) gives savepoints instead.
 */
export class SqliteStoreDb implements StoreDb {
  readonly dialect = 'sqlite' as const;
  private readonly statements = new Map<string, Statement>();
  /** The mutex: held by an open transaction (or a waiting plain call that it handed over to). */
  private held = false;
  private readonly waiters: (() => void)[] = [];
  /** The open transaction, to tell its own work (a deadlock, refused) from another caller (who waits). */
  private open: TransactionToken | undefined;
  private closing: Promise<void> | undefined;
  /** Bytes of values written since the last paced checkpoint (PACE_BYTES). */
  private written = 0;

  /** `checkpointer`: the worker that checkpoints this connection's WAL; stopped by close(). */
  constructor(
    readonly raw: Database.Database,
    private readonly checkpointer?: WalCheckpointer,
  ) {}

  get<Row>(sql: string, params?: SqlParams): Promise<Row | undefined> {
    return this.plain('A statement', () => this.prepare(sql).get(...bind(params)) as Row | undefined);
  }

  all<Row>(sql: string, params?: SqlParams): Promise<Row[]> {
    return this.plain('A statement', () => this.prepare(sql).all(...bind(params)) as Row[]);
  }

  run(sql: string, params?: SqlParams): Promise<RunResult> {
    this.written += byteSize(params);
    return this.plain('A statement', () => ({ changes: this.prepare(sql).run(...bind(params)).changes }));
  }

  exec(sql: string): Promise<void> {
    this.written += sql.length;
    return this.plain('exec()', () => {
      this.raw.exec(sql);
    });
  }

  async transaction<T>(work: (tx: StoreQueries) => Promise<T>): Promise<T> {
    this.refuseOwnTransaction('transaction()');
    await this.acquire();
    try {
      await this.paceIfDue();
    } catch (error) {
      this.release();
      throw error;
    }
    const token: TransactionToken = { db: this };
    let live = true;
    // SQLite rolls a whole transaction back on its own after some failures (SQLITE_FULL, IOERR, NOMEM, BUSY)
    // and goes on in autocommit: a statement the work issued after catching one would commit alone, and the
    // statements before it be lost. Once that happened, the tx refuses statements and the transaction fails.
    let aborted: Error | undefined;
    const rolledBack = () => new Error(`SQLite rolled this store transaction back after a failed statement (${aborted?.message ?? 'unknown'}): nothing of it is kept.`);
    const guard = <R>(call: () => R): Promise<R> => {
      if (!live) return Promise.reject(new Error('This transaction has ended: its tx can no longer run statements.'));
      if (aborted) return Promise.reject(rolledBack());
      try {
        return Promise.resolve(call());
      } catch (error) {
        if (!this.raw.inTransaction) aborted = error as Error;
        return Promise.reject(error as Error);
      }
    };
    const tx: StoreQueries = {
      dialect: 'sqlite',
      get: <Row>(sql: string, params?: SqlParams) => guard(() => this.prepare(sql).get(...bind(params)) as Row | undefined),
      all: <Row>(sql: string, params?: SqlParams) => guard(() => this.prepare(sql).all(...bind(params)) as Row[]),
      run: (sql, params) => {
        this.written += byteSize(params);
        return guard(() => ({ changes: this.prepare(sql).run(...bind(params)).changes }));
      },
    };
    try {
      // IMMEDIATE: take the write lock now, so a transaction that reads then writes never fails to upgrade.
      this.raw.exec('BEGIN IMMEDIATE');
      this.open = token;
      let result: T;
      try {
        result = await currentTransaction.run(token, () => work(tx));
      } catch (error) {
        live = false;
        if (this.raw.inTransaction) this.raw.exec('ROLLBACK');
        throw error;
      }
      live = false;
      if (aborted) throw rolledBack();
      try {
        this.raw.exec('COMMIT');
      } catch (error) {
        if (this.raw.inTransaction) this.raw.exec('ROLLBACK');
        throw error;
      }
      return result;
    } finally {
      live = false;
      this.open = undefined;
      this.release();
    }
  }

  /** Every call resolves when the store is closed, the checkpointer's connection too. */
  close(): Promise<void> {
    this.closing ??= this.shutDown();
    return this.closing;
  }

  private async shutDown(): Promise<void> {
    // Calls made before close() that only wait for a paced checkpoint run first, in order: before pacing such a
    // call ran at once. A transaction whose work is open is not waited for (its work may never settle): SQLite
    // rolls it back when the connection closes. Bounded, should one queued behind the checkpoint never end.
    let holding = false;
    if (this.held && this.open === undefined) holding = await Promise.race([this.acquire().then(() => true), new Promise<boolean>((resolve) => systemTimers.setTimeout(() => resolve(false), CLOSE_WAIT_MS))]);
    this.statements.clear();
    this.raw.close();
    // Calls made after close() fail as on any closed connection, rather than wait for a mutex nobody frees.
    if (holding) this.release();
    await this.checkpointer?.stop();
  }

  private prepare(sql: string): Statement {
    const cached = this.statements.get(sql);
    if (cached) {
      // Most recently used last: Map keeps insertion order, the first key is the one to drop.
      this.statements.delete(sql);
      this.statements.set(sql, cached);
      return cached;
    }
    const statement = this.raw.prepare(sql);
    this.statements.set(sql, statement);
    if (this.statements.size > STATEMENT_CACHE_SIZE) {
      const oldest = this.statements.keys().next().value;
      if (oldest !== undefined) this.statements.delete(oldest);
    }
    return statement;
  }

  /**
   * A statement outside any transaction: at once when the connection is free, else after the open transaction.
   * When a checkpoint is due (PACE_BYTES) it waits for it with the connection held, so calls made meanwhile
   * still run in the order they were made.
   */
  private plain<R>(what: string, call: () => R): Promise<R> {
    if (!this.held && !this.paceDue()) {
      try {
        return Promise.resolve(call());
      } catch (error) {
        return Promise.reject(error as Error);
      }
    }
    try {
      this.refuseOwnTransaction(what);
    } catch (error) {
      return Promise.reject(error as Error);
    }
    return this.acquire().then(async () => {
      try {
        await this.paceIfDue();
        return call();
      } finally {
        this.release();
      }
    });
  }

  private paceDue(): boolean {
    return this.written >= PACE_BYTES && this.checkpointer?.running === true;
  }

  /** Called with the connection held: waits for the worker's checkpoint when enough was written since the last. */
  private async paceIfDue(): Promise<void> {
    if (!this.paceDue()) return;
    this.written = 0;
    await this.checkpointer?.checkpoint();
  }

  private refuseOwnTransaction(what: string): void {
    const token = currentTransaction.getStore();
    if (token !== undefined && token === this.open) throw new NestedTransactionError(what);
  }

  private acquire(): Promise<void> {
    if (!this.held) {
      this.held = true;
      return Promise.resolve();
    }
    return new Promise<void>((resolve) => this.waiters.push(resolve));
  }

  /** Hands the mutex to the next waiter in order (it stays held), or frees it. */
  private release(): void {
    const next = this.waiters.shift();
    if (next) next();
    else this.held = false;
  }
}

const NO_PARAMS: readonly SqlValue[] = [];

/** About what binding these values writes: string lengths and byte lengths (numbers count nothing). */
function byteSize(params: SqlParams | undefined): number {
  let size = 0;
  if (params) for (const value of params) if (typeof value === 'string') size += value.length;
  else if (value instanceof Uint8Array) size += value.byteLength;
  return size;
}

/** better-sqlite3 binds Buffers, not bare Uint8Arrays; the common case (none) copies nothing. */
function bind(params: SqlParams | undefined): readonly unknown[] {
  if (!params) return NO_PARAMS;
  if (!params.some((value) => value instanceof Uint8Array && !Buffer.isBuffer(value))) return params;
  return params.map((value) => (value instanceof Uint8Array && !Buffer.isBuffer(value) ? Buffer.from(value.buffer, value.byteOffset, value.byteLength) : value));
}
