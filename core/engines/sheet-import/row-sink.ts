import type { SheetColumn } from '../../api/sheets';
import type { AppDbAdapter, SqlValue } from '../../appdb/adapter';
import { yieldToEventLoop } from '../../base/cooperative';
import { insertSql } from './cache-table';
import type { CellValue } from './validate';

/**
 * Where validated rows go: the staging table, never the live cache (that
 * changes only in the swap). Rows arrive as flat batches, `width` values a
 * row (row number first), the compact shape validation produces, so no row
 * object or JSON line is ever built for a row that is only inserted.
 */
export interface RowSink {
  /** Takes one batch; resolves when the sink can take more (this is the backpressure that bounds memory). */
  write(values: CellValue[]): Promise<void>;
  /** Waits until every written row is committed; returns how many were. */
  finish(): Promise<number>;
  /** Stops writing and releases the connection; the caller drops the staging table. */
  abort(): Promise<void>;
}

/** Rows per transaction of the in-process sink. */
const BATCH_ROWS = 2000;

/**
 * The in-process sink, through the app DB adapter: what PostgreSQL uses
 * (its server does the work, the host only sends batches), and SQLite when
 * the database has no file a worker could open.
 */
export class AdapterRowSink implements RowSink {
  private readonly sql: string;
  private readonly width: number;
  private saved = 0;

  constructor(
    private readonly db: AppDbAdapter,
    staging: string,
    columns: readonly SheetColumn[],
    private readonly onSaved: (saved: number) => void,
  ) {
    this.sql = insertSql(staging, columns);
    this.width = columns.length + 1;
  }

  async write(values: CellValue[]): Promise<void> {
    const rows: SqlValue[][] = [];
    for (let at = 0; at < values.length; at += this.width) rows.push(values.slice(at, at + this.width));
    for (let from = 0; from < rows.length; from += BATCH_ROWS) {
      const batch = rows.slice(from, from + BATCH_ROWS);
      await this.db.transaction((tx) => tx.executeMany(this.sql, batch));
      this.saved += batch.length;
      this.onSaved(this.saved);
      await yieldToEventLoop();
    }
  }

  async finish(): Promise<number> {
    return this.saved;
  }

  async abort(): Promise<void> {}
}
