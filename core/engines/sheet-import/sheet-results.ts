import { z } from 'zod';
import { Count, engineResult } from '../engine-result';
import type { EngineModes } from '../engine-policies';
import { SheetCheckResult } from './sheet-check-result';

/** The result of a sheet import (sheet-import.engine.ts): what was read, cached and rejected. */
export const SheetImportResult = engineResult({
  sourceId: z.number().int().positive(),
  table: z.string(),
  method: z.enum(['sheets-api', 'csv-export']),
  bytes: Count,
  rowsRead: Count,
  /** Rows in the new cache table. */
  rows: Count,
  rowsRejected: Count,
  rejectedByReason: z.record(z.string(), Count),
  /** Rejected rows with a finding of their own (the rest are counted only). */
  rowErrorsListed: Count,
  blankRows: Count,
  durationMs: Count,
});
export type SheetImportResult = z.output<typeof SheetImportResult>;

export const sheetImportModes = {
  import: { result: SheetImportResult, description: 'Replace the cache table with the sheet, atomically.' },
  check: { result: SheetCheckResult, description: 'What an import would change (rows added, removed, changed, rejected); writes nothing.' },
} satisfies EngineModes;
