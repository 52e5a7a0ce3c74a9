import { afterEach, describe, expect, it } from 'vitest';
import type { Run } from '../../core/api/models';
import { SheetCheckResultSchema, SheetSourceSchema, type SheetSource } from '../../core/api/sheets';
import { dispatch } from '../../core/app/dispatch';
import { snapshot } from './sheet-check-support';
import { openSheetWorld, pricingRows, pricingSpec, type SheetWorld } from './sheet-import-harness';

/**
 * The Sheets page's `sheets.check` through the contract (dispatch: input and
 * output checked against core/api, as both hosts do): it starts a check run
 * of the source as it is now, in scope `source:<id>:check`, whose result is
 * the contract's SheetCheckResult, and which writes nothing.
 */
let world: SheetWorld | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

const sheet = (rows: string[][]) => [{ id: 'pricing', title: 'Pricing', sheets: [{ title: 'Plans', rows }] }];
const manual = { actor: 'manual' } as const;

async function call<T>(w: SheetWorld, method: string, input: unknown): Promise<T> {
  const answer = await dispatch(w.app.handlers, method, input, manual);
  if (!answer.ok) throw new Error(`${answer.error.code}: ${answer.error.message}`);
  return answer.result as T;
}

async function sources(w: SheetWorld): Promise<SheetSource[]> {
  return (await call<unknown[]>(w, 'sheets.sources.list', {})).map((s) => SheetSourceSchema.parse(s));
}

describe('sheets.check through the contract', () => {
  it('checks a source as it is now, in its own scope, reports what an import would do, and writes nothing', async () => {
    const rows = pricingRows(100, (i) => i === 4);
    world = await openSheetWorld(sheet(rows));
    const id = await world.addSource(pricingSpec());
    const imported = await world.importNow(id);
    expect(imported.state).toBe('succeeded');

    const next = rows.map((r) => [...r]);
    next[10] = ['plan 10', '999', '10', 'FALSE']; // row 11 changes
    next[20] = ['plan 20', 'n/a', '20', 'FALSE']; // row 21 now rejected, so removed
    next[4] = ['plan 4', '40', '4', 'FALSE']; // row 5 fixed, so added
    next[30] = ['', '', '', '']; // row 31 blank, so removed
    next[40] = ['plan 40', '400', '', 'FALSE']; // row 41 changes
    next.push(['plan 101', '1', '1', 'TRUE'], ['plan 102', '2', '2', 'TRUE'], ['plan 103', '3', '3', 'TRUE']);
    world.emulator.setSheetRows('owner', 'pricing', 'Plans', next);
    const before = await snapshot(world);

    const started = await call<{ runId: number; alreadyRunning: boolean }>(world, 'sheets.check', { id });
    expect(started.alreadyRunning).toBe(false);
    const run = (await world.app.runs.waitFor(started.runId)) as Run;
    expect(run.state, JSON.stringify(run.error)).toBe('succeeded');
    expect(run).toMatchObject({ engine: 'sheet-import', scope: `source:${id}:check`, trigger: 'manual' });
    const result = SheetCheckResultSchema.parse(run.result);
    expect(result.counts).toEqual({ added: 4, removed: 2, changed: 2, rejected: 1, unchanged: 95 });
    expect(result.samples.changed).toEqual([
      { row: 11, columns: ['price'] },
      { row: 41, columns: ['seats'] },
    ]);
    expect(await snapshot(world)).toBe(before);

    // The source lists its check apart from its imports: the last import is still the one the cache holds.
    const [source] = await sources(world);
    expect(source?.lastRun?.id).toBe(imported.id);
    expect(source?.lastSuccess?.id).toBe(imported.id);
    expect(source?.lastCheck?.id).toBe(run.id);
    expect(SheetCheckResultSchema.parse(source?.lastCheck?.result).counts.added).toBe(4);
  });

  it('on a never-imported source reports every valid row as added', async () => {
    world = await openSheetWorld(sheet(pricingRows(30, (i) => i === 7)));
    const id = await world.addSource(pricingSpec());
    expect((await sources(world))[0]?.lastCheck).toBeNull();
    const { runId } = await call<{ runId: number }>(world, 'sheets.check', { id });
    const run = (await world.app.runs.waitFor(runId)) as Run;
    expect(SheetCheckResultSchema.parse(run.result)).toMatchObject({ tableExists: false, before: 0, counts: { added: 29, removed: 0, changed: 0, rejected: 1, unchanged: 0 } });
    expect(await world.tables()).toEqual([]);
    expect((await sources(world))[0]).toMatchObject({ lastRun: null, lastCheck: { id: runId, state: 'succeeded' } });
  });

  it('joins a check of the same source already running instead of starting a second one', async () => {
    world = await openSheetWorld(sheet(pricingRows(20)));
    const id = await world.addSource(pricingSpec());
    world.emulator.fault('sheets.values.get', { status: 200, passThrough: true, delayMs: 500, times: 1 });
    const first = await call<{ runId: number; alreadyRunning: boolean }>(world, 'sheets.check', { id });
    const second = await call<{ runId: number; alreadyRunning: boolean }>(world, 'sheets.check', { id });
    expect(second).toEqual({ runId: first.runId, alreadyRunning: true });
    // An import of the source is not blocked by its check: they have different scopes.
    const imported = await call<{ runId: number; alreadyRunning: boolean }>(world, 'sheets.import', { id });
    expect(imported.alreadyRunning).toBe(false);
    await world.app.runs.waitFor(first.runId);
    await world.app.runs.waitFor(imported.runId);
  });

  it('refuses an unknown source and malformed input with the contract’s errors', async () => {
    world = await openSheetWorld(sheet(pricingRows(2)));
    const missing = await dispatch(world.app.handlers, 'sheets.check', { id: 999 }, manual);
    expect(missing).toMatchObject({ ok: false, error: { code: 'not-found' } });
    for (const input of [{}, { id: 'one' }, { id: 1, mode: 'import' }]) {
      expect(await dispatch(world.app.handlers, 'sheets.check', input, manual)).toMatchObject({ ok: false, error: { code: 'invalid-input' } });
    }
    expect((await world.app.store.runs.list({ limit: 10, offset: 0 })).items).toEqual([]);
  });

  it('a check that fails says why, as a failed import does', async () => {
    world = await openSheetWorld(sheet([['Plan', 'Cost'], ['a', '1']]));
    const id = await world.addSource(pricingSpec());
    const { runId } = await call<{ runId: number }>(world, 'sheets.check', { id });
    const run = (await world.app.runs.waitFor(runId)) as Run;
    expect(run.state).toBe('failed');
    expect(run.error?.message).toContain('no column “Price”');
    expect((await sources(world))[0]?.lastCheck).toMatchObject({ id: runId, state: 'failed' });
  });
});
