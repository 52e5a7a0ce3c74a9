import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { openPostgresAppDb } from '../../core/appdb/postgres.adapter';
import { SheetCheckResult } from '../../core/engines/sheet-import/sheet-check-result';
import { PG_PASSWORD, startPostgres, type TestPostgres } from '../helpers/postgres';
import { checkNow, diffCaches, snapshot } from './sheet-check-support';
import { openSheetWorld, pricingRows, pricingSpec, type ProductDbTarget, type SheetWorld } from './sheet-import-harness';

/**
 * sheet-import's check on a real PostgreSQL 15, whose driver returns the
 * cache's bigints as strings and its booleans as booleans: an unchanged cache
 * compares unchanged, a changed sheet is counted exactly, and nothing is written.
 */
let server: TestPostgres;
let world: SheetWorld | undefined;

beforeAll(async () => {
  server = await startPostgres();
}, 120_000);
afterAll(async () => server?.stop());
afterEach(async () => {
  await world?.close();
  world = undefined;
});

async function freshDatabase(name: string): Promise<ProductDbTarget> {
  await server.createDatabase(name);
  const url = `postgres://postgres@127.0.0.1:${server.port}/${name}`;
  return {
    open: () => openPostgresAppDb({ connectionString: url, password: PG_PASSWORD }),
    connection: () => ({ config: { driver: 'postgres', url, sslMode: 'disable' }, secrets: { password: PG_PASSWORD } }),
  };
}

describe('sheet-import check on PostgreSQL', () => {
  it('compares the typed cache exactly (bigint, double, boolean) over several pages and writes nothing', async () => {
    const rows = pricingRows(2600, (i) => i === 4);
    world = await openSheetWorld([{ id: 'pricing', title: 'Pricing', sheets: [{ title: 'Plans', rows }] }], await freshDatabase('check_pg'));
    const id = await world.addSource(pricingSpec());
    const fresh = await checkNow(world, id);
    expect(fresh.state, JSON.stringify(fresh.error)).toBe('succeeded');
    expect(fresh.result).toMatchObject({ tableExists: false, counts: { added: 2599, removed: 0, changed: 0, rejected: 1, unchanged: 0 } });
    expect(await world.tables()).toEqual([]);

    expect((await world.importNow(id)).state).toBe('succeeded');
    const before = await snapshot(world);
    const same = await checkNow(world, id);
    expect(same.result).toMatchObject({ counts: { added: 0, removed: 0, changed: 0, rejected: 1, unchanged: 2599 } });
    expect(await snapshot(world)).toBe(before);

    const cacheBefore = await world.cache();
    const next = rows.map((r) => [...r]);
    next[100] = ['plan 100', '1,000.5', '0', 'TRUE']; // row 101: price and active change, seats stays 0
    next[2001] = ['plan 2001', '20010', '1', 'FALSE']; // row 2002 (second cache page): active changes
    next.splice(2500, 50); // rows 2501–2550 deleted: the 51 after them shift up (changed), the last 50 sheet rows go
    world.emulator.setSheetRows('owner', 'pricing', 'Plans', next);
    const changed = await checkNow(world, id);
    expect(changed.state, JSON.stringify(changed.error)).toBe('succeeded');
    const result = SheetCheckResult.parse(changed.result);
    expect(result.counts).toEqual({ added: 0, removed: 50, changed: 53, rejected: 1, unchanged: 2496 });
    expect(result.samples.changed.slice(0, 2)).toEqual([
      { row: 101, columns: ['price', 'active'] },
      { row: 2002, columns: ['active'] },
    ]);
    expect(await snapshot(world)).toBe(before);

    expect((await world.importNow(id)).state).toBe('succeeded');
    expect(diffCaches(cacheBefore, await world.cache())).toEqual({ added: 0, removed: 50, changed: 53, unchanged: 2496 });
  }, 60_000);
});
