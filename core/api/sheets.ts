import { z } from 'zod';
import { RunSchema } from './models';

/**
 * Sheet-import sources: one Google Sheet (a tab, or a range of it) cached in
 * one table of the product database, with a column mapping. Credentials are
 * never part of a source: it names a Google connection (the OAuth client) and
 * either the storage account in the product database whose refresh token
 * reads the sheet, or the connection's own account (the admin's, connected
 * with Connect, or a service account), so no secret reaches the console store.
 */
const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

export const SHEET_COLUMN_TYPES = ['text', 'integer', 'number', 'boolean', 'date'] as const;
export const SheetColumnTypeSchema = z.enum(SHEET_COLUMN_TYPES);
export type SheetColumnType = z.infer<typeof SheetColumnTypeSchema>;

export const SheetColumnSchema = z.strictObject({
  /** The header cell's text in the sheet (matched trimmed, case-insensitively). */
  header: z.string().trim().min(1, 'the sheet header is required').max(200),
  /** The column of the cache table. */
  column: z.string().regex(IDENTIFIER, 'letters, digits and _, starting with a letter or _').max(63),
  type: SheetColumnTypeSchema.default('text'),
  /** An empty cell rejects the row. */
  required: z.boolean().default(false),
});
export type SheetColumn = z.infer<typeof SheetColumnSchema>;

export const SheetTimeoutsSchema = z.strictObject({
  /** Each request must be answered within this (429 waits excluded). */
  connectMs: z.number().int().min(100).max(600_000).default(30_000),
  /** No bytes for this long while a download streams. */
  idleMs: z.number().int().min(100).max(600_000).default(60_000),
  /** The whole import, every phase included. */
  totalMs: z.number().int().min(1000).max(6 * 60 * 60_000).default(30 * 60_000),
});
export type SheetTimeouts = z.infer<typeof SheetTimeoutsSchema>;

/** A1 cells without the sheet name: `A1:F`, `B2:H5000`. */
export const SHEET_RANGE = /^([A-Z]{1,3})(\d+)?:([A-Z]{1,3})(\d+)?$/;

export const SheetSourceSpecSchema = z
  .strictObject({
    name: z.string().trim().min(1, 'a name is required').max(80),
    spreadsheetId: z.string().trim().min(1, 'the spreadsheet id is required').max(200),
    /** The tab's title; empty means the first tab. */
    sheet: z.string().max(200).default(''),
    /** Cells to read, the header row first; empty means the whole tab. */
    range: z.string().trim().toUpperCase().max(32).regex(SHEET_RANGE, 'an A1 range like A1:F or B2:H5000').or(z.literal('')).default(''),
    /** sheets-api reads row windows of any tab; csv-export streams the first tab (10 MB export cap). */
    method: z.enum(['sheets-api', 'csv-export']).default('sheets-api'),
    /** The Google connection (OAuth client) by name; empty: the only one. */
    connection: z.string().max(80).default(''),
    /**
     * Whose credentials read the sheet: a product user's storage account (its refresh token in the product
     * database), or the Google connection's own (the admin's connected account, else its service account).
     */
    credentials: z.enum(['storage-account', 'connection']).default('storage-account'),
    /** The product DB storage account whose tokens read the sheet (credentials `storage-account`). */
    storageAccountId: z.string().trim().max(200).default(''),
    targetTable: z.string().regex(IDENTIFIER, 'letters, digits and _, starting with a letter or _').max(57),
    columns: z.array(SheetColumnSchema).min(1, 'map at least one column').max(200),
    timeouts: SheetTimeoutsSchema.default({ connectMs: 30_000, idleMs: 60_000, totalMs: 30 * 60_000 }),
  })
  .refine((spec) => new Set(spec.columns.map((c) => c.column.toLowerCase())).size === spec.columns.length, {
    message: 'two columns map to the same table column',
    path: ['columns'],
  })
  .refine((spec) => spec.credentials !== 'storage-account' || spec.storageAccountId !== '', { message: 'the storage account is required', path: ['storageAccountId'] });
export type SheetSourceSpec = z.output<typeof SheetSourceSpecSchema>;

export const SheetSourceSchema = z.object({
  id: z.number().int().positive(),
  spec: z.custom<SheetSourceSpec>(),
  createdAt: z.string(),
  updatedAt: z.string(),
  /** The latest import of this source (running or finished), if any. */
  lastRun: RunSchema.nullable(),
  /** The latest successful import: what the cache holds now. */
  lastSuccess: RunSchema.nullable(),
  /** The latest check of this source (scope `source:<id>:check`), running or finished: its result is a SheetCheckResult. */
  lastCheck: RunSchema.nullable(),
});
export type SheetSource = z.infer<typeof SheetSourceSchema>;

export const SheetCachePreviewSchema = z.object({
  table: z.string(),
  exists: z.boolean(),
  columns: z.array(z.string()),
  rows: z.array(z.record(z.string(), z.unknown())),
  total: z.number().int(),
});
export type SheetCachePreview = z.infer<typeof SheetCachePreviewSchema>;

/**
 * The result of a sheet-import `check` (sheets.check): what an import of the
 * sheet as it is now would change in the cache table, without writing
 * anything. Declared here, not in the engine, because the Sheets page reads
 * it too; the engine's mode schema is this one. Rows are keyed by their sheet
 * row number (the import's key, `_sheet_row`). The counts obey, for the cache
 * as it is before the check (`before` rows) and as the import would leave it
 * (`rowsValid` rows):
 *   removed + changed + unchanged = before,
 *   added + changed + unchanged = rowsValid,
 * and `rejected` is what the import would reject (a cached row whose sheet
 * row is now rejected or blank is also `removed`: the import drops it).
 * Each sample holds at most `sampleLimit` entries, the first by row number.
 */
export const SheetCheckCountsSchema = z.strictObject({
  added: z.number().int().nonnegative(),
  removed: z.number().int().nonnegative(),
  changed: z.number().int().nonnegative(),
  rejected: z.number().int().nonnegative(),
  unchanged: z.number().int().nonnegative(),
});
export type SheetCheckCounts = z.infer<typeof SheetCheckCountsSchema>;

const rowNumber = z.number().int().positive();

/** Not strict at the top: the run adds keys of its own (`findings`, always 0 for a check) to the result it stores. */
export const SheetCheckResultSchema = z.object({
  mode: z.literal('check'),
  sourceId: z.number().int().positive(),
  table: z.string(),
  method: z.enum(['sheets-api', 'csv-export']),
  /** False when no import has created the cache table yet: every valid row is then `added`. */
  tableExists: z.boolean(),
  /** Mapped columns the cache table lacks (an import adds them) and columns it has beyond the mapping (an import drops them). */
  columnsAdded: z.array(z.string()),
  columnsRemoved: z.array(z.string()),
  bytes: z.number().int().nonnegative(),
  /** Data rows read (valid and rejected; blank rows excluded), as an import's `rowsRead`. */
  rowsRead: z.number().int().nonnegative(),
  rowsValid: z.number().int().nonnegative(),
  blankRows: z.number().int().nonnegative(),
  /** Rows in the cache table before the check (it is not changed). */
  before: z.number().int().nonnegative(),
  counts: SheetCheckCountsSchema,
  rejectedByReason: z.record(z.string(), z.number().int().nonnegative()),
  sampleLimit: z.number().int().positive(),
  samples: z.strictObject({
    added: z.array(z.strictObject({ row: rowNumber })),
    removed: z.array(z.strictObject({ row: rowNumber })),
    /** The cache table's columns whose value would change (names only: a cell may be huge). */
    changed: z.array(z.strictObject({ row: rowNumber, columns: z.array(z.string()) })),
    /** Why the row would be rejected, shortened. */
    rejected: z.array(z.strictObject({ row: rowNumber, reason: z.string().max(300) })),
  }),
  durationMs: z.number().int().nonnegative(),
});
export type SheetCheckResult = z.infer<typeof SheetCheckResultSchema>;
