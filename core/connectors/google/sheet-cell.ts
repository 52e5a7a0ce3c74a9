/**
 * A Sheets cell as text, as `getValues` gives it: FORMATTED_VALUE cells are strings already; a number or a
 * boolean becomes its String(), an empty cell (null) the empty string. One rule for the connector's whole
 * window reads and sheet-import's streamed reader (values-rows.ts), so both give the same rows.
 */
export function sheetCellText(value: unknown): string {
  return typeof value === 'string' ? value : value === null || value === undefined ? '' : String(value);
}
