import { afterEach, describe, expect, it } from 'vitest';
import type { SheetSourceSpec } from '../../core/api/sheets';
import type { FaultScript } from '../emulators/shared/faults';
import { Prng } from '../helpers/prng';
import { openSheetWorld, pricingSpec, type SheetWorld } from './sheet-import-harness';

/**
 * sheet-import's safety invariant over random sheets and faults (seeded,
 * bounded), through the real googleapis SDK against the emulator: after every
 * import, whatever failed and wherever, the cache table holds either exactly
 * the previous cache or exactly the complete new import (what a fault-free
 * import of the same sheet gives), never part of one; and no staging table is
 * left behind. Sheets: hostile cells (quotes, commas, newlines, non-ASCII),
 * bad rows, blank rows, sometimes a missing header; over one or two Sheets
 * API windows or one CSV export. Faults: truncated bodies (a window's JSON
 * cut short, a body that stalls mid-stream), 5xx before or between windows,
 * foreign 404 pages, refusals, dropped sockets.
 */
const SEED = 14_0602;
const IMPORTS = 18;
const SOURCE = { spreadsheet: 'pricing', tab: 'Plans' };

const HTML_404 = '<!DOCTYPE html><html lang=en><title>Error 404 (Not Found)!!1</title><p><b>404.</b> <ins>That’s an error.</ins><p>The requested URL was not found on this server.';
const HTML_502 = '<!DOCTYPE html><html lang=en><title>Error 502 (Server Error)!!1</title><p><b>502.</b> <ins>That’s an error.</ins><p>The server encountered a temporary error.';
const googleError = (code: number, reason: string) => ({ error: { code, message: reason, errors: [{ message: reason, domain: 'global', reason }] } });

/** What can go wrong with one call; `passes` calls of the route are answered normally first (a fault mid-stream). */
const FAULTS: ((rng: Prng) => FaultScript)[] = [
  // Truncated bodies: JSON cut short (the connection closes cleanly), or a body that stalls after a few bytes.
  () => ({ status: 200, body: '{"range":"Plans!A1:D1000","majorDimension":"ROWS","values":[["Plan","Price","Seats","Active"],["plan 1","1' }),
  (rng) => ({ status: 200, passThrough: true, stallAfterBytes: rng.int(1, 3000) }),
  // 5xx: retried by the policy, so a short burst ends in a complete import.
  (rng) => ({ status: rng.pick([500, 503]), body: googleError(503, 'backendError') }),
  () => ({ status: 502, body: HTML_502, headers: { 'Content-Type': 'text/html; charset=UTF-8' } }),
  // Foreign and refusing answers.
  () => ({ status: 404, body: HTML_404, headers: { 'Content-Type': 'text/html; charset=UTF-8' } }),
  () => ({ status: 404, body: '' }),
  () => ({ status: 403, body: googleError(403, 'forbidden') }),
  () => ({ status: 0, drop: true }),
];

function hostile(rng: Prng, i: number): string {
  const base = `plan ${i}`;
  return rng.pick([base, `${base}, "quoted"`, `${base}\nsecond line`, `plän ${i} ✓`, ` ${base} `, `=${base}`]);
}

function randomSheet(rng: Prng): string[][] {
  const header = rng.chance(0.07) ? ['Plan', 'Cost', 'Seats', 'Active'] : ['Plan', 'Price', 'Seats', 'Active'];
  const rows = [header];
  for (let i = 1, n = rng.pick([0, rng.int(1, 40), rng.int(900, 2600)]); i <= n; i++) {
    if (rng.chance(0.02)) {
      rows.push(['', '', '', '']);
      continue;
    }
    rows.push([
      rng.chance(0.04) ? '' : hostile(rng, i),
      rng.chance(0.04) ? 'n/a' : String(rng.int(0, 100_000) / 100),
      rng.chance(0.04) ? 'many' : rng.chance(0.1) ? '' : String(rng.int(0, 500)),
      rng.pick(['TRUE', 'FALSE', 'TRUE', 'maybe', '']),
    ]);
  }
  return rows;
}

let world: SheetWorld | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

describe('sheet-import safety invariant over random sheets and faults', () => {
  it(`seed ${SEED}: the cache is always the old cache or the complete new import, never partial`, async () => {
    const rng = new Prng(SEED);
    world = await openSheetWorld([{ id: SOURCE.spreadsheet, title: 'Pricing', sheets: [{ title: SOURCE.tab, rows: randomSheet(rng) }] }]);
    const w = world;
    const timeouts = { connectMs: 5_000, idleMs: 400, totalMs: 20_000 };
    const main = await w.addSource(pricingSpec({ timeouts }));
    // The reference: the same sheet imported without faults into a table of its own.
    const reference = await w.addSource(pricingSpec({ name: 'Reference', targetTable: 'ref_pricing', timeouts }));
    const setMethod = (id: number, name: string, table: string, method: SheetSourceSpec['method']) =>
      w.app.handlers['sheets.sources.update']({ id, spec: pricingSpec({ name, targetTable: table, timeouts, method, ...(method === 'csv-export' ? { sheet: '' } : {}) }) }, { actor: 'manual' });

    let previous: Record<string, unknown>[] | undefined;
    let outcomes = { succeeded: 0, failed: 0 };
    for (let attempt = 0; attempt < IMPORTS; attempt++) {
      const label = `seed ${SEED}, import ${attempt}`;
      if (attempt === 0 || rng.chance(0.6)) w.emulator.setSheetRows('owner', SOURCE.spreadsheet, SOURCE.tab, randomSheet(rng));
      const method = rng.pick(['sheets-api', 'csv-export'] as const);
      await setMethod(main, 'Pricing', 'sheet_pricing', method);
      await setMethod(reference, 'Reference', 'ref_pricing', method);

      w.emulator.clearFaults();
      const ref = await w.importNow(reference);
      const expected = ref.state === 'succeeded' ? await w.cache('ref_pricing') : undefined;

      // One fault (sometimes two) on a random call of a route this method uses.
      const routes = method === 'csv-export' ? ['drive.files.export'] : ['sheets.spreadsheets.get', 'sheets.values.get', 'sheets.values.get'];
      for (let f = 0, faults = rng.pick([0, 0, 1, 1, 2]); f < faults; f++) {
        const route = rng.pick(routes);
        const passes = route === 'sheets.values.get' ? rng.int(0, 1) : 0;
        if (passes) w.emulator.fault(route, { status: 200, passThrough: true, times: passes });
        w.emulator.fault(route, { ...rng.pick(FAULTS)(rng), times: rng.int(1, 2) });
      }
      const run = await w.importNow(main);
      w.emulator.clearFaults();
      expect(['succeeded', 'failed'], `${label}: ${JSON.stringify(run.error)}`).toContain(run.state);
      outcomes = { ...outcomes, [run.state]: outcomes[run.state as 'succeeded' | 'failed'] + 1 };

      const tables = await w.tables();
      expect(tables.filter((t) => t.endsWith('__next')), label).toEqual([]);
      const cache = tables.includes('sheet_pricing') ? await w.cache() : undefined;
      if (run.state === 'succeeded') {
        // The complete new import: exactly what the fault-free reference import holds.
        expect(expected, `${label}: the reference failed but the faulted import succeeded`).toBeDefined();
        expect(cache, label).toEqual(expected);
      } else {
        expect(cache, `${label}: ${run.error?.message}`).toEqual(previous);
      }
      previous = cache;
    }
    // The seed must exercise both sides of the invariant.
    expect(outcomes.succeeded).toBeGreaterThan(0);
    expect(outcomes.failed).toBeGreaterThan(0);
  }, 60_000);
});
