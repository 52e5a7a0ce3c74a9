import { describe, expect, it } from 'vitest';
import type { SheetCheckResult } from '../../core/api/sheets';
import { describeCheck, groupChanged, reasonText, rowList } from '../../renderer/src/components/sheets/import-preview-text';

/** The Sheets page's import preview says in words what a check found: one sentence per case. */
function result(over: Partial<SheetCheckResult> & { counts: SheetCheckResult['counts'] }): SheetCheckResult {
  return {
    mode: 'check',
    sourceId: 1,
    table: 'sheet_pricing',
    method: 'sheets-api',
    tableExists: true,
    columnsAdded: [],
    columnsRemoved: [],
    bytes: 0,
    rowsRead: over.counts.added + over.counts.changed + over.counts.unchanged + over.counts.rejected,
    rowsValid: over.counts.added + over.counts.changed + over.counts.unchanged,
    blankRows: 0,
    before: over.counts.removed + over.counts.changed + over.counts.unchanged,
    rejectedByReason: {},
    sampleLimit: 20,
    samples: { added: [], removed: [], changed: [], rejected: [] },
    durationMs: 1,
    ...over,
  };
}

describe('import preview wording', () => {
  it('says what an import would add, remove, change and reject', () => {
    expect(describeCheck(result({ counts: { added: 4, removed: 2, changed: 2, rejected: 1, unchanged: 95 } }))).toBe(
      'An import would add 4 rows, remove 2, change 2; 1 row would be rejected; 95 unchanged.',
    );
    expect(describeCheck(result({ counts: { added: 1, removed: 0, changed: 0, rejected: 0, unchanged: 1200 } }))).toBe('An import would add 1 row, remove 0, change 0; 1,200 unchanged.');
  });

  it('says a never-imported source would be created with every valid row', () => {
    expect(describeCheck(result({ tableExists: false, counts: { added: 99, removed: 0, changed: 0, rejected: 1, unchanged: 0 } }))).toBe(
      'Never imported: an import would create the cache table with 99 rows; 1 row would be rejected.',
    );
  });

  it('says when an import would change nothing', () => {
    expect(describeCheck(result({ counts: { added: 0, removed: 0, changed: 0, rejected: 3, unchanged: 10 } }))).toBe('An import would change nothing: 10 rows unchanged; 3 rows would be rejected.');
  });

  it('says what an empty sheet would do to the cache, whether there is one or not', () => {
    const empty = { added: 0, removed: 0, changed: 0, rejected: 0, unchanged: 0 };
    expect(describeCheck(result({ rowsRead: 0, counts: { ...empty, removed: 99 } }))).toBe('The sheet has no data rows: an import would empty the cache table, removing all 99 rows.');
    expect(describeCheck(result({ rowsRead: 0, counts: empty }))).toBe('The sheet has no data rows and the cache table is empty: an import would change nothing.');
    expect(describeCheck(result({ rowsRead: 0, tableExists: false, counts: empty }))).toBe('The sheet has no data rows: an import would create an empty cache table.');
  });

  it('lists sampled row numbers with how many more there are, and reasons without the row prefix', () => {
    expect(rowList([{ row: 5 }, { row: 1002 }], 2)).toBe('5, 1,002');
    expect(rowList([{ row: 5 }, { row: 6 }], 30)).toBe('5, 6 and 28 more');
    expect(reasonText('Row 22: Price “n/a” is not a number')).toBe('Price “n/a” is not a number');
    expect(reasonText('Row 1,204: Seats is empty')).toBe('Seats is empty');
    expect(reasonText('Price is empty')).toBe('Price is empty');
  });

  it('groups changed rows by the columns that change, in order of first row', () => {
    expect(groupChanged([{ row: 2, columns: ['price'] }, { row: 3, columns: ['seats'] }, { row: 1004, columns: ['price'] }, { row: 9, columns: ['price', 'seats'] }])).toEqual([
      { columns: 'price', rows: '2, 1,004', count: 2 },
      { columns: 'seats', rows: '3', count: 1 },
      { columns: 'price, seats', rows: '9', count: 1 },
    ]);
  });
});
