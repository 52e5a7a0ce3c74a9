import { SheetCheckResultSchema, type SheetCheckCounts as Counts, type SheetCheckResult as Result } from '../../api/sheets';

/**
 * The result of a sheet-import `check`. Its schema is declared once, in
 * core/api/sheets.ts (the Sheets page reads it through the contract); the
 * engine's `check` mode validates its results with that same schema.
 */
export const SHEET_CHECK_SAMPLE = 20;

export const SheetCheckResult = SheetCheckResultSchema;
export type SheetCheckResult = Result;
export type SheetCheckCounts = Counts;
