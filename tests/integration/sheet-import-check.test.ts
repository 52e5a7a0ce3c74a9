import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { SheetCheckResult } from '../../core/engines/sheet-import/sheet-check-result';
import { cacheOrNone, checkNow, diffCaches, snapshot } from './sheet-check-support';
import { onPhase, openSheetWorld, pricingRows, pricingSpec, type SheetWorld } from './sheet-import-harness';

/**
 * sheet-import's `check` against the Google emulator and a SQLite product
 * database: what an import would change, counted exactly, and nothing written
 * (the whole product database and the console's findings and engine state
 * are byte-identical after a check).
 */
let world: SheetWorld | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

const sheet = (rows: string[][]) => [{ id: 'pricing', title: 'Pricing', sheets: [{ title: 'Plans', rows }] }];

describe('sheet-import check', () => {
  it('on a never-imported source reports every valid row as added and creates nothing', async () => {
    world = await openSheetWorld(sheet(pricingRows(120, (i) => i === 4 || i === 90)));
    const id = await world.addSource(pricingSpec());
    const before = await snapshot(world);

    const run = await checkNow(world, id);
    expect(run.state, JSON.stringify(run.error)).toBe('succeeded');
    const result = SheetCheckResult.parse(run.result);
    expect(result).toMatchObject({ tableExists: false, before: 0, rowsValid: 118, rowsRead: 120, counts: { added: 118, removed: 0, changed: 0, rejected: 2, unchanged: 0 } });
    expect(result.samples.added).toHaveLength(20);
    expect(result.samples.added[0]).toEqual({ row: 2 });
    expect(result.samples.rejected.map((r) => r.row)).toEqual([5, 91]);
    expect(result.samples.rejected[0]?.reason).toContain('Price');
    expect(await world.tables()).toEqual([]);
    expect(await snapshot(world)).toBe(before);
    // A check is not an import: the Sheets page still shows no import of this source.
    const [source] = await world.app.handlers['sheets.sources.list']({}, { actor: 'manual' }) as { lastRun: unknown }[];
    expect(source?.lastRun).toBeNull();
  });

  it('right after an import reports every row unchanged and leaves the import and its row errors as they were', async () => {
    world = await openSheetWorld(sheet(pricingRows(2500, (i) => i % 400 === 0)));
    const id = await world.addSource(pricingSpec());
    const imported = await world.importNow(id);
    expect(imported.state).toBe('succeeded');
    const openFindings = (await world.app.store.findings.open('sheet-import')).length;
    expect(openFindings).toBe(6);
    const before = await snapshot(world);

    const run = await checkNow(world, id);
    expect(run.state, JSON.stringify(run.error)).toBe('succeeded');
    expect(run.scope).toBe(`source:${id}:check`);
    expect(run.result).toMatchObject({ tableExists: true, before: 2494, counts: { added: 0, removed: 0, changed: 0, rejected: 6, unchanged: 2494 }, columnsAdded: [], columnsRemoved: [] });
    expect(await snapshot(world)).toBe(before);
    expect(await world.app.store.findings.open('sheet-import')).toHaveLength(openFindings);
    const [source] = await world.app.handlers['sheets.sources.list']({}, { actor: 'manual' }) as { lastRun: { id: number } | null }[];
    expect(source?.lastRun?.id).toBe(imported.id);
  });

  it('after the sheet changed counts added, removed, changed and rejected rows exactly, as the next import then does', async () => {
    const rows = pricingRows(100, (i) => i === 4);
    world = await openSheetWorld(sheet(rows));
    const id = await world.addSource(pricingSpec());
    expect((await world.importNow(id)).state).toBe('succeeded');
    const cacheBefore = await world.cache();
    expect(cacheBefore).toHaveLength(99);

    // rows[i] is sheet row i + 1.
    const next = rows.map((r) => [...r]);
    next[10] = ['plan 10', '999', '10', 'FALSE']; // row 11: price changes (active was FALSE already)
    next[20] = ['plan 20', 'n/a', '20', 'FALSE']; // row 21: now rejected, so removed from the cache
    next[4] = ['plan 4', '40', '4', 'FALSE']; // row 5: fixed, so added
    next[30] = ['', '', '', '']; // row 31: blank, so removed
    next[40] = ['plan 40', '400', '', 'FALSE']; // row 41: seats emptied
    next.push(['plan 101', '1', '1', 'TRUE'], ['plan 102', '2', '2', 'TRUE'], ['plan 103', '3', '3', 'TRUE']); // rows 102–104
    world.emulator.setSheetRows('owner', 'pricing', 'Plans', next);
    const before = await snapshot(world);

    const run = await checkNow(world, id);
    expect(run.state, JSON.stringify(run.error)).toBe('succeeded');
    const result = SheetCheckResult.parse(run.result);
    expect(result.counts).toEqual({ added: 4, removed: 2, changed: 2, rejected: 1, unchanged: 95 });
    expect(result).toMatchObject({ before: 99, rowsValid: 101, blankRows: 1 });
    expect(result.samples).toEqual({
      added: [{ row: 5 }, { row: 102 }, { row: 103 }, { row: 104 }],
      removed: [{ row: 21 }, { row: 31 }],
      changed: [
        { row: 11, columns: ['price'] },
        { row: 41, columns: ['seats'] },
      ],
      rejected: [{ row: 21, reason: expect.stringContaining('Price “n/a”') as unknown as string }],
    });
    expect(await snapshot(world)).toBe(before);

    const imported = await world.importNow(id);
    expect(imported.result).toMatchObject({ rows: 101, rowsRejected: 1 });
    // The snapshot sees what an import writes (so its equality after a check proves something).
    expect(await snapshot(world)).not.toBe(before);
    expect(diffCaches(cacheBefore, await world.cache())).toEqual({ added: 4, removed: 2, changed: 2, unchanged: 95 });
  });

  it('compares by the columns mapped now: a mapped column the cache lacks, and one it has beyond the mapping, are named', async () => {
    world = await openSheetWorld(sheet(pricingRows(10)));
    const id = await world.addSource(pricingSpec());
    expect((await world.importNow(id)).state).toBe('succeeded');
    const spec = pricingSpec();
    await world.app.handlers['sheets.sources.update'](
      { id, spec: { ...spec, columns: [...spec.columns.filter((c) => c.column !== 'active'), { header: 'Active', column: 'is_active', type: 'boolean', required: false }] } },
      { actor: 'manual' },
    );
    const before = await snapshot(world);
    const run = await checkNow(world, id);
    expect(run.state, JSON.stringify(run.error)).toBe('succeeded');
    expect(run.result).toMatchObject({ columnsAdded: ['is_active'], columnsRemoved: ['active'], counts: { changed: 10, unchanged: 0 } });
    expect(await snapshot(world)).toBe(before);
  });

  it('survives hostile cells: formula-looking text is compared as text, huge cells stay out of the result, duplicate values are separate rows', async () => {
    const huge = 'x'.repeat(200_000);
    const rows = [
      ['Plan', 'Price', 'Seats', 'Active'],
      ['=HYPERLINK("http://evil.example","click")', '1', '1', 'TRUE'],
      ['+SUM(A1:A9)', '2', '2', 'TRUE'],
      ['@cmd|/c calc', '3', '3', 'TRUE'],
      ['-1+2', '4', '4', 'TRUE'],
      [huge, '5', '5', 'TRUE'],
      ['plan dup', '6', '6', 'TRUE'],
      ['plan dup', '6', '6', 'TRUE'],
      ['plan bad', huge, '7', 'TRUE'],
      ["'); DROP TABLE sheet_pricing; --", '8', '8', 'FALSE'],
    ];
    world = await openSheetWorld(sheet(rows));
    const id = await world.addSource(pricingSpec());
    const before = await snapshot(world);

    const fresh = await checkNow(world, id);
    expect(fresh.state, JSON.stringify(fresh.error)).toBe('succeeded');
    expect(fresh.result).toMatchObject({ counts: { added: 8, removed: 0, changed: 0, rejected: 1, unchanged: 0 } });
    // The result names rows and columns, never whole cells: a 200 KB cell does not reach the run history.
    expect(JSON.stringify(fresh.result).length).toBeLessThan(5_000);
    expect(SheetCheckResult.parse(fresh.result).samples.rejected[0]?.row).toBe(9);
    expect(await snapshot(world)).toBe(before);

    expect((await world.importNow(id)).state).toBe('succeeded');
    const cached = await world.cache();
    expect(cached.map((r) => r.plan)).toEqual(rows.slice(1).filter((r) => r[1] !== huge).map((r) => r[0]));
    const again = await checkNow(world, id);
    expect(again.result).toMatchObject({ counts: { added: 0, removed: 0, changed: 0, rejected: 1, unchanged: 8 } });

    // One changed character in the huge cell is a change of that row's plan alone.
    rows[5] = [`${huge}y`, '5', '5', 'TRUE'];
    world.emulator.setSheetRows('owner', 'pricing', 'Plans', rows);
    const changed = await checkNow(world, id);
    expect(SheetCheckResult.parse(changed.result).samples.changed).toEqual([{ row: 6, columns: ['plan'] }]);
    expect(await cacheOrNone(world)).toEqual(cached);
  });

  it('fails like an import on a missing header, and refuses a target that is not its own, writing nothing', async () => {
    world = await openSheetWorld(sheet([['Plan', 'Cost'], ['a', '1']]));
    const id = await world.addSource(pricingSpec());
    const before = await snapshot(world);
    const run = await checkNow(world, id);
    expect(run.state).toBe('failed');
    expect(run.error?.message).toContain('no column “Price”');
    expect(await snapshot(world)).toBe(before);

    await world.db.execute(`CREATE TABLE sheet_other (x TEXT)`);
    const other = await world.addSource(pricingSpec({ name: 'Other', targetTable: 'sheet_other' }));
    const refused = await checkNow(world, other);
    expect(refused.state).toBe('failed');
    expect(refused.error?.message).toContain('was not created by a sheet import');
  });

  it('fails instead of reporting a comparison that mixed two caches, when an import swaps the cache during the check', async () => {
    world = await openSheetWorld(sheet(pricingRows(50)));
    const id = await world.addSource(pricingSpec());
    expect((await world.importNow(id)).state).toBe('succeeded');
    // What an import's swap does, from another connection, the moment the check has compared every sheet row.
    const other = new Database((await world.app.store.connections.list()).find((c) => c.kind === 'appdb')?.config.path as string);
    try {
      onPhase(world, 'saving', () =>
        other.exec(`BEGIN; ALTER TABLE sheet_pricing RENAME TO sheet_pricing_old; CREATE TABLE sheet_pricing AS SELECT * FROM sheet_pricing_old; DROP TABLE sheet_pricing_old; COMMIT;`),
      );
      const run = await checkNow(world, id);
      expect(run.state).toBe('failed');
      expect(run.error?.message).toContain('An import replaced the cache table “sheet_pricing” during this check');
    } finally {
      other.close();
    }
  });

  it('a cancel while comparing stops the check and writes nothing', async () => {
    world = await openSheetWorld(sheet(pricingRows(3000)));
    const id = await world.addSource(pricingSpec());
    expect((await world.importNow(id)).state).toBe('succeeded');
    world.emulator.setSheetRows('owner', 'pricing', 'Plans', pricingRows(10));
    const before = await snapshot(world);
    const w = world;
    // The sheet's 10 rows are compared by now; the cache's 2,990 others, removed, are still to read.
    onPhase(world, 'saving', (progress) => void w.app.runs.cancel(progress.runId));
    const run = await checkNow(world, id);
    expect(run.state).toBe('cancelled');
    expect(await snapshot(world)).toBe(before);
  });
});
