import type { SheetColumn } from '../../api/sheets';
import { TimeSlicer } from '../../base/cooperative';
import type { FindingSink } from '../engine';
import type { RowSink } from './row-sink';
import { bindColumns, describeProblems, RowChecker, type CellProblem, type CellValue } from './validate';

/**
 * Processing: bind the header row to the column mapping, validate every row
 * with the compiled column checks, and hand the valid ones to the sink in
 * flat batches. It runs as the windows arrive (downloading, processing and
 * saving overlap; see pipeline-progress.ts for how progress stays honest).
 * A bad row is reported with its sheet row number and left out; it never
 * stops the import. Only the first MAX_ROW_FINDINGS rows become findings (a
 * sheet with a million bad rows must not flood the store); all are counted
 * by reason.
 */
export const MAX_ROW_FINDINGS = 1000;
/**
 * Rows per batch handed to the sink: one worker message, one transaction.
 * At ~10 columns a batch's flat array stays under V8's large-object size
 * (128 KB), so it dies young instead of piling up until a full collection
 * (4096 rows: about 290 MB peak RSS in the benchmark, 1024: about 220 MB).
 */
const SINK_BATCH_ROWS = 1024;
/** Work between yields to the host's event loop. */
const SLICE_MS = 8;

export interface ProcessResult {
  /** Records seen, the header included. */
  records: number;
  rowsValid: number;
  rowsRejected: number;
  blankRows: number;
  rejectedByReason: Record<string, number>;
}

export class RowProcessor {
  readonly result: ProcessResult = { records: 0, rowsValid: 0, rowsRejected: 0, blankRows: 0, rejectedByReason: {} };
  private checker: RowChecker | undefined;
  private batch: CellValue[] = [];
  private batchRows = 0;
  private readonly slicer = new TimeSlicer(SLICE_MS);
  private sinceCheck = 0;

  constructor(
    private readonly columns: readonly SheetColumn[],
    private readonly findings: FindingSink,
    private readonly sink: RowSink,
    private readonly onRejected: () => void,
    private readonly signal: AbortSignal,
  ) {}

  /** Rows of one window (or one chunk of a CSV stream); `firstRow + i` is the sheet row of `records[i]`. */
  async addRows(records: readonly (readonly string[])[], firstRow: number, malformed?: ReadonlyMap<number, string>): Promise<void> {
    for (let i = 0; i < records.length; i++) {
      const problem = malformed?.get(i);
      if (problem !== undefined) await this.addMalformed(firstRow + i, problem);
      else await this.add(records[i] as readonly string[], firstRow + i);
      if (this.batchRows >= SINK_BATCH_ROWS) await this.flush();
      // Counted across calls: a stream hands over small groups, and the clock is read only every 128 rows.
      if ((++this.sinceCheck & 127) === 0) await this.slicer.maybeYield(this.signal);
    }
  }

  /** Hands the last partial batch to the sink; fails if there was no header row at all. */
  async end(): Promise<ProcessResult> {
    if (!this.checker) throw new Error('The sheet is empty: there is no header row to map the columns to.');
    await this.flush();
    return this.result;
  }

  private async add(record: readonly string[], rowNumber: number): Promise<void> {
    this.result.records++;
    if (!this.checker) {
      this.checker = new RowChecker(bindColumns(record, this.columns, 0));
      return;
    }
    if (isBlank(record)) {
      this.result.blankRows++;
      return;
    }
    const problems = this.checker.check(record, rowNumber, this.batch);
    if (!problems) {
      this.result.rowsValid++;
      this.batchRows++;
      return;
    }
    this.result.rowsRejected++;
    for (const p of problems) {
      const reason = `${p.column}: ${p.problem}`;
      this.result.rejectedByReason[reason] = (this.result.rejectedByReason[reason] ?? 0) + 1;
    }
    if (this.result.rowsRejected <= MAX_ROW_FINDINGS) await this.findings.add(rowFinding(rowNumber, problems));
    this.onRejected();
  }

  /** A CSV line that could not be read: rejected with its sheet row, like a row that fails its checks. */
  private async addMalformed(rowNumber: number, problem: string): Promise<void> {
    this.result.records++;
    if (!this.checker) throw new Error(`The header row (row ${rowNumber}) cannot be read as CSV: ${problem}.`);
    this.result.rowsRejected++;
    const reason = 'CSV: malformed line';
    this.result.rejectedByReason[reason] = (this.result.rejectedByReason[reason] ?? 0) + 1;
    if (this.result.rowsRejected <= MAX_ROW_FINDINGS) {
      await this.findings.add({
        subject: `row:${rowNumber}`,
        kind: 'invalid-row',
        reason: `Row ${rowNumber}: the CSV export of this row cannot be read (${problem})`,
        proposedAction: 'Fix the row in the sheet, then import again (the row was left out of the cache)',
        details: { row: rowNumber, problems: [{ column: 'CSV', value: '', problem: 'malformed line' }], csvProblem: problem },
      });
    }
    this.onRejected();
  }

  private async flush(): Promise<void> {
    if (this.batchRows === 0) return;
    const values = this.batch;
    this.batch = [];
    this.batchRows = 0;
    this.signal.throwIfAborted();
    await this.sink.write(values);
  }
}

function isBlank(record: readonly string[]): boolean {
  for (const cell of record) if (cell !== '' && cell.trim() !== '') return false;
  return true;
}

function rowFinding(row: number, problems: readonly CellProblem[]) {
  return {
    subject: `row:${row}`,
    kind: 'invalid-row',
    reason: describeProblems(row, problems),
    proposedAction: 'Fix the row in the sheet, then import again (the row was left out of the cache)',
    details: { row, problems },
  };
}
