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
export function convertCell(raw: string, type: SheetColumnType): CellValue | undefined {
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

/** Validates one record: its values in mapping order, or its problems. */
export function validateRecord(record: readonly string[], columns: readonly BoundColumn[]): { values: CellValue[] } | { problems: CellProblem[] } {
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
