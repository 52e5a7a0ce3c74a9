import { afterEach, describe, expect, it } from 'vitest';
import { driveFiles, openStorageWorld, resultOf, type StorageWorld } from './storage-orphans.setup';
import { describeOpen, FILES, insert } from './storage-orphans.id-tables';

/**
 * Attack s23c on c4bed68 (account-delta.ts fates): probes that HELD. Three rows of one gone Drive file (a table
 * without a UNIQUE cloud id); one of the two earlier rows is deleted by the product, and a new row on the same file
 * is probed by the next delta. The learnt fate (gone) re-makes the other earlier row's finding, the deleted row's
 * finding is not carried (its row is gone), and counts match what is open.
 */

let world: StorageWorld | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

describe('attack s23c: fates learnt through a new row (held)', () => {
  it('held: a deleted row\'s finding is not carried, the other row\'s is re-made, the new row gets its own', async () => {
    world = await openStorageWorld([{ id: 'ada', drive: driveFiles('ada', 3), goneDrive: ['g-gone'] }], { ddl: [FILES('TEXT PRIMARY KEY', false)] });
    await insert(world, "'row-copy'", 'g-gone');
    await world.run({ mode: 'check', full: true, strategy: 'probe' });
    expect(await describeOpen(world)).toEqual(['ada/google/row-copy/g-gone', 'ada/google/row-g-gone/g-gone']);
    await world.exec("DELETE FROM files WHERE id = 'row-copy'");
    await insert(world, "'row-new'", 'g-gone');
    const delta = resultOf(await world.run({ mode: 'check' }));
    expect(delta.results[0], JSON.stringify(delta.results)).toMatchObject({ pass: 'delta' });
    expect(await describeOpen(world), JSON.stringify(delta.results)).toEqual(['ada/google/row-g-gone/g-gone', 'ada/google/row-new/g-gone']);
    expect(delta.orphans).toBe(2);
  });

  it('held: the new row\'s probe says the file is back: the earlier finding is dropped and nothing is repaired', async () => {
    const files = driveFiles('ada', 20);
    world = await openStorageWorld([{ id: 'ada', drive: files }], { ddl: [FILES('TEXT PRIMARY KEY', false)] });
    world.google.deleteFile('ada', 'g-ada-0');
    await world.run({ mode: 'check', full: true, strategy: 'probe' });
    expect(await describeOpen(world)).toEqual(['ada/google/row-g-ada-0/g-ada-0']);
    // The file is back: the feed shows it alive, and the new row's probe (same file) says found.
    world.google.addFile('ada', files[0]!);
    await insert(world, "'row-new'", 'g-ada-0');
    const run = await world.run({ mode: 'check', autoRepair: true });
    expect(resultOf(run).results[0], JSON.stringify(run.result)).toMatchObject({ pass: 'delta', orphans: 0 });
    expect(await world.rows('SELECT id FROM file_quarantine')).toEqual([]);
    expect(await describeOpen(world)).toEqual([]);
  });
});
