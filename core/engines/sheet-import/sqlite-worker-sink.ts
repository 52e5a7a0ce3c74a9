import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import type { SheetColumn } from '../../api/sheets';
import { insertSql } from './cache-table';
import type { RowSink } from './row-sink';
import type { CellValue } from './validate';
import { WRITER_SOURCE, type WriterMessage, type WriterReply } from './sqlite-writer.worker';

/**
 * The SQLite sink: a worker thread with its own better-sqlite3 connection to
 * the product database inserts the rows, so the B-tree work (about 2 s per
 * million rows here, as much as everything else of an import together)
 * runs on the second core while the host's thread downloads and validates
 * the next window, and never adds to the host's event-loop delay.
 * The worker only ever writes the staging table; the host's own connection
 * creates it before and swaps it in after, once the worker has committed and
 * closed. At most MAX_IN_FLIGHT batches wait for the worker: that bounds memory.
 */
const MAX_IN_FLIGHT = 4;
/** SQLite's historical bound-parameter limit; keeps multi-row statements valid for any build. */
const MAX_PARAMS = 999;
const ROWS_PER_STATEMENT_CAP = 64;

export class SqliteWorkerSink implements RowSink {
  private readonly worker: Worker;
  private readonly exited: Promise<void>;
  private inFlight = 0;
  private saved = 0;
  private failure: Error | undefined;
  /** Set once `end` or `abort` is sent: the worker's exit is then expected, not a failure. */
  private closing = false;
  private wake: (() => void) | undefined;

  constructor(
    path: string,
    staging: string,
    columns: readonly SheetColumn[],
    private readonly onSaved: (saved: number) => void,
    busyTimeoutMs = 5000,
  ) {
    const width = columns.length + 1;
    const perStatement = Math.max(1, Math.min(ROWS_PER_STATEMENT_CAP, Math.floor(MAX_PARAMS / width)));
    const one = insertSql(staging, columns);
    const tuple = one.slice(one.indexOf('VALUES ') + 'VALUES '.length);
    this.worker = new Worker(WRITER_SOURCE, {
      eval: true,
      workerData: {
        driverPath: createRequire(__filename).resolve('better-sqlite3'),
        path,
        busyTimeoutMs,
        width,
        perStatement,
        oneSql: one,
        manySql: `${one}${`, ${tuple}`.repeat(perStatement - 1)}`,
      },
    });
    this.worker.on('message', (reply: WriterReply) => this.receive(reply));
    this.worker.on('error', (error) => this.fail(error));
    this.exited = new Promise((resolve) =>
      this.worker.once('exit', (code) => {
        if (!this.closing) this.fail(new Error(`The SQLite writer stopped unexpectedly (exit code ${code}).`));
        this.wakeUp();
        resolve();
      }),
    );
  }

  async write(values: CellValue[]): Promise<void> {
    this.throwIfFailed();
    this.post({ type: 'rows', values });
    this.inFlight++;
    while (this.inFlight >= MAX_IN_FLIGHT) {
      await new Promise<void>((resolve) => (this.wake = resolve));
      this.throwIfFailed();
    }
  }

  async finish(): Promise<number> {
    this.throwIfFailed();
    this.closing = true;
    // Each batch is committed on arrival; `end` closes the connection, after which the worker exits.
    this.post({ type: 'end' });
    await this.exited;
    this.throwIfFailed();
    return this.saved;
  }

  async abort(): Promise<void> {
    this.closing = true;
    // The worker rolls back what it has not committed and closes; terminate() is the backstop.
    this.post({ type: 'abort' });
    const timer = setTimeout(() => void this.worker.terminate(), 2000);
    await this.exited;
    clearTimeout(timer);
  }

  private post(message: WriterMessage): void {
    this.worker.postMessage(message);
  }

  private receive(reply: WriterReply): void {
    if (reply.type === 'saved') {
      this.inFlight--;
      this.saved += reply.rows;
      this.onSaved(this.saved);
    } else {
      this.fail(Object.assign(new Error(reply.message), reply.code ? { code: reply.code } : {}));
    }
    this.wakeUp();
  }

  /** Only the first failure is the cause. */
  private fail(error: Error): void {
    this.failure ??= error;
    this.wakeUp();
  }

  private wakeUp(): void {
    const wake = this.wake;
    this.wake = undefined;
    wake?.();
  }

  private throwIfFailed(): void {
    if (this.failure) throw this.failure;
  }
}
