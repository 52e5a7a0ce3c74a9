import { csvExportRecords } from './download-csv';
import { sheetsApiWindows, type DownloadContext, type SheetWindow } from './download-sheets';
import type { GoogleClients } from './google-clients';

/** The sheet's rows in windows, by the source's method: what an import and a check both read. */
export function sourceWindows(clients: GoogleClients, download: DownloadContext): AsyncGenerator<SheetWindow> {
  return download.spec.method === 'csv-export' ? csvExportRecords(clients.drive, clients.sheets, download) : sheetsApiWindows(clients.sheets, download);
}
