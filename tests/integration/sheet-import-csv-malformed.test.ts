import { afterEach, describe, expect, it } from 'vitest';
import { openSheetWorld, pricingRows, pricingSpec, type SheetWorld } from './sheet-import-harness';

/** A CSV export with malformed lines (a hostile or broken service): each costs its own row, cited by sheet row. */
let world: SheetWorld;
afterEach(() => world?.close());

describe('sheet-import: malformed lines in the CSV export', () => {
  it('rejects only the malformed rows, with their sheet row numbers (not file lines), and imports the rest', async () => {
    world = await openSheetWorld([{ id: 'pricing', title: 'Pricing', sheets: [{ title: 'Plans', rows: pricingRows(3) }] }]);
    const csv = [
      'Plan,Price,Seats,Active',
      '"plan 1\nspans\nthree lines",10,1,TRUE', // row 2 (file lines 2-4)
      'plan 2,20,2,TRUE', // row 3
      'plan 3,"30"x,3,TRUE', // row 4: text after a closing quote
      'plan 4,40,4,FALSE', // row 5
      'plan "5",50,5,TRUE', // row 6: a quote inside an unquoted cell
      'plan 6,60,6,TRUE', // row 7
      'plan 7,"70,7,TRUE', // row 8: a quote never closed
      'plan 8,80,8,TRUE', // row 9
    ].join('\n');
    world.emulator.fault('drive.files.export', { status: 200, body: csv, headers: { 'Content-Type': 'text/csv' } });
    const sourceId = await world.addSource(pricingSpec({ method: 'csv-export', sheet: '' }));
    const run = await world.importNow(sourceId);

    expect(run.state, JSON.stringify(run.error)).toBe('succeeded');
    expect(run.result).toMatchObject({ rows: 5, rowsRejected: 3, rejectedByReason: { 'CSV: malformed line': 3 } });
    expect((await world.cache()).map((r) => r._sheet_row)).toEqual([2, 3, 5, 7, 9]);
    const errors = (await world.app.store.findings.list({ runId: run.id, sort: 'subject', direction: 'asc', limit: 50, offset: 0 })).items;
    // Row-error subjects name their source, so row 4 of two sheets are two findings (findings are unique per subject).
    expect(errors.map((f) => f.subject).sort()).toEqual([4, 6, 8].map((row) => `source:${sourceId}/row:${row}`));
    expect(errors.find((f) => f.subject === `source:${sourceId}/row:4`)?.reason).toBe('Row 4: the CSV export of this row cannot be read (text after a closing quote)');
    expect(errors.every((f) => !/line \d/.test(f.reason))).toBe(true);
  });

  it('a malformed header row fails the import with a clear message', async () => {
    world = await openSheetWorld([{ id: 'pricing', title: 'Pricing', sheets: [{ title: 'Plans', rows: pricingRows(3) }] }]);
    world.emulator.fault('drive.files.export', { status: 200, body: 'Plan,"Price"x\nplan 1,10\n', headers: { 'Content-Type': 'text/csv' } });
    const run = await world.importNow(await world.addSource(pricingSpec({ method: 'csv-export', sheet: '' })));
    expect(run.state).toBe('failed');
    expect(run.error?.message).toMatch(/header row \(row 1\) cannot be read as CSV/);
  });
});
