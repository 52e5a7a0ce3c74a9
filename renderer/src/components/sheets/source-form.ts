import type { MethodInput, SheetColumnType, SheetSource } from '@core/api';

/**
 * The add/edit source form as plain data and pure functions. Every field is
 * edited as text (timeouts in seconds) and converted once, in `toSpec`. The
 * rules mirror `SheetSourceSpecSchema`, so most refusals are shown before
 * anything is sent; the host's own check still has the last word (server-errors).
 * A source holds no secret: it names a Google connection and a storage account.
 */
export const COLUMN_TYPES: readonly { value: SheetColumnType; label: string }[] = [
  { value: 'text', label: 'Text' },
  { value: 'integer', label: 'Integer' },
  { value: 'number', label: 'Number' },
  { value: 'boolean', label: 'Yes/no' },
  { value: 'date', label: 'Date' },
];

export interface ColumnRow {
  /** Stable React key while rows are added and removed. */
  key: number;
  header: string;
  column: string;
  type: SheetColumnType;
  required: boolean;
}

export interface SourceFormValues {
  name: string;
  connection: string;
  storageAccountId: string;
  spreadsheetId: string;
  sheet: string;
  range: string;
  method: 'sheets-api' | 'csv-export';
  targetTable: string;
  columns: ColumnRow[];
  connectSeconds: string;
  idleSeconds: string;
  totalSeconds: string;
}

/** Keys: a spec field (`name`, `range`…), `columns.<i>.header|column`, `timeouts.<field>Ms`, and `form`. */
export type FormErrors = Record<string, string>;

export const columnError = (index: number, field: 'header' | 'column') => `columns.${index}.${field}`;

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;
const RANGE = /^([A-Z]{1,3})(\d+)?:([A-Z]{1,3})(\d+)?$/;
const TIMEOUTS = [
  { key: 'connectSeconds', field: 'connectMs', label: 'Connect timeout', min: 0.1, max: 600 },
  { key: 'idleSeconds', field: 'idleMs', label: 'Idle timeout', min: 0.1, max: 600 },
  { key: 'totalSeconds', field: 'totalMs', label: 'Total timeout', min: 1, max: 6 * 3600 },
] as const;

let nextKey = 1;
export function emptyColumn(): ColumnRow {
  return { key: nextKey++, header: '', column: '', type: 'text', required: false };
}

export function emptyValues(connection = ''): SourceFormValues {
  return {
    name: '',
    connection,
    storageAccountId: '',
    spreadsheetId: '',
    sheet: '',
    range: '',
    method: 'sheets-api',
    targetTable: '',
    columns: [emptyColumn()],
    connectSeconds: '30',
    idleSeconds: '60',
    totalSeconds: '1800',
  };
}

export function valuesOf({ spec }: SheetSource): SourceFormValues {
  return {
    name: spec.name,
    connection: spec.connection,
    storageAccountId: spec.storageAccountId,
    spreadsheetId: spec.spreadsheetId,
    sheet: spec.sheet,
    range: spec.range,
    method: spec.method,
    targetTable: spec.targetTable,
    columns: spec.columns.map((c) => ({ ...c, key: nextKey++ })),
    connectSeconds: String(spec.timeouts.connectMs / 1000),
    idleSeconds: String(spec.timeouts.idleMs / 1000),
    totalSeconds: String(spec.timeouts.totalMs / 1000),
  };
}

/** A pasted sheet URL (`…/spreadsheets/d/<id>/edit#gid=0`) is reduced to its id. */
export function spreadsheetIdOf(text: string): string {
  return /\/spreadsheets\/d\/([\w-]+)/.exec(text)?.[1] ?? text.trim();
}

/** A suggested cache table name from the source name: `Price list` → `sheet_price_list`. */
export function suggestTable(name: string): string {
  const slug = name.toLowerCase().replace(/[^a-z0-9]+/g, '_').replace(/^_+|_+$/g, '').slice(0, 50);
  return slug ? `sheet_${slug}` : '';
}

export function validate(values: SourceFormValues, needsConnection: boolean): FormErrors {
  const errors: FormErrors = {};
  if (!values.name.trim()) errors.name = 'Give the source a name';
  if (needsConnection && !values.connection) errors.connection = 'Choose the Google connection that reads this sheet';
  if (!values.storageAccountId.trim()) errors.storageAccountId = 'The storage account is required: its refresh token reads the sheet';
  if (!spreadsheetIdOf(values.spreadsheetId)) errors.spreadsheetId = 'The spreadsheet id is required';
  const range = values.range.trim().toUpperCase();
  if (range && !RANGE.test(range)) errors.range = 'An A1 range like A1:F or B2:H5000, without the tab name';
  if (values.method === 'csv-export' && (values.sheet.trim() || range)) {
    errors.method = 'The CSV export reads the whole first tab only: clear the tab and range, or use the Sheets API';
  }
  if (!IDENTIFIER.test(values.targetTable) || values.targetTable.length > 57) {
    errors.targetTable = 'Letters, digits and _ only, starting with a letter or _ (at most 57)';
  }
  if (values.columns.length === 0) errors.columns = 'Map at least one column';
  const seen = new Set<string>();
  values.columns.forEach((row, index) => {
    if (!row.header.trim()) errors[columnError(index, 'header')] = 'The sheet header is required';
    const lower = row.column.toLowerCase();
    if (!IDENTIFIER.test(row.column) || row.column.length > 63) errors[columnError(index, 'column')] = 'Letters, digits and _, starting with a letter or _';
    else if (seen.has(lower)) errors[columnError(index, 'column')] = 'Another row already maps to this column';
    seen.add(lower);
  });
  for (const t of TIMEOUTS) {
    const seconds = Number(values[t.key]);
    if (values[t.key].trim() === '' || !Number.isFinite(seconds) || seconds < t.min || seconds > t.max) {
      errors[`timeouts.${t.field}`] = `${t.label}: between ${t.min} and ${t.max.toLocaleString('en')} seconds`;
    }
  }
  return errors;
}

export function toSpec(values: SourceFormValues): MethodInput<'sheets.sources.create'> {
  const ms = (text: string) => Math.round(Number(text) * 1000);
  return {
    name: values.name.trim(),
    connection: values.connection,
    storageAccountId: values.storageAccountId.trim(),
    spreadsheetId: spreadsheetIdOf(values.spreadsheetId),
    sheet: values.sheet.trim(),
    range: values.range.trim().toUpperCase(),
    method: values.method,
    targetTable: values.targetTable,
    columns: values.columns.map(({ header, column, type, required }) => ({ header: header.trim(), column, type, required })),
    timeouts: { connectMs: ms(values.connectSeconds), idleMs: ms(values.idleSeconds), totalMs: ms(values.totalSeconds) },
  };
}
