import { afterEach, describe, expect, it } from 'vitest';
import { dropboxFiles, openStorageWorld, resultOf, type StorageWorld } from './storage-orphans.setup';

/**
 * A product may keep a Dropbox file by its path (`/Apps/Product/a.txt`, any
 * case) rather than its `id:` (get_metadata takes both, and canonical-schema
 * does not say which). A full listing is keyed by id, so its absence from
 * the listing proves nothing about such a row: it must be probed, never made
 * an orphan because no id in the listing equals its path (DESIGN §4.1).
 */
let world: StorageWorld | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

describe('storage-orphans: Dropbox rows kept by path', () => {
  it('a full listing does not make live path-kept rows orphans; a gone one still is', async () => {
    world = await openStorageWorld([{ id: 'ada', dropbox: dropboxFiles('ada', 3) }]);
    // Rows keep the path as the product displays it (mixed case), and one path no file has.
    await world.exec("UPDATE files SET provider_file_id = '/Apps/Product/D-ADA-0.txt' WHERE id = 'row-id:d-ada-0'");
    await world.exec("UPDATE files SET provider_file_id = '/apps/product/d-ada-1.txt' WHERE id = 'row-id:d-ada-1'");
    await world.exec("UPDATE files SET provider_file_id = '/Apps/Product/never.txt' WHERE id = 'row-id:d-ada-2'");
    const check = resultOf(await world.run({ mode: 'check', strategy: 'list', full: true }));
    expect(check.orphans).toBe(1);
    const orphans = (await world.app.store.findings.open('storage-orphans')).map((f) => f.details?.providerFileId);
    expect(orphans).toEqual(['/Apps/Product/never.txt']);
    const repair = await world.run({ mode: 'repair', all: true });
    expect(repair.result).toMatchObject({ quarantined: 1 });
    expect((await world.rows<{ id: string }>('SELECT id FROM files ORDER BY id')).map((r) => r.id)).toEqual(['row-id:d-ada-0', 'row-id:d-ada-1']);
  });
});
