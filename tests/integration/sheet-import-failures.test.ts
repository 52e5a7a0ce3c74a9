import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { onPhase, openSheetWorld, pricingRows, pricingSpec, type SheetWorld } from './sheet-import-harness';

/**
 * The promise of the atomic swap: whatever goes wrong, in whichever phase,
 * the previous cache stays intact and readable, and no staging table is left.
 */
let world: SheetWorld;
let sourceId: number;
let before: Record<string, unknown>[];

beforeEach(async () => {
  world = await openSheetWorld([{ id: 'pricing', title: 'Pricing', sheets: [{ title: 'Plans', rows: pricingRows(3000) }] }]);
  sourceId = await world.addSource(pricingSpec());
  const first = await world.importNow(sourceId);
  expect(first.state).toBe('succeeded');
  before = await world.cache();
  expect(before).toHaveLength(3000);
  world.emulator.resetCounts();
});
afterEach(() => world.close());

async function expectOldCacheIntact(): Promise<void> {
  expect(await world.cache()).toEqual(before);
  expect(await world.tables()).toEqual(['sheet_pricing']);
}

describe('sheet-import failures leave the previous cache intact', () => {
  it('downloading: Google refuses a window', async () => {
    world.emulator.fault('sheets.values.get', { status: 403, body: { error: { code: 403, message: 'The caller does not have permission', errors: [{ reason: 'forbidden' }] } } });
    const run = await world.importNow(sourceId);
    expect(run.state).toBe('failed');
    expect(run.progress?.phase).toBe('downloading');
    expect(run.error).toMatchObject({ code: 'forbidden' });
    expect(run.error?.message).toContain('Share the sheet with that account');
    await expectOldCacheIntact();
  });

  it('processing: a mapped header is missing from the sheet', async () => {
    const spec = pricingSpec({ columns: [{ header: 'Cost', column: 'cost', type: 'number', required: false }] });
    await world.app.handlers['sheets.sources.update']({ id: sourceId, spec }, { actor: 'manual' });
    const run = await world.importNow(sourceId);
    expect(run.state).toBe('failed');
    // Stages overlap: the header is bound as soon as the first window arrives, while the bar still shows the download.
    expect(run.progress?.phase).toBe('downloading');
    expect(world.emulator.count('sheets.values.get')).toBeLessThanOrEqual(2);
    expect(run.error?.message).toContain('no column “Cost” (found: “Plan”, “Price”, “Seats”, “Active”)');
    await expectOldCacheIntact();
  });

  it('saving: the product database is locked by another writer', async () => {
    let locker: Database.Database | undefined;
    // The lock is taken while rows are validated, so the first write of the saving phase meets it.
    const appDbPath = (await world.app.store.connections.list()).find((c) => c.kind === 'appdb')?.config.path as string;
    onPhase(world, 'processing', () => {
      locker = new Database(appDbPath);
      locker.exec('BEGIN EXCLUSIVE');
    });
    const run = await world.importNow(sourceId);
    locker?.exec('ROLLBACK');
    locker?.close();
    expect(run.state).toBe('failed');
    expect(run.progress?.phase).toBe('saving');
    expect(run.error?.message).toMatch(/locked/);
    expect(await world.cache()).toEqual(before);
    // The staging table could not be dropped while the other writer held the lock: the next import drops it first.
    const next = await world.importNow(sourceId);
    expect(next.state).toBe('succeeded');
    await expectOldCacheIntact();
  }, 30_000);

  it('cancel during the download stops the import and keeps the old cache', async () => {
    world.emulator.fault('sheets.values.get', { status: 503, delayMs: 3000, body: { error: { code: 503, message: 'slow' } }, times: 1 });
    onPhase(world, 'downloading', (snapshot) => void setTimeout(() => void world.app.runs.cancel(snapshot.runId), 200));
    const started = Date.now();
    const run = await world.importNow(sourceId);
    expect(run.state).toBe('cancelled');
    expect(Date.now() - started).toBeLessThan(2500);
    await expectOldCacheIntact();
  });

  it('cancel while saving drops the staging table and keeps the old cache', async () => {
    onPhase(world, 'saving', (snapshot) => void world.app.runs.cancel(snapshot.runId));
    const run = await world.importNow(sourceId);
    expect(run.state).toBe('cancelled');
    expect(run.progress?.phase).toBe('saving');
    await expectOldCacheIntact();
  });

  it('a connect timeout is reported as a timeout', async () => {
    await world.app.handlers['sheets.sources.update']({ id: sourceId, spec: pricingSpec({ timeouts: { connectMs: 300, idleMs: 5000, totalMs: 60_000 } }) }, { actor: 'manual' });
    world.emulator.fault('sheets.values.get', { status: 200, delayMs: 2000, body: {}, times: 1 });
    const run = await world.importNow(sourceId);
    expect(run.state).toBe('failed');
    expect(run.error).toMatchObject({ code: 'timeout' });
    expect(run.error?.message).toMatch(/^Timed out \(connect timeout, 300 ms\)/);
    await expectOldCacheIntact();
  });

  it('an idle timeout: the CSV export stalls mid-body, the import says so and keeps the old cache', async () => {
    const spec = pricingSpec({ method: 'csv-export', sheet: '', timeouts: { connectMs: 10_000, idleMs: 300, totalMs: 60_000 } });
    await world.app.handlers['sheets.sources.update']({ id: sourceId, spec }, { actor: 'manual' });
    // The real export's headers (its full Content-Length) and its first 4 KB, then silence with the socket open.
    world.emulator.fault('drive.files.export', { status: 200, passThrough: true, stallAfterBytes: 4096, times: 1 });
    const run = await world.importNow(sourceId);
    expect(run.state).toBe('failed');
    expect(run.error).toMatchObject({ code: 'timeout' });
    expect(run.error?.message).toMatch(/^Timed out \(idle timeout, 300 ms\): the download stalled/);
    expect(run.progress?.counters.bytes).toBe(4096);
    expect(world.emulator.count('drive.files.export')).toBe(1);
    await expectOldCacheIntact();
  });

  it('the total timeout stops a slow import and says so', async () => {
    await world.app.handlers['sheets.sources.update']({ id: sourceId, spec: pricingSpec({ timeouts: { connectMs: 10_000, idleMs: 10_000, totalMs: 1000 } }) }, { actor: 'manual' });
    world.emulator.fault('sheets.values.get', { status: 200, delayMs: 3000, body: {}, times: 1 });
    const run = await world.importNow(sourceId);
    expect(run.error).toMatchObject({ code: 'timeout' });
    expect(run.error?.message).toContain('total timeout, 1 s');
    await expectOldCacheIntact();
  });
});
