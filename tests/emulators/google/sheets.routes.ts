import type { RouteDefinition } from '../shared/emulator';
import { authed, googleError, notFound } from './envelopes';
import type { GoogleState } from './google-state';
import type { SheetsNetwork } from './fixture';
import { formatA1, parseA1, windowValues } from './sheet-data';

/** Waits as long as the body would take on a network like `network` (the spreadsheet's seed). */
function onTheWire(network: SheetsNetwork, body: unknown): Promise<void> {
  const bytes = network.bytesPerSecond ? JSON.stringify(body).length : 0;
  const ms = network.latencyMs + (network.bytesPerSecond ? (bytes * 1000) / network.bytesPerSecond : 0);
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * Sheets v4 (api-facts §3): spreadsheets.get with sheet grid properties, and
 * values.get for one A1 range. No server paging: clients read row windows.
 * `fields` is accepted and ignored (the SDK does not care, api-facts §9).
 */
export function sheetsRoutes(state: GoogleState): RouteDefinition[] {
  const missing = () => notFound('Requested entity was not found.');
  return [
    authed(state, { name: 'sheets.spreadsheets.get', method: 'GET', path: '/v4/spreadsheets/:spreadsheetId' }, (request, account) => {
      const id = request.params.spreadsheetId ?? '';
      const spreadsheet = account.spreadsheets.get(id);
      if (!spreadsheet) return missing();
      return {
        status: 200,
        body: {
          spreadsheetId: id,
          properties: { title: spreadsheet.title },
          sheets: spreadsheet.sheets.map((sheet, index) => ({
            properties: {
              sheetId: sheet.sheetId,
              title: sheet.title,
              index,
              sheetType: 'GRID',
              gridProperties: { rowCount: sheet.rowCount, columnCount: sheet.columnCount },
            },
          })),
        },
      };
    }),
    authed(state, { name: 'sheets.values.get', method: 'GET', path: '/v4/spreadsheets/:spreadsheetId/values/:range' }, (request, account) => {
      const spreadsheet = account.spreadsheets.get(request.params.spreadsheetId ?? '');
      if (!spreadsheet) return missing();
      const range = request.params.range ?? '';
      const window = parseA1(range, spreadsheet.sheets);
      if (!window) return googleError(400, `Unable to parse range: ${range}`, { reason: 'badRequest' });
      if (request.query.get('majorDimension') === 'COLUMNS') return googleError(400, 'majorDimension COLUMNS is not emulated', { reason: 'badRequest' });
      const values = windowValues(window);
      const body = { range: formatA1(window), majorDimension: 'ROWS', ...(values ? { values } : {}) };
      if (!spreadsheet.network) return { status: 200, body };
      return onTheWire(spreadsheet.network, body).then(() => ({ status: 200, body }));
    }),
  ];
}
