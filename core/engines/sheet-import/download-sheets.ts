import { SHEET_RANGE, type SheetSourceSpec } from '../../api/sheets';
import type { SheetInfo, SheetsConnector } from '../../connectors/google';
import type { HeldBody } from '../../connectors/shared/held-body';
import type { ProgressReporter } from '../../runs/progress';
import type { Deadlines } from './deadlines';
import type { PipelineProgress } from './pipeline-progress';
import { ValuesRowReader } from './values-rows';
import { formatCount } from '../../base/format-count';

/**
 * Downloading through the Sheets API: spreadsheets.get for the tab's grid,
 * then values.get in row windows (the API has no paging for values). Windows
 * are sized from the bytes per row seen so far to stay near the ~2 MB payload
 * advice (api-facts §3): as few reads as the 60-a-minute quota allows.
 * The next window is requested as soon as one arrives, so the network wait
 * overlaps the validation of the window in hand. A window's body is read as
 * a stream and its rows are yielded chunk by chunk as they are parsed
 * (values-rows.ts says why), with the sheet row number of the first; only the
 * prefetched response's first bytes wait meanwhile. The connect watchdog
 * covers each request until its headers arrive, and every chunk of a body
 * re-arms the idle watchdog, as for the CSV export.
 */
export const TARGET_WINDOW_BYTES = 2 * 1024 * 1024;
const FIRST_WINDOW_ROWS = 1000;
const MAX_WINDOW_ROWS = 200_000;

export interface SheetWindow {
  firstRow: number;
  rows: string[][];
  /** CSV export only: rows (by index in `rows`) whose line could not be read, and why. */
  malformed?: ReadonlyMap<number, string>;
}

interface GridRange {
  sheet: SheetInfo;
  firstColumn: string;
  lastColumn: string;
  firstRow: number;
  lastRow: number;
}

export interface DownloadTally {
  rows: number;
  bytes: number;
}

/** What either download path works with: the source, its deadlines, the run's progress and the shared tally. */
export interface DownloadContext {
  spec: SheetSourceSpec;
  deadlines: Deadlines;
  progress: ProgressReporter;
  report: PipelineProgress;
  tally: DownloadTally;
}

export async function* sheetsApiWindows(sheets: SheetsConnector, download: DownloadContext): AsyncGenerator<SheetWindow> {
  const { spec, deadlines, progress, report, tally } = download;
  const info = await deadlines.request((signal) => sheets.getSpreadsheet(spec.spreadsheetId, signal));
  const grid = resolveRange(spec, info.sheets);
  const totalRows = grid.lastRow - grid.firstRow + 1;
  progress.phase('downloading', { total: totalRows, message: `Reading “${grid.sheet.title}” of “${info.title}” (up to ${formatCount(totalRows)} rows)` });
  const title = `'${grid.sheet.title.replace(/'/g, "''")}'`;
  // Stops a prefetched request when the consumer stops early (a failure or a cancel).
  const stop = new AbortController();
  interface Pending {
    start: number;
    end: number;
    pending: Promise<HeldBody>;
  }
  const fetchWindow = (start: number, rows: number): Pending => {
    const end = Math.min(start + rows - 1, grid.lastRow);
    const range = `${title}!${grid.firstColumn}${start}:${grid.lastColumn}${end}`;
    const pending = deadlines.request((signal) => sheets.getValuesStream(spec.spreadsheetId, range, AbortSignal.any([signal, stop.signal])));
    pending.catch(() => undefined); // awaited below; this only keeps an early rejection from being "unhandled"
    return { start, end, pending };
  };
  // Rows per window from the CSV bytes a row has taken so far, aiming at the payload advice.
  const windowRows = (): number => (tally.rows > 0 ? clamp(Math.floor(TARGET_WINDOW_BYTES / Math.max(1, tally.bytes / tally.rows)), 100, MAX_WINDOW_ROWS) : FIRST_WINDOW_ROWS);
  try {
    let next: Pending | undefined = fetchWindow(grid.firstRow, FIRST_WINDOW_ROWS);
    while (next) {
      const { start, end, pending }: Pending = next;
      const body = await pending;
      // Prefetch: measured 81k vs 49k rows/s end to end without it (400k rows, same load). The first
      // window has no size per row yet; it is small, so it is read through before the second is sized.
      next = end < grid.lastRow && tally.rows > 0 ? fetchWindow(end + 1, windowRows()) : undefined;
      const reader = new ValuesRowReader();
      let firstRow = start;
      try {
        for await (const chunk of body) {
          deadlines.arm('idle');
          const rows = reader.push(chunk);
          if (rows.length === 0) continue;
          const bytes = approximateBytes(rows);
          tally.rows += rows.length;
          tally.bytes += bytes;
          progress.count('bytes', bytes);
          yield { firstRow, rows };
          firstRow += rows.length;
        }
        reader.end();
      } catch (error) {
        throw deadlines.explain(error);
      } finally {
        body.destroy();
      }
      report.downloaded(end - grid.firstRow + 1, `Read rows ${formatCount(start)}–${formatCount(end)}`);
      if (!next && end < grid.lastRow) next = fetchWindow(end + 1, windowRows());
      // The prefetched request may still wait for its headers: it is under the connect limit again, not this body's idle one.
      else if (next) deadlines.arm('connect');
    }
  } finally {
    stop.abort();
    deadlines.disarm();
  }
}

/** The tab and cells to read; an unknown tab names the ones that exist. */
function resolveRange(spec: SheetSourceSpec, sheets: readonly SheetInfo[]): GridRange {
  const sheet = spec.sheet ? sheets.find((s) => s.title === spec.sheet) : sheets[0];
  if (!sheet) {
    const titles = sheets.map((s) => `“${s.title}”`).join(', ') || 'none';
    throw new Error(`The spreadsheet has no tab named “${spec.sheet}” (tabs: ${titles}). Fix the tab name of this source.`);
  }
  const match = spec.range ? SHEET_RANGE.exec(spec.range) : null;
  const lastGridColumn = columnName(sheet.columnCount);
  const firstRow = match?.[2] ? Number(match[2]) : 1;
  const lastRow = Math.min(match?.[4] ? Number(match[4]) : sheet.rowCount, sheet.rowCount);
  if (lastRow < firstRow) throw new Error(`The range ${spec.range} is outside the tab “${sheet.title}” (${sheet.rowCount} rows).`);
  return { sheet, firstColumn: match?.[1] ?? 'A', lastColumn: match?.[3] ?? lastGridColumn, firstRow, lastRow };
}

/** One RFC 4180 line: quote cells holding a comma, quote or line break. */
export function csvLine(rowNumber: number, cells: readonly string[]): string {
  let line = String(rowNumber);
  for (const cell of cells) line += ',' + (/[",\r\n]/.test(cell) ? `"${cell.replace(/"/g, '""')}"` : cell);
  return line + '\n';
}

function clamp(value: number, min: number, max: number): number {
  return Math.max(min, Math.min(max, value));
}

function columnName(count: number): string {
  let name = '';
  for (let n = Math.max(1, count); n > 0; n = Math.floor((n - 1) / 26)) name = String.fromCharCode(65 + ((n - 1) % 26)) + name;
  return name;
}

/** The window's size as CSV (cells, separators, line ends): the `bytes` figure, without building the text. */
function approximateBytes(rows: readonly (readonly string[])[]): number {
  let bytes = 0;
  for (const row of rows) {
    bytes += row.length;
    for (const cell of row) bytes += cell.length;
  }
  return bytes;
}
