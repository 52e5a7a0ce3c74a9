import { SHEET_RANGE, type SheetSourceSpec } from '../../api/sheets';
import type { SheetInfo, SheetsConnector } from '../../connectors/google';
import { yieldToEventLoop } from '../../runs/cooperative';
import type { ProgressReporter } from '../../runs/progress';
import type { Deadlines } from './deadlines';
import type { SpoolWriter } from './spool';

/**
 * Downloading through the Sheets API: spreadsheets.get for the tab's grid,
 * then values.get in row windows (the API has no paging for values). Windows
 * are sized from the bytes per row seen so far to stay near the ~2 MB payload
 * advice (api-facts §3): as few reads as the 60-a-minute quota allows.
 * Rows are spooled as CSV lines prefixed with their sheet row number, so
 * ragged windows (trailing empty rows left out) keep every row's number.
 */
export const TARGET_WINDOW_BYTES = 2 * 1024 * 1024;
const FIRST_WINDOW_ROWS = 1000;
const MAX_WINDOW_ROWS = 200_000;
const SLICE_ROWS = 2000;

export interface DownloadResult {
  /** Rows received; unknown for a CSV stream until it is parsed. */
  rows: number | undefined;
  bytes: number;
  /** Spool lines start with the sheet row number. */
  numbered: boolean;
}

export interface GridRange {
  sheet: SheetInfo;
  firstColumn: string;
  lastColumn: string;
  firstRow: number;
  lastRow: number;
}

export async function downloadViaSheetsApi(
  sheets: SheetsConnector,
  spec: SheetSourceSpec,
  deadlines: Deadlines,
  progress: ProgressReporter,
  out: SpoolWriter,
): Promise<DownloadResult> {
  const info = await deadlines.request((signal) => sheets.getSpreadsheet(spec.spreadsheetId, signal));
  const grid = resolveRange(spec, info.sheets);
  const totalRows = grid.lastRow - grid.firstRow + 1;
  progress.phase('downloading', { total: totalRows, message: `Reading “${grid.sheet.title}” of “${info.title}” (up to ${totalRows.toLocaleString('en')} rows)` });
  const title = `'${grid.sheet.title.replace(/'/g, "''")}'`;
  let windowRows = FIRST_WINDOW_ROWS;
  let rows = 0;
  for (let start = grid.firstRow; start <= grid.lastRow; ) {
    const end = Math.min(start + windowRows - 1, grid.lastRow);
    const range = `${title}!${grid.firstColumn}${start}:${grid.lastColumn}${end}`;
    const { values } = await deadlines.request((signal) => sheets.getValues(spec.spreadsheetId, range, signal));
    // The window is already in memory (bounded by the window size); it is written in slices
    // with a yield between them, so formatting ~20,000 rows never holds the event loop.
    const before = out.bytes;
    for (let from = 0; from < values.length; from += SLICE_ROWS) {
      let chunk = '';
      for (let i = from; i < Math.min(from + SLICE_ROWS, values.length); i++) chunk += csvLine(start + i, values[i] as string[]);
      await out.write(chunk);
      await yieldToEventLoop();
    }
    const windowBytes = out.bytes - before;
    rows += values.length;
    progress.count('bytes', windowBytes);
    progress.update({ done: end - grid.firstRow + 1, message: `Read rows ${start.toLocaleString('en')}–${end.toLocaleString('en')}` });
    if (values.length > 0) windowRows = clamp(Math.floor(TARGET_WINDOW_BYTES / Math.max(1, windowBytes / values.length)), 100, MAX_WINDOW_ROWS);
    start = end + 1;
  }
  return { rows, bytes: out.bytes, numbered: true };
}

/** The tab and cells to read; an unknown tab names the ones that exist. */
export function resolveRange(spec: SheetSourceSpec, sheets: readonly SheetInfo[]): GridRange {
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
