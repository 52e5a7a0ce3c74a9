import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import type { SheetColumn } from '../../api/sheets';
import type { AppDbAdapter, SqlValue } from '../../appdb/adapter';
import { yieldToEventLoop } from '../../runs/cooperative';
import type { ProgressReporter } from '../../runs/progress';
import { insertSql } from './cache-table';

/**
 * Saving: the validated rows stream from the spool into the staging table,
 * BATCH_ROWS per transaction with one prepared statement, yielding to the
 * event loop between batches so the console stays responsive. Nothing here
 * touches the live cache table: that happens only in the swap.
 */
export const BATCH_ROWS = 2000;

export async function saveRows(
  db: AppDbAdapter,
  staging: string,
  columns: readonly SheetColumn[],
  input: string,
  totalRows: number,
  progress: ProgressReporter,
  signal: AbortSignal,
): Promise<number> {
  progress.update({ total: totalRows, message: `Writing ${totalRows.toLocaleString('en')} rows` });
  const sql = insertSql(staging, columns);
  const lines = createInterface({ input: createReadStream(input), crlfDelay: Number.POSITIVE_INFINITY });
  let batch: SqlValue[][] = [];
  let saved = 0;
  const flush = async () => {
    signal.throwIfAborted();
    const rows = batch;
    batch = [];
    await db.transaction((tx) => tx.executeMany(sql, rows));
    saved += rows.length;
    progress.update({ done: saved });
    await yieldToEventLoop();
  };
  try {
    for await (const line of lines) {
      if (line === '') continue;
      batch.push(JSON.parse(line) as SqlValue[]);
      if (batch.length >= BATCH_ROWS) await flush();
    }
    if (batch.length) await flush();
  } finally {
    lines.close();
  }
  return saved;
}
