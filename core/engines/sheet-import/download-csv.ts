import type { SheetSourceSpec } from '../../api/sheets';
import type { DriveConnector, SheetsConnector } from '../../connectors/google';
import type { ProgressReporter } from '../../runs/progress';
import type { Deadlines } from './deadlines';
import type { DownloadResult } from './download-sheets';
import type { SpoolWriter } from './spool';

/**
 * Downloading through Drive's CSV export (first tab only, 10 MB cap): the
 * response is streamed chunk by chunk to the spool, never gathered into one
 * string. Progress is bytes against Content-Length when the service sends
 * it; otherwise line breaks against the tab's grid rows (an estimate, since
 * a quoted cell may hold a line break, so it is capped below 100 %).
 */
export async function downloadViaCsvExport(
  drive: DriveConnector,
  sheets: SheetsConnector,
  spec: SheetSourceSpec,
  deadlines: Deadlines,
  progress: ProgressReporter,
  out: SpoolWriter,
): Promise<DownloadResult> {
  if (spec.sheet || spec.range) {
    throw new Error('The CSV export reads the whole first tab only: clear the tab and range of this source, or use the Sheets API method.');
  }
  const { stream, contentLength } = await deadlines.request((signal) => drive.exportCsvSized(spec.spreadsheetId, signal));
  let gridRows = 0;
  if (contentLength === undefined) {
    const info = await deadlines.request((signal) => sheets.getSpreadsheet(spec.spreadsheetId, signal));
    gridRows = info.sheets[0]?.rowCount ?? 0;
  }
  const byBytes = contentLength !== undefined;
  progress.phase('downloading', { total: byBytes ? contentLength : gridRows, message: 'Streaming the CSV export' });
  let lines = 0;
  deadlines.arm('idle');
  try {
    for await (const chunk of stream as AsyncIterable<Uint8Array>) {
      deadlines.arm('idle');
      await out.write(chunk);
      progress.count('bytes', chunk.byteLength);
      if (byBytes) progress.update({ done: out.bytes });
      else {
        lines += countLineBreaks(chunk);
        progress.update({ done: Math.min(lines, Math.floor(gridRows * 0.99)) });
      }
    }
  } catch (error) {
    throw deadlines.explain(error);
  } finally {
    deadlines.disarm();
  }
  if (byBytes && out.bytes < contentLength) {
    throw new Error(`The CSV export ended after ${out.bytes} of ${contentLength} bytes. Try the import again.`);
  }
  return { rows: undefined, bytes: out.bytes, numbered: false };
}

function countLineBreaks(chunk: Uint8Array): number {
  let count = 0;
  for (let i = chunk.indexOf(10); i !== -1; i = chunk.indexOf(10, i + 1)) count++;
  return count;
}
