import type { MethodInput, SheetColumnType, SheetSource } from '@core/api';
import { SHEET_RANGE, SheetSourceSpecSchema, SheetTimeoutsSchema } from '@core/api/sheets';
import { contractErrors } from '../../lib/contract-errors';

/**
 * The add/edit source form as plain data and pure functions. Every field is
 * edited as text (timeouts in seconds) and converted once, in `toSpec`. The
 * spec it would send is judged by the contract's own `SheetSourceSpecSchema`,
 * so refusals are shown before anything is sent; the host's own check still
 * has the last word (source-server-errors).
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
  /** Whose credentials read the sheet: a product user's storage account, or the connection's own account. */
  credentials: 'storage-account' | 'connection';
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

/** The timeout inputs (seconds) and their contract fields (ms), whose bounds the message quotes. */
const TIMEOUTS = [
  { key: 'connectSeconds', field: 'connectMs', label: 'Connect timeout' },
  { key: 'idleSeconds', field: 'idleMs', label: 'Idle timeout' },
  { key: 'totalSeconds', field: 'totalMs', label: 'Total timeout' },
] as const;

function timeoutMessage(t: (typeof TIMEOUTS)[number]): string {
  const ms = SheetTimeoutsSchema.shape[t.field].unwrap();
  const seconds = (bound: number | null) => ((bound ?? 0) / 1000).toLocaleString('en');
  return `${t.label}: between ${seconds(ms.minValue)} and ${seconds(ms.maxValue)} seconds`;
}

/** Spec fields that have their own input in the form. */
export const SPEC_FIELDS = new Set(['name', 'connection', 'credentials', 'storageAccountId', 'spreadsheetId', 'sheet', 'range', 'method', 'targetTable', 'columns']);

/** Where an issue path of the spec lands: `columns.<i>.header|column`, `timeouts.<field>`, a spec field, else `form`. */
export function fieldOfSpecPath([head = '', second = '', third = '']: string[]): string {
  if (head === 'columns' && /^\d+$/.test(second) && (third === 'header' || third === 'column')) return columnError(Number(second), third);
  if (head === 'timeouts' && second) return `timeouts.${second}`;
  return SPEC_FIELDS.has(head) ? head : 'form';
}

let nextKey = 1;
export function emptyColumn(): ColumnRow {
  return { key: nextKey++, header: '', column: '', type: 'text', required: false };
}

export function emptyValues(connection = ''): SourceFormValues {
  return {
    name: '',
    connection,
    credentials: 'storage-account',
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
    // A source saved before the choice existed has none: it always read with a storage account.
    credentials: spec.credentials ?? 'storage-account',
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

/**
 * What the host would refuse: the spec this form would send, judged by the contract's
 * SheetSourceSpecSchema. Before it, what only the form can say (in its own words): an
 * empty name or header, no connection chosen, a range that is not A1 (the contract's
 * SHEET_RANGE), a tab or range with the CSV export, two rows on one column, a timeout
 * that is no number or out of the contract's bounds (quoted in seconds).
 */
export function validate(values: SourceFormValues, needsConnection: boolean): FormErrors {
  const errors: FormErrors = {};
  if (!values.name.trim()) errors.name = 'Give the source a name';
  if (needsConnection && !values.connection) errors.connection = 'Choose the Google connection that reads this sheet';
  if (values.credentials === 'storage-account' && !values.storageAccountId.trim()) errors.storageAccountId = 'The storage account is required: its refresh token reads the sheet';
  const range = values.range.trim().toUpperCase();
  if (range && !SHEET_RANGE.test(range)) errors.range = 'An A1 range like A1:F or B2:H5000, without the tab name';
  if (values.method === 'csv-export' && (values.sheet.trim() || range)) {
    errors.method = 'The CSV export reads the whole first tab only: clear the tab and range, or use the Sheets API';
  }
  const seen = new Set<string>();
  values.columns.forEach((row, index) => {
    const lower = row.column.toLowerCase();
    if (lower && seen.has(lower)) errors[columnError(index, 'column')] = 'Another row already maps to this column';
    seen.add(lower);
  });
  const found = contractErrors(SheetSourceSpecSchema, { ...toSpec(values) }, fieldOfSpecPath);
  for (const t of TIMEOUTS) {
    const text = values[t.key].trim();
    if (text === '' || !Number.isFinite(Number(text)) || found[`timeouts.${t.field}`]) errors[`timeouts.${t.field}`] = timeoutMessage(t);
  }
  return { ...found, ...errors };
}

export function toSpec(values: SourceFormValues): MethodInput<'sheets.sources.create'> {
  const ms = (text: string) => Math.round(Number(text) * 1000);
  return {
    name: values.name.trim(),
    connection: values.connection,
    credentials: values.credentials,
    storageAccountId: values.credentials === 'storage-account' ? values.storageAccountId.trim() : '',
    spreadsheetId: spreadsheetIdOf(values.spreadsheetId),
    sheet: values.sheet.trim(),
    range: values.range.trim().toUpperCase(),
    method: values.method,
    targetTable: values.targetTable,
    columns: values.columns.map(({ header, column, type, required }) => ({ header: header.trim(), column, type, required })),
    timeouts: { connectMs: ms(values.connectSeconds), idleMs: ms(values.idleSeconds), totalMs: ms(values.totalSeconds) },
  };
}
