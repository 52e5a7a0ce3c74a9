import { createReadStream } from 'node:fs';
import { parse } from 'csv-parse';
import type { SheetSourceSpec } from '../../api/sheets';
import { TimeSlicer } from '../../runs/cooperative';
import type { ProgressReporter } from '../../runs/progress';
import type { FindingSink } from '../engine';
import type { DownloadResult } from './download-sheets';
import { SpoolWriter } from './spool';
import { bindColumns, describeProblems, validateRecord, type BoundColumn } from './validate';

/**
 * Processing: stream the downloaded CSV back through csv-parse, bind the
 * header row to the column mapping, validate every row, and spool the valid
 * ones as JSON lines `[rowNumber, ...values]` for the saving phase. A bad row
 * is reported with its sheet row number and left out; it never stops the
 * import. Only the first MAX_ROW_FINDINGS rows become findings (a sheet with
 * a million bad rows must not flood the store); all are counted by reason.
 */
export const MAX_ROW_FINDINGS = 1000;
const FLUSH_BYTES = 256 * 1024;

export interface ProcessResult {
  rowsValid: number;
  rowsRejected: number;
  blankRows: number;
  rejectedByReason: Record<string, number>;
}

export async function processRows(
  input: string,
  output: string,
  download: DownloadResult,
  spec: SheetSourceSpec,
  findings: FindingSink,
  progress: ProgressReporter,
  signal: AbortSignal,
): Promise<ProcessResult> {
  progress.phase('processing', { total: download.bytes, message: 'Validating rows' });
  const parser = createReadStream(input).pipe(parse({ bom: true, relax_column_count: true, skip_empty_lines: false }));
  const out = new SpoolWriter(output);
  const slicer = new TimeSlicer();
  const offset = download.numbered ? 1 : 0;
  const result: ProcessResult = { rowsValid: 0, rowsRejected: 0, blankRows: 0, rejectedByReason: {} };
  let columns: BoundColumn[] | undefined;
  let records = 0;
  let buffer = '';
  try {
    for await (const record of parser as AsyncIterable<string[]>) {
      records++;
      const rowNumber = download.numbered ? Number(record[0]) : records;
      if (!columns) {
        columns = bindColumns(record, spec.columns, offset);
        continue;
      }
      if (isBlank(record, offset)) {
        result.blankRows++;
        continue;
      }
      const checked = validateRecord(record, columns);
      if ('values' in checked) {
        result.rowsValid++;
        buffer += JSON.stringify([rowNumber, ...checked.values]) + '\n';
        if (buffer.length >= FLUSH_BYTES) {
          await out.write(buffer);
          buffer = '';
        }
      } else {
        result.rowsRejected++;
        for (const p of checked.problems) result.rejectedByReason[`${p.column}: ${p.problem}`] = (result.rejectedByReason[`${p.column}: ${p.problem}`] ?? 0) + 1;
        if (result.rowsRejected <= MAX_ROW_FINDINGS) findings.add(rowFinding(rowNumber, checked.problems));
        progress.count('rejected');
      }
      if ((records & 1023) === 0) progress.update({ done: Number(parser.info.bytes) });
      await slicer.maybeYield(signal);
    }
    if (!columns) throw new Error('The sheet is empty: there is no header row to map the columns to.');
    await out.write(buffer);
  } finally {
    parser.destroy();
    await out.close();
  }
  progress.update({ done: download.bytes, message: `${result.rowsValid.toLocaleString('en')} valid rows, ${result.rowsRejected.toLocaleString('en')} rejected` });
  return result;
}

function isBlank(record: readonly string[], offset: number): boolean {
  for (let i = offset; i < record.length; i++) if ((record[i] as string).trim() !== '') return false;
  return true;
}

function rowFinding(row: number, problems: Parameters<typeof describeProblems>[1]) {
  return {
    subject: `row:${row}`,
    kind: 'invalid-row',
    reason: describeProblems(row, problems),
    proposedAction: 'Fix the row in the sheet, then import again (the row was left out of the cache)',
    details: { row, problems },
  };
}
