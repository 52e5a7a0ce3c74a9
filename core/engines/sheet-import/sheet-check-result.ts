import { z } from 'zod';

/**
 * The result of a sheet-import `check`: what an import of the sheet as it is
 * now would change in the cache table, without writing anything. Rows are
 * keyed by their sheet row number (cache-table.ts `ROW_COLUMN`), as the
 * import keys them. The counts obey, for the cache as it is before the check
 * (`before` rows) and as the import would leave it (`rowsValid` rows):
 *   removed + changed + unchanged = before,
 *   added + changed + unchanged = rowsValid,
 * and `rejected` is what the import would reject (a cached row whose sheet
 * row is now rejected or blank is also `removed`: the import drops it).
 * Each sample holds at most `sampleLimit` entries, the first by row number.
 */
export const SHEET_CHECK_SAMPLE = 20;

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
export const SheetCheckResult = z.object({
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
export type SheetCheckResult = z.infer<typeof SheetCheckResult>;
