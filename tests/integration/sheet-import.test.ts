import { afterEach, describe, expect, it } from 'vitest';
import { rateLimitBody } from '../emulators/google/test-support';
import { openSheetWorld, pricingRows, pricingSpec, type SheetWorld } from './sheet-import-harness';

/** sheet-import end to end: googleapis against the Google emulator, a real SQLite product database. */
let world: SheetWorld;
afterEach(() => world?.close());

describe('sheet-import', () => {
  it('imports a tab through the Sheets API in row windows, with weighted monotonic progress and stats', async () => {
    world = await openSheetWorld([{ id: 'pricing', title: 'Pricing', sheets: [{ title: 'Plans', rows: pricingRows(5000) }] }]);
    const id = await world.addSource(pricingSpec());
    const run = await world.importNow(id);

    expect(run.state, JSON.stringify(run.error)).toBe('succeeded');
    expect(run.result).toMatchObject({ table: 'sheet_pricing', rows: 5000, rowsRejected: 0, method: 'sheets-api' });
    expect(Number(run.result?.bytes)).toBeGreaterThan(100_000);
    const rows = await world.cache();
    expect(rows).toHaveLength(5000);
    expect(rows[0]).toEqual({ _sheet_row: 2, plan: 'plan 1', price: 10, seats: 1, active: 1 });
    // Windows grow from the first 1000 rows to the ~2 MB advice: two reads, not five.
    expect(world.emulator.count('sheets.values.get')).toBe(2);
    expect(run.apiCalls['google-sheets']).toBe(world.emulator.count('sheets.values.get') + world.emulator.count('sheets.spreadsheets.get') + world.emulator.count('oauth.token'));

    const mine = world.progress.filter((p) => p.runId === run.id);
    const percents = mine.map((p) => p.percent);
    expect(percents).toEqual([...percents].sort((a, b) => a - b));
    expect(new Set(mine.map((p) => p.phase))).toEqual(new Set(['downloading', 'processing', 'saving']));
    expect(mine.filter((p) => p.phase === 'processing').every((p) => p.percent >= 60 && p.percent <= 80)).toBe(true);
    expect(mine.filter((p) => p.phase === 'saving').every((p) => p.percent >= 80)).toBe(true);
    expect((await world.app.store.audit.list({ limit: 5, offset: 0 })).items[0]).toMatchObject({ action: 'sheet-import.replace-cache', engine: 'sheet-import' });
  });

  it('reports malformed rows with their row numbers and imports the rest', async () => {
    const rows = pricingRows(20, (i) => i === 4);
    rows[7] = ['plan 7', '', '3', 'TRUE']; // required price missing (sheet row 8)
    rows[9] = ['plan 9', '90', 'many', 'maybe']; // two problems in one row (sheet row 10)
    rows[12] = []; // a blank row is skipped, not an error
    world = await openSheetWorld([{ id: 'pricing', title: 'Pricing', sheets: [{ title: 'Plans', rows }] }]);
    const run = await world.importNow(await world.addSource(pricingSpec()));

    expect(run.state, JSON.stringify(run.error)).toBe('succeeded');
    expect(run.result).toMatchObject({ rows: 16, rowsRejected: 3, blankRows: 1, rejectedByReason: { 'Price: not a number': 1, 'Price: required': 1, 'Seats: not an integer': 1, 'Active: not a boolean': 1 } });
    expect((await world.cache()).map((r) => r._sheet_row)).not.toContain(5);
    const errors = (await world.app.store.findings.list({ runId: run.id, sort: 'subject', direction: 'asc', limit: 50, offset: 0 })).items;
    expect(errors.map((f) => f.subject.replace(/^source:\d+\//, '')).sort()).toEqual(['row:10', 'row:5', 'row:8']);
    expect(errors.find((f) => f.subject.endsWith('/row:10'))?.reason).toBe('Row 10: Seats “many” is not an integer; Active “maybe” is not a boolean');
    expect(errors.find((f) => f.subject.endsWith('/row:8'))?.reason).toBe('Row 8: Price is empty but required');
  });

  it('streams the CSV export with progress by bytes against Content-Length', async () => {
    const rows = pricingRows(300);
    rows[3] = ['plan, "quoted"\nwith a line break', '30', '3', 'TRUE'];
    world = await openSheetWorld([{ id: 'pricing', title: 'Pricing', sheets: [{ title: 'Plans', rows }] }]);
    const run = await world.importNow(await world.addSource(pricingSpec({ method: 'csv-export', sheet: '' })));

    expect(run.state, JSON.stringify(run.error)).toBe('succeeded');
    expect(run.result).toMatchObject({ rows: 300, method: 'csv-export' });
    expect((await world.cache())[2]).toMatchObject({ _sheet_row: 4, plan: 'plan, "quoted"\nwith a line break' });
    expect(world.emulator.count('drive.files.export')).toBe(1);
    const downloading = world.progress.filter((p) => p.runId === run.id && p.phase === 'downloading' && (p.counters.total ?? 0) > 0);
    expect(downloading.at(-1)?.counters.total).toBe(run.result?.bytes);
  });

  it('waits out a 429 (Retry-After) and resumes instead of failing', async () => {
    world = await openSheetWorld([{ id: 'pricing', title: 'Pricing', sheets: [{ title: 'Plans', rows: pricingRows(50) }] }]);
    world.emulator.fault('sheets.values.get', { status: 429, body: rateLimitBody(), headers: { 'Retry-After': '1' }, times: 1 });
    const started = Date.now();
    const run = await world.importNow(await world.addSource(pricingSpec({ timeouts: { connectMs: 500, idleMs: 5000, totalMs: 30_000 } })));

    expect(run.state, JSON.stringify(run.error)).toBe('succeeded');
    expect(Date.now() - started).toBeGreaterThanOrEqual(1000);
    expect(world.emulator.count('sheets.values.get')).toBe(2);
  });

  it('a second start while an import runs returns the running import', async () => {
    world = await openSheetWorld([{ id: 'pricing', title: 'Pricing', sheets: [{ title: 'Plans', rows: pricingRows(50) }] }]);
    world.emulator.fault('sheets.values.get', { status: 200, delayMs: 600, times: 1, body: { range: 'Plans!A1:D1', majorDimension: 'ROWS', values: [['Plan', 'Price', 'Seats', 'Active']] } });
    const id = await world.addSource(pricingSpec());
    const first = await world.start(id);
    const second = await world.start(id);

    expect(second).toEqual({ runId: first.runId, alreadyRunning: true });
    const run = await world.app.runs.waitFor(first.runId);
    expect(run?.state).toBe('succeeded');
    expect((await world.app.store.runs.list({ engine: 'sheet-import', limit: 10, offset: 0 })).total).toBe(1);
  });
});
