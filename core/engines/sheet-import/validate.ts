import type { SheetColumn, SheetColumnType } from '../../api/sheets';

/**
 * Cell validation against the source's column mapping. Sheets sends
 * FORMATTED_VALUE strings, so numbers may carry thousands separators
 * ("1,200"); anything that does not parse cleanly rejects its row rather
 * than being guessed at.
 */
export type CellValue = string | number | boolean | null;

export interface CellProblem {
  column: string;
  value: string;
  /** Short, stable reason used for the per-reason counts: "required", "not an integer", … */
  problem: string;
}

export interface BoundColumn {
  spec: SheetColumn;
  /** Index of the column's cell in a record (after the row-number prefix, if any). */
  index: number;
}

const INTEGER = /^[+-]?\d+$/;
const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i;
const GROUPED = /^([+-]?\d{1,3})(,\d{3})+(\.\d*)?$/;
const ISO_DATE = /^\d{4}-\d{2}-\d{2}([T ][\d:.]+(Z|[+-]\d{2}:?\d{2})?)?$/;
const TRUE = new Set(['true', 'yes', 'y', '1']);
const FALSE = new Set(['false', 'no', 'n', '0']);

/** Converts one cell; `undefined` means the cell is invalid for its type. */
function convertCell(raw: string, type: SheetColumnType): CellValue | undefined {
  const text = raw.trim();
  if (text === '') return null;
  switch (type) {
    case 'text':
      return raw;
    case 'integer': {
      const plain = ungroup(text);
      if (!INTEGER.test(plain)) return undefined;
      const value = Number(plain);
      return Number.isSafeInteger(value) ? value : undefined;
    }
    case 'number': {
      const plain = ungroup(text);
      return NUMBER.test(plain) ? Number(plain) : undefined;
    }
    case 'boolean': {
      const lower = text.toLowerCase();
      return TRUE.has(lower) ? true : FALSE.has(lower) ? false : undefined;
    }
    case 'date': {
      if (!ISO_DATE.test(text) || Number.isNaN(Date.parse(text))) return undefined;
      return text.length === 10 ? text : new Date(text).toISOString();
    }
  }
}

/**
 * One column's check, chosen once per import rather than per cell (the
 * `switch` on type and the per-cell `trim()` were a measurable share of a
 * million-row import). Returns the converted value, or `undefined` when the
 * cell is invalid for its type; `null` is an empty cell.
 */
export type CellConverter = (raw: string) => CellValue | undefined;

const PLAIN_INTEGER = /^[+-]?\d{1,15}$/;

function compileConverter(type: SheetColumnType): CellConverter {
  switch (type) {
    case 'text':
      return (raw) => (isBlankCell(raw) ? null : raw);
    case 'integer':
      // Fast path: up to 15 digits is always a safe integer; anything else takes the full rules.
      return (raw) => (PLAIN_INTEGER.test(raw) ? Number(raw) : convertCell(raw, 'integer'));
    case 'boolean':
      return (raw) => (raw === 'TRUE' ? true : raw === 'FALSE' ? false : convertCell(raw, 'boolean'));
    case 'date':
      return (raw) => (raw.length === 10 && ISO_DAY.test(raw) && !Number.isNaN(Date.parse(raw)) ? raw : convertCell(raw, 'date'));
    default:
      return (raw) => convertCell(raw, type);
  }
}

const ISO_DAY = /^\d{4}-\d{2}-\d{2}$/;

/** Blank without allocating a trimmed copy: only all-whitespace cells are. */
function isBlankCell(raw: string): boolean {
  if (raw.length === 0) return true;
  if (raw.charCodeAt(0) > 32 && raw.charCodeAt(raw.length - 1) > 32) return false;
  return raw.trim() === '';
}

/**
 * The compiled checks of the mapped columns. `check` appends one valid row
 * (`rowNumber`, then the values in mapping order) to a flat output array
 * (the compact shape the saving side inserts from) and returns undefined, or
 * returns the row's problems and appends nothing.
 */
export class RowChecker {
  private readonly converters: CellConverter[];
  private readonly required: boolean[];
  private readonly indexes: number[];

  constructor(private readonly columns: readonly BoundColumn[]) {
    this.converters = columns.map((c) => compileConverter(c.spec.type));
    this.required = columns.map((c) => c.spec.required);
    this.indexes = columns.map((c) => c.index);
  }

  /** Values per row in the flat output: the row number, then one per mapped column. */
  get width(): number {
    return this.columns.length + 1;
  }

  check(record: readonly string[], rowNumber: number, out: CellValue[]): CellProblem[] | undefined {
    const start = out.length;
    out.push(rowNumber);
    for (let c = 0; c < this.converters.length; c++) {
      const raw = record[this.indexes[c] as number] ?? '';
      const value = (this.converters[c] as CellConverter)(raw);
      if (value === undefined || (value === null && this.required[c])) {
        out.length = start;
        return validateRecordProblems(record, this.columns);
      }
      out.push(value);
    }
    return undefined;
  }
}

/** The slow, complete path for a bad row: every problem of the row, for its finding. */
function validateRecordProblems(record: readonly string[], columns: readonly BoundColumn[]): CellProblem[] {
  const checked = validateRecord(record, columns);
  return 'problems' in checked ? checked.problems : [];
}

/** Validates one record: its values in mapping order, or its problems. */
function validateRecord(record: readonly string[], columns: readonly BoundColumn[]): { values: CellValue[] } | { problems: CellProblem[] } {
  const values: CellValue[] = [];
  const problems: CellProblem[] = [];
  for (const { spec, index } of columns) {
    const raw = record[index] ?? '';
    const value = convertCell(raw, spec.type);
    if (value === undefined) problems.push({ column: spec.header, value: raw, problem: `not ${article(spec.type)}` });
    else if (value === null && spec.required) problems.push({ column: spec.header, value: raw, problem: 'required' });
    else values.push(value);
  }
  return problems.length ? { problems } : { values };
}

/** Finds each mapped header in the header row; a missing one stops the import with what was found. */
export function bindColumns(header: readonly string[], columns: readonly SheetColumn[], offset: number): BoundColumn[] {
  const names = header.slice(offset).map((cell) => cell.trim().toLowerCase());
  return columns.map((spec) => {
    const index = names.indexOf(spec.header.trim().toLowerCase());
    if (index < 0) {
      const found = header.slice(offset).filter((cell) => cell.trim() !== '').map((cell) => `“${cell.trim()}”`).join(', ') || 'none';
      throw new Error(`The sheet's header row has no column “${spec.header}” (found: ${found}). Fix the column mapping of this source, or the sheet's header row.`);
    }
    return { spec, index: index + offset };
  });
}

export function describeProblems(row: number, problems: readonly CellProblem[]): string {
  const parts = problems.map((p) => (p.problem === 'required' ? `${p.column} is empty but required` : `${p.column} “${truncate(p.value)}” is ${p.problem}`));
  return `Row ${row}: ${parts.join('; ')}`;
}

function ungroup(text: string): string {
  return GROUPED.test(text) ? text.replace(/,/g, '') : text;
}

function article(type: SheetColumnType): string {
  return type === 'integer' ? 'an integer' : type === 'date' ? 'a date (YYYY-MM-DD)' : `a ${type}`;
}

function truncate(value: string): string {
  return value.length > 40 ? `${value.slice(0, 37)}…` : value;
}
