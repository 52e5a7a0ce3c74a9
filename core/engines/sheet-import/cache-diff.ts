import type { SheetColumn, SheetColumnType } from '../../api/sheets';
import type { AppDbAdapter, Row } from '../../appdb/adapter';
import { quoteIdent } from '../../appdb/identifiers';
import { yieldToEventLoop } from '../../base/cooperative';
import { ROW_COLUMN } from './cache-table';
import type { RowSink } from './row-sink';
import { SHEET_CHECK_SAMPLE, type SheetCheckCounts, type SheetCheckResult } from './sheet-check-result';
import type { CellValue } from './validate';

/**
 * The check's sink: instead of writing the valid rows, it merges them with
 * the live cache table by row number (the import's key, `ROW_COLUMN`). The
 * valid rows arrive in ascending row order, in the same flat batches the
 * import writes; the cache is read alongside in keyset pages
 * (`ROW_COLUMN > last ORDER BY ROW_COLUMN LIMIT n`), so memory holds one
 * batch and one page whatever the sizes of the sheet and the table. It only
 * ever runs SELECTs.
 */
export const CACHE_PAGE_ROWS = 2000;

type Samples = SheetCheckResult['samples'];
type Counts = Omit<SheetCheckCounts, 'rejected'>;

export class CacheDiff implements RowSink {
  readonly counts: Counts = { added: 0, removed: 0, changed: 0, unchanged: 0 };
  readonly samples: Omit<Samples, 'rejected'> = { added: [], removed: [], changed: [] };
  private readonly cursor: CacheCursor | undefined;
  private readonly width: number;
  private lastRow = 0;
  private compared = 0;

  /** `present`: the cache table's columns, or undefined when it does not exist (every row is then added). */
  constructor(
    db: AppDbAdapter,
    table: string,
    private readonly columns: readonly SheetColumn[],
    present: ReadonlySet<string> | undefined,
    private readonly onCompared: (rows: number) => void,
    signal: AbortSignal,
  ) {
    this.width = columns.length + 1;
    this.cursor = present ? new CacheCursor(db, table, columns.filter((c) => present.has(c.column)).map((c) => c.column), signal) : undefined;
  }

  async write(values: CellValue[]): Promise<void> {
    for (let at = 0; at < values.length; at += this.width) {
      const row = values[at] as number;
      // The merge relies on it; the download yields rows in sheet order, so this is a bug guard.
      if (row <= this.lastRow) throw new Error(`Sheet rows arrived out of order (row ${row} after row ${this.lastRow}).`);
      this.lastRow = row;
      let cached = await this.cursor?.peek();
      while (cached && cached.row < row) {
        this.removed(cached.row);
        this.cursor?.skip();
        cached = await this.cursor?.peek();
      }
      if (cached && cached.row === row) {
        this.compare(row, values, at, cached.values);
        this.cursor?.skip();
      } else {
        this.counts.added++;
        if (this.samples.added.length < SHEET_CHECK_SAMPLE) this.samples.added.push({ row });
      }
    }
    this.compared += (values.length / this.width) | 0;
    this.onCompared(this.compared);
    await yieldToEventLoop();
  }

  /** Every cached row after the last valid one is removed by an import. */
  async finish(): Promise<number> {
    if (this.cursor) {
      for (let cached = await this.cursor.peek(); cached; cached = await this.cursor.peek()) {
        this.removed(cached.row);
        this.cursor.skip();
      }
    }
    return this.compared;
  }

  async abort(): Promise<void> {}

  private compare(row: number, values: CellValue[], at: number, cached: Row): void {
    const changed: string[] = [];
    for (let c = 0; c < this.columns.length; c++) {
      const column = this.columns[c] as SheetColumn;
      // A mapped column the table lacks holds nothing today: the row changes only if the sheet has a value.
      if (!sameValue(normalize(cached[column.column], column.type), values[at + 1 + c] as CellValue)) changed.push(column.column);
    }
    if (changed.length === 0) {
      this.counts.unchanged++;
      return;
    }
    this.counts.changed++;
    if (this.samples.changed.length < SHEET_CHECK_SAMPLE) this.samples.changed.push({ row, columns: changed });
  }

  private removed(row: number): void {
    this.counts.removed++;
    if (this.samples.removed.length < SHEET_CHECK_SAMPLE) this.samples.removed.push({ row });
  }
}

/** The cache table read forward in keyset pages; `peek` reads the next page only when the current one is used up. */
class CacheCursor {
  private readonly sql: string;
  private page: { row: number; values: Row }[] = [];
  private at = 0;
  private after = 0;
  private done = false;

  constructor(
    private readonly db: AppDbAdapter,
    table: string,
    columns: readonly string[],
    private readonly signal: AbortSignal,
  ) {
    const names = [ROW_COLUMN, ...columns].map(quoteIdent).join(', ');
    const key = quoteIdent(ROW_COLUMN);
    this.sql = `SELECT ${names} FROM ${quoteIdent(table)} WHERE ${key} > ? ORDER BY ${key} LIMIT ${CACHE_PAGE_ROWS}`;
  }

  async peek(): Promise<{ row: number; values: Row } | undefined> {
    if (this.at < this.page.length) return this.page[this.at];
    if (this.done) return undefined;
    // Between pages: a cancel or timeout stops even the tail of a large table that only has removed rows left.
    await yieldToEventLoop();
    this.signal.throwIfAborted();
    const rows = await this.db.query(this.sql, [this.after]);
    // PostgreSQL returns a bigint as a string.
    this.page = rows.map((values) => ({ row: Number(values[ROW_COLUMN]), values }));
    this.at = 0;
    this.done = rows.length < CACHE_PAGE_ROWS;
    const last = this.page[this.page.length - 1];
    if (last) this.after = last.row;
    return this.page[0];
  }

  skip(): void {
    this.at++;
  }
}

/** A cached value in the shape validation produces: SQLite keeps booleans as 0/1, PostgreSQL bigints as strings. */
function normalize(value: unknown, type: SheetColumnType): CellValue {
  if (value === null || value === undefined) return null;
  switch (type) {
    case 'integer':
    case 'number':
      return typeof value === 'number' ? value : Number(value);
    case 'boolean':
      return typeof value === 'boolean' ? value : Number(value) !== 0;
    default:
      return typeof value === 'string' ? value : String(value);
  }
}

function sameValue(a: CellValue, b: CellValue): boolean {
  return a === b || (typeof a === 'number' && typeof b === 'number' && Number.isNaN(a) && Number.isNaN(b));
}
