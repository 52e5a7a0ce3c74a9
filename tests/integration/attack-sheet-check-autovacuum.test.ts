import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { openSqliteAppDb } from '../../core/appdb/sqlite.adapter';
import { checkNow } from './sheet-check-support';
import { onPhase, openSheetWorld, pricingRows, pricingSpec, type ProductDbTarget, type SheetWorld } from './sheet-import-harness';

/**
 * Outside review (issue 17): a sheet check detects an import that swapped the
 * cache during it by the table's identity. On SQLite that was the table's root
 * page, but a product database in auto_vacuum mode moves the renamed staging
 * table's root page into the dropped table's slot: the identity stayed the
 * same across the swap, and the check reported a comparison of two caches as
 * `succeeded`.
 */
let world: SheetWorld | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

const autoVacuumTarget: ProductDbTarget = {
  open: (dir) => {
    const path = join(dir, 'product.db');
    // auto_vacuum must be chosen before the first table is created.
    const raw = new Database(path);
    raw.pragma('auto_vacuum = FULL');
    raw.exec('VACUUM');
    raw.close();
    return openSqliteAppDb({ path, create: true });
  },
  connection: (dir) => ({ config: { driver: 'sqlite', path: join(dir, 'product.db') }, secrets: {} }),
};

describe('attack: sheet check during an import on an auto_vacuum product database', () => {
  it('fails instead of reporting a comparison that mixed two caches', async () => {
    world = await openSheetWorld([{ id: 'pricing', title: 'Pricing', sheets: [{ title: 'Plans', rows: pricingRows(50) }] }], autoVacuumTarget);
    const id = await world.addSource(pricingSpec());
    expect((await world.importNow(id)).state).toBe('succeeded');
    const path = (await world.app.store.connections.list()).find((c) => c.kind === 'appdb')?.config.path as string;
    const other = new Database(path);
    try {
      expect(other.pragma('auto_vacuum', { simple: true })).toBe(1);
      // The import's own swap (cache-table.ts swapIn), from another connection, once the check compared every sheet row.
      onPhase(world, 'saving', () =>
        other.exec(
          `CREATE TABLE sheet_pricing__next AS SELECT * FROM sheet_pricing WHERE _sheet_row > 10;
           BEGIN; DROP TABLE sheet_pricing; ALTER TABLE sheet_pricing__next RENAME TO sheet_pricing; COMMIT;`,
        ),
      );
      const run = await checkNow(world, id);
      expect(run.state, JSON.stringify(run.result)).toBe('failed');
      expect(run.error?.message).toContain('an import may have replaced the cache table “sheet_pricing”');
    } finally {
      other.close();
    }
  });
});
