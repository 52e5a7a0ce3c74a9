import { sheets, type sheets_v4 } from './googleapis-lite';
import type { ConnectionCheck } from '../shared/connection-check';
import type { ServicePolicy } from '../shared/service-policy';
import { GoogleCaller, type GoogleConnectorOptions } from './google-caller';
import { heldBody, type HeldBody } from '../shared/held-body';
import { sheetCellText } from './sheet-cell';

/**
 * Google Sheets v4 for one user (api-facts §3). The API has no paging for
 * values, so large sheets are read as row windows up to the grid's rowCount.
 */
export interface SheetInfo {
  sheetId: number;
  title: string;
  index: number;
  /** Grid size, not filled rows. */
  rowCount: number;
  columnCount: number;
}

export interface SpreadsheetInfo {
  spreadsheetId: string;
  title: string;
  sheets: SheetInfo[];
}

export interface SheetValues {
  /** The whole requested range as the service echoes it (e.g. `Sheet1!A1:D500`). */
  range: string;
  /** Rows as displayed (FORMATTED_VALUE); ragged: trailing empty cells and rows are left out. */
  values: string[][];
}

export interface RowWindow {
  /** 1-based row number of `rows[0]`. */
  startRow: number;
  rows: string[][];
}

export interface ReadRowsOptions {
  /** Rows per request; ~2 MB payloads are the recommended maximum. Default 5000. */
  windowRows?: number;
  /** Last column to read. Default: the grid's last column. */
  lastColumn?: string;
}

const SHEET_FIELDS = 'spreadsheetId,properties.title,sheets.properties(sheetId,title,index,gridProperties(rowCount,columnCount))';

export class SheetsConnector {
  private readonly caller: GoogleCaller;
  private readonly sheets: sheets_v4.Sheets;

  constructor(options: GoogleConnectorOptions) {
    this.caller = new GoogleCaller('google-sheets', options);
    this.sheets = sheets({ version: 'v4', ...this.caller.clientOptions });
  }

  get policy(): ServicePolicy {
    return this.caller.policy;
  }

  async getSpreadsheet(spreadsheetId: string, signal?: AbortSignal): Promise<SpreadsheetInfo> {
    const { data } = await this.caller.call((s) => this.sheets.spreadsheets.get({ spreadsheetId, fields: SHEET_FIELDS }, { signal: s }), signal);
    return {
      spreadsheetId: data.spreadsheetId ?? spreadsheetId,
      title: data.properties?.title ?? '',
      sheets: (data.sheets ?? []).map((sheet, position) => ({
        sheetId: sheet.properties?.sheetId ?? 0,
        title: sheet.properties?.title ?? '',
        index: sheet.properties?.index ?? position,
        rowCount: sheet.properties?.gridProperties?.rowCount ?? 0,
        columnCount: sheet.properties?.gridProperties?.columnCount ?? 0,
      })),
    };
  }

  /** One A1 range, e.g. `Sheet1!A1:D500` or `'My Sheet'!A:Z` (the SDK percent-encodes it). */
  async getValues(spreadsheetId: string, range: string, signal?: AbortSignal): Promise<SheetValues> {
    const { data } = await this.caller.call(
      (s) => this.sheets.spreadsheets.values.get({ spreadsheetId, range, valueRenderOption: 'FORMATTED_VALUE', majorDimension: 'ROWS' }, { signal: s }),
      signal,
    );
    const values = (data.values ?? []) as unknown[][];
    // In place: FORMATTED_VALUE cells are already strings, so a copy of every row would only be garbage.
    for (const row of values) {
      for (let i = 0; i < row.length; i++) if (typeof row[i] !== 'string') row[i] = sheetCellText(row[i]);
    }
    return { range: data.range ?? range, values: values as string[][] };
  }

  /**
   * The same request as `getValues`, answered with the body's JSON as a byte
   * stream once the headers arrive: a caller reading windows of megabytes
   * parses rows as the bytes come, so neither the body nor all of a window's
   * rows are ever in memory at once.
   */
  async getValuesStream(spreadsheetId: string, range: string, signal?: AbortSignal): Promise<HeldBody> {
    const { data } = await this.caller.call(
      (s) => this.sheets.spreadsheets.values.get({ spreadsheetId, range, valueRenderOption: 'FORMATTED_VALUE', majorDimension: 'ROWS' }, { signal: s, responseType: 'stream' }),
      signal,
    );
    // Held at once: a prefetched window is read only after the one before it (held-body.ts).
    return heldBody(data);
  }

  /**
   * A sheet's rows in windows, up to its grid rowCount. It does not stop at a
   * short window: a blank row at a window's end would otherwise cut the sheet
   * short, and a truncated import would replace the cache with too few rows.
   */
  async *readRows(spreadsheetId: string, sheetTitle: string, options: ReadRowsOptions = {}, signal?: AbortSignal): AsyncGenerator<RowWindow> {
    const sheet = (await this.getSpreadsheet(spreadsheetId, signal)).sheets.find((s) => s.title === sheetTitle);
    if (!sheet) throw new Error(`spreadsheet ${spreadsheetId} has no sheet titled ${sheetTitle}`);
    const windowRows = options.windowRows ?? 5000;
    const lastColumn = options.lastColumn ?? columnName(sheet.columnCount);
    const title = `'${sheetTitle.replace(/'/g, "''")}'`;
    for (let start = 1; start <= sheet.rowCount; start += windowRows) {
      const end = Math.min(start + windowRows - 1, sheet.rowCount);
      const { values } = await this.getValues(spreadsheetId, `${title}!A${start}:${lastColumn}${end}`, signal);
      yield { startRow: start, rows: values };
    }
  }

  /** Reads the spreadsheet's title: proves the token and access to this sheet. */
  testConnection(spreadsheetId: string): Promise<ConnectionCheck> {
    return this.caller.check(async (s) => {
      const { data } = await this.sheets.spreadsheets.get({ spreadsheetId, fields: 'properties.title' }, { signal: s });
      return `Google Sheets: can read "${data.properties?.title ?? spreadsheetId}"`;
    });
  }
}

function columnName(count: number): string {
  let name = '';
  for (let n = Math.max(1, count); n > 0; n = Math.floor((n - 1) / 26)) name = String.fromCharCode(65 + ((n - 1) % 26)) + name;
  return name;
}
