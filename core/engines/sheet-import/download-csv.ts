import { CsvRecordSplitter, type CsvRecord } from './csv-records';
import type { DriveConnector, SheetsConnector } from '../../connectors/google';
import type { DownloadContext, SheetWindow } from './download-sheets';

/**
 * Downloading through Drive's CSV export (first tab only, 10 MB cap): the
 * response streams through CsvRecordSplitter chunk by chunk, never gathered into
 * one string, and the records are yielded in small groups as they are parsed.
 * A malformed line becomes one rejected row with its sheet row number (the
 * record's position), never the end of the import.
 * Every chunk re-arms the idle watchdog, so a body that stalls midway ends
 * with an idle timeout. Progress is bytes against Content-Length when the
 * service sends it; otherwise records against the tab's grid rows (capped
 * below 100 %, since the grid may hold empty rows the export leaves out).
 */
const GROUP_ROWS = 1024;

export async function* csvExportRecords(
  drive: DriveConnector,
  sheets: SheetsConnector,
  download: DownloadContext,
): AsyncGenerator<SheetWindow> {
  const { spec, deadlines, progress, report, tally } = download;
  if (spec.sheet || spec.range) {
    throw new Error('The CSV export reads the whole first tab only: clear the tab and range of this source, or use the Sheets API method.');
  }
  const { stream, contentLength } = await deadlines.request((signal) => drive.exportCsvSized(spec.spreadsheetId, signal));
  let gridRows = 0;
  if (contentLength === undefined) {
    // The export's body is held (held-body.ts) while the size is asked: given up if that fails, or its connection stays open.
    const info = await deadlines.request((signal) => sheets.getSpreadsheet(spec.spreadsheetId, signal)).catch((error: unknown) => {
      stream.destroy();
      throw error;
    });
    gridRows = info.sheets[0]?.rowCount ?? 0;
  }
  const byBytes = contentLength !== undefined;
  progress.phase('downloading', { total: byBytes ? contentLength : gridRows, message: 'Streaming the CSV export' });

  async function* watched(source: AsyncIterable<Uint8Array>): AsyncGenerator<Uint8Array> {
    for await (const chunk of source) {
      deadlines.arm('idle');
      tally.bytes += chunk.byteLength;
      progress.count('bytes', chunk.byteLength);
      if (byBytes) report.downloaded(tally.bytes);
      yield chunk;
    }
  }
  const splitter = new CsvRecordSplitter();
  const decoder = new TextDecoder('utf-8');
  let group: CsvRecord[] = [];
  deadlines.arm('idle');
  try {
    for await (const chunk of watched(stream)) {
      group.push(...splitter.push(decoder.decode(chunk, { stream: true })));
      if (group.length >= GROUP_ROWS) yield* emit();
    }
    group.push(...splitter.push(decoder.decode()), ...splitter.end());
    yield* emit();
  } catch (error) {
    throw deadlines.explain(error);
  } finally {
    deadlines.disarm();
    stream.destroy();
  }
  if (byBytes && tally.bytes < contentLength) {
    throw new Error(`The CSV export ended after ${tally.bytes} of ${contentLength} bytes. Try the import again.`);
  }

  function* emit(): Generator<SheetWindow> {
    if (group.length === 0) return;
    const records = group;
    group = [];
    const firstRow = tally.rows + 1;
    tally.rows += records.length;
    if (!byBytes) report.downloaded(Math.min(tally.rows, Math.floor(gridRows * 0.99)));
    const malformed = new Map<number, string>();
    records.forEach((record, i) => record.malformed && malformed.set(i, record.malformed));
    yield { firstRow, rows: records.map((record) => record.cells), ...(malformed.size ? { malformed } : {}) };
  }
}
