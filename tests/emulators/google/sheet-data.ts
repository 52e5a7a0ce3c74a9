import type { Sheet } from './google-state';

/**
 * A1 ranges and cell data for the Sheets emulator (api-facts §3): the range
 * arrives percent-encoded in the path (decoded by the shared router), may name
 * a quoted sheet, and the answer drops trailing empty rows and columns.
 */
export interface GridWindow {
  sheet: Sheet;
  startRow: number;
  endRow: number;
  startCol: number;
  endCol: number;
}

export function parseA1(range: string, sheets: Sheet[]): GridWindow | undefined {
  let title: string | undefined;
  let cells = range;
  if (range.startsWith("'")) {
    const match = /^'((?:[^']|'')+)'(?:!(.*))?$/.exec(range);
    if (!match?.[1]) return undefined;
    title = match[1].replace(/''/g, "'");
    cells = match[2] ?? '';
  } else if (range.includes('!')) {
    [title, cells] = [range.slice(0, range.indexOf('!')), range.slice(range.indexOf('!') + 1)];
  } else if (sheets.some((sheet) => sheet.title === range)) {
    [title, cells] = [range, ''];
  }
  const sheet = title === undefined ? sheets[0] : sheets.find((s) => s.title === title);
  if (!sheet) return undefined;
  if (!cells) return { sheet, startRow: 0, endRow: sheet.rowCount, startCol: 0, endCol: sheet.columnCount };
  const match = /^([A-Z]*)(\d*)(?::([A-Z]*)(\d*))?$/i.exec(cells);
  if (!match) return undefined;
  const [, c1 = '', r1 = '', c2, r2] = match;
  const single = c2 === undefined;
  const startCol = c1 ? columnIndex(c1) : 0;
  const startRow = r1 ? Number(r1) - 1 : 0;
  const endCol = single ? startCol + 1 : c2 ? columnIndex(c2) + 1 : sheet.columnCount;
  const endRow = single ? startRow + 1 : r2 ? Number(r2) : sheet.rowCount;
  if (startRow < 0 || endRow <= startRow || endCol <= startCol) return undefined;
  return { sheet, startRow, endRow: Math.min(endRow, sheet.rowCount), startCol, endCol: Math.min(endCol, sheet.columnCount) };
}

/** The range echoed back: the whole requested window, clipped to the grid. */
export function formatA1(window: GridWindow): string {
  const title = /^[A-Za-z0-9_]+$/.test(window.sheet.title) ? window.sheet.title : `'${window.sheet.title.replace(/'/g, "''")}'`;
  return `${title}!${columnName(window.startCol)}${window.startRow + 1}:${columnName(window.endCol - 1)}${window.endRow}`;
}

/** Cell values in the window without trailing empty cells and rows (undefined when all empty). */
export function windowValues(window: GridWindow): string[][] | undefined {
  const rows = sheetRows(window.sheet, window.startRow, window.endRow).map((row) => trimEnd(row.slice(window.startCol, window.endCol)));
  while (rows.length > 0 && rows[rows.length - 1]?.length === 0) rows.pop();
  return rows.length > 0 ? rows : undefined;
}

/** Rows [start, end) of a tab: the literal rows, then generated ones made only for this window. */
export function sheetRows(sheet: Sheet, start: number, end: number): string[][] {
  const literal = sheet.rows.slice(start, end);
  const { generated } = sheet;
  if (!generated) return literal;
  const first = Math.max(start, sheet.rows.length);
  const last = Math.min(end, sheet.rows.length + generated.count);
  for (let index = first; index < last; index++) literal.push(generated.row(index - sheet.rows.length + 1));
  return literal;
}

/**
 * Whether the CSV of a whole tab is over `bytes`, read in windows: every row's cells count (the padding
 * toCsv adds only makes it larger), so a tab of millions of generated rows is judged after the first
 * `bytes` of it, instead of building it all to find it too large.
 */
export function csvExceeds(sheet: Sheet, bytes: number): boolean {
  const WINDOW = 10_000;
  let total = 0;
  for (let start = 0; start < sheet.rowCount; start += WINDOW) {
    for (const row of sheetRows(sheet, start, Math.min(start + WINDOW, sheet.rowCount))) {
      const cells = trimEnd(row);
      // Each cell and its comma; each row's line break (a lower bound: quoting only adds).
      for (const cell of cells) total += Buffer.byteLength(cell) + 1;
      if (total > bytes) return true;
    }
    // Past the literal and generated rows the tab is empty.
    if (start + WINDOW >= sheet.rows.length + (sheet.generated?.count ?? 0)) break;
  }
  return false;
}

export function toCsv(rows: string[][]): string {
  const trimmed = rows.map(trimEnd);
  while (trimmed.length > 0 && trimmed[trimmed.length - 1]?.length === 0) trimmed.pop();
  const width = trimmed.reduce((max, row) => Math.max(max, row.length), 0);
  const cell = (value: string) => (/[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value);
  return trimmed.map((row) => Array.from({ length: width }, (_, i) => cell(row[i] ?? '')).join(',')).join('\r\n');
}

function trimEnd(row: string[]): string[] {
  let end = row.length;
  while (end > 0 && (row[end - 1] ?? '') === '') end--;
  return row.slice(0, end);
}

function columnIndex(letters: string): number {
  return [...letters.toUpperCase()].reduce((n, ch) => n * 26 + (ch.charCodeAt(0) - 64), 0) - 1;
}

function columnName(index: number): string {
  let name = '';
  for (let n = index + 1; n > 0; n = Math.floor((n - 1) / 26)) name = String.fromCharCode(65 + ((n - 1) % 26)) + name;
  return name;
}
