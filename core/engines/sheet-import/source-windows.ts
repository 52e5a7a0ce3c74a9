import { csvExportRecords } from './download-csv';
import { sheetsApiWindows, type DownloadContext, type DownloadTally, type SheetWindow } from './download-sheets';
import type { GoogleClients } from './google-clients';
import type { ProcessResult, RowProcessor } from './process-rows';
import { formatCount } from '../../base/format-count';

/** The sheet's rows in windows, by the source's method: what an import and a check both read. */
export function sourceWindows(clients: GoogleClients, download: DownloadContext): AsyncGenerator<SheetWindow> {
  return download.spec.method === 'csv-export' ? csvExportRecords(clients.drive, clients.sheets, download) : sheetsApiWindows(clients.sheets, download);
}

/**
 * Reads the whole source through the row processor (validation, then the
 * processor's sink), reporting download and validation progress; `next` says
 * what the run does with the valid rows ("writing the new cache table").
 * An import and a check read a source exactly alike: this is the one place.
 */
export async function processSource(
  clients: GoogleClients,
  download: Omit<DownloadContext, 'tally'>,
  processor: RowProcessor,
  next: string,
): Promise<{ processed: ProcessResult; tally: DownloadTally }> {
  const { report } = download;
  const tally: DownloadTally = { rows: 0, bytes: 0 };
  for await (const window of sourceWindows(clients, { ...download, tally })) {
    await processor.addRows(window.rows, window.firstRow, window.malformed);
    report.processedRows(processor.result.records);
  }
  report.downloadFinished(tally.rows, `Downloaded ${formatCount(tally.rows)} rows; validating the last of them`);
  const processed = await processor.end();
  report.processingFinished(processed.rowsValid, `${formatCount(processed.rowsValid)} valid rows, ${formatCount(processed.rowsRejected)} rejected; ${next}`);
  return { processed, tally };
}
