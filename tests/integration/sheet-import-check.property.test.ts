import { afterEach, describe, expect, it } from 'vitest';
import type { SheetSourceSpec } from '../../core/api/sheets';
import { CACHE_PAGE_ROWS } from '../../core/engines/sheet-import/cache-diff';
import { SheetCheckResult } from '../../core/engines/sheet-import/sheet-check-result';
import { Prng } from '../helpers/prng';
import { cacheOrNone, checkNow, diffCaches, snapshot } from './sheet-check-support';
import { openSheetWorld, pricingSpec, type SheetWorld } from './sheet-import-harness';

/**
 * sheet-import's check over random sheets (seeded, bounded), through the real
 * googleapis SDK against the emulator: a check never writes (the product
 * database, findings and engine state are byte-identical after it), and its
 * counts are exactly what the import that follows then does to the cache
 * (added, removed, changed, unchanged by sheet row, computed from the tables
 * before and after the import) and rejects. Each sheet is a fresh random one
 * or the previous one edited (cells changed, rows inserted, deleted, blanked,
 * appended), over the Sheets API or the CSV export, sometimes with its header
 * broken (then both fail), with sizes that cross the check's cache pages and
 * the import's batches.
 */
const SEED = 17_1201;
const ROUNDS = 16;

function cell(rng: Prng, i: number): string[] {
  const plan = rng.pick([`plan ${i}`, `=plan ${i}`, `+${i}`, `plan ${i}, "q"`, `plän ${i}\n2`, ` plan ${i} `, 'dup', 'y'.repeat(rng.int(1000, 6000))]);
  return [
    rng.chance(0.04) ? '' : plan,
    rng.chance(0.04) ? 'n/a' : String(rng.int(0, 100_000) / 100),
    rng.chance(0.04) ? 'many' : rng.chance(0.1) ? '' : String(rng.int(0, 500)),
    rng.chance(0.03) ? 'maybe' : rng.pick(['TRUE', 'FALSE', 'TRUE', '', 'yes', '0']),
  ];
}

function randomSheet(rng: Prng, size = rng.pick([0, rng.int(1, 60), rng.int(2100, 2800)])): string[][] {
  const rows = [['Plan', 'Price', 'Seats', 'Active']];
  for (let i = 1; i <= size; i++) rows.push(rng.chance(0.02) ? ['', '', '', ''] : cell(rng, i));
  return rows;
}

/** The previous sheet, edited as people edit sheets: row numbers shift under inserts and deletes. */
function edit(rng: Prng, previous: readonly string[][]): string[][] {
  const rows = previous.map((r) => [...r]);
  for (let e = 0, edits = rng.int(0, 12); e < edits; e++) {
    const at = rng.int(1, Math.max(1, rows.length - 1));
    switch (rng.int(0, 4)) {
      case 0:
        if (rows[at]) (rows[at] as string[])[rng.int(0, 3)] = (cell(rng, at)[rng.int(0, 3)] as string);
        break;
      case 1:
        rows.splice(at, 0, cell(rng, at));
        break;
      case 2:
        if (rows.length > 1) rows.splice(at, rng.int(1, 3));
        break;
      case 3:
        if (rows[at]) rows[at] = ['', '', '', ''];
        break;
      default:
        for (let k = rng.int(1, 5); k > 0; k--) rows.push(cell(rng, rows.length));
    }
  }
  if (rng.chance(0.12)) rows[0] = ['Plan', 'Cost', 'Seats', 'Active'];
  else rows[0] = ['Plan', 'Price', 'Seats', 'Active'];
  return rows;
}

let world: SheetWorld | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

describe('sheet-import check over random sheets', () => {
  it(`seed ${SEED}: a check never writes, and its counts are what the following import does`, async () => {
    const rng = new Prng(SEED);
    // The first sheet is large, so the edits of it compare more than one page of the cache.
    let rows = randomSheet(rng, rng.int(2100, 2800));
    world = await openSheetWorld([{ id: 'pricing', title: 'Pricing', sheets: [{ title: 'Plans', rows }] }]);
    const w = world;
    const id = await w.addSource(pricingSpec());
    let big = 0;
    const seen = { changed: 0, removed: 0, added: 0, unchanged: 0, rejected: 0, failed: 0 };

    for (let round = 0; round < ROUNDS; round++) {
      const label = `seed ${SEED}, round ${round}`;
      rows = round === 0 ? rows : rng.chance(0.25) ? randomSheet(rng) : edit(rng, rows);
      w.emulator.setSheetRows('owner', 'pricing', 'Plans', rows);
      const method = rng.pick(['sheets-api', 'csv-export'] as const);
      await w.app.handlers['sheets.sources.update']({ id, spec: pricingSpec({ method, ...(method === 'csv-export' ? { sheet: '' } : {}) }) as SheetSourceSpec }, { actor: 'manual' });

      const before = await snapshot(w);
      const cacheBefore = await cacheOrNone(w);
      const check = await checkNow(w, id);
      expect(await snapshot(w), `${label}: the check wrote`).toBe(before);

      const imported = await w.importNow(id);
      expect(check.state, `${label}: ${JSON.stringify(check.error)}`).toBe(imported.state);
      if (imported.state !== 'succeeded') {
        expect(check.error?.message, label).toBe(imported.error?.message);
        seen.failed++;
        continue;
      }
      const result = SheetCheckResult.parse(check.result);
      const stats = imported.result as { rows: number; rowsRejected: number; blankRows: number };
      const did = diffCaches(cacheBefore, await w.cache());
      expect({ ...result.counts }, label).toEqual({ ...did, rejected: stats.rowsRejected });
      expect(result.rowsValid, label).toBe(stats.rows);
      expect(result.blankRows, label).toBe(stats.blankRows);
      expect(result.before, label).toBe(cacheBefore?.length ?? 0);
      big += result.before > CACHE_PAGE_ROWS && result.rowsValid > CACHE_PAGE_ROWS ? 1 : 0;
      for (const key of Object.keys(seen) as (keyof typeof seen)[]) if (key !== 'failed') seen[key] += result.counts[key] > 0 ? 1 : 0;
    }
    // The seed must reach every kind of change, and a failing sheet.
    expect(Object.values(seen).every((n) => n > 0), JSON.stringify(seen)).toBe(true);
    // And a comparison over more than one page of the cache, from a sheet of more than one batch.
    expect(big).toBeGreaterThan(0);
  }, 120_000);
});
