import { afterEach, describe, expect, it } from 'vitest';
import { driveFiles, openStorageWorld, resultOf, type StorageWorld } from './storage-orphans.setup';

/**
 * Attack (#19, plain-fetch changes.list): the changes of shared-drive files
 * reach a delta only when every page asks for them (supportsAllDrives and
 * includeItemsFromAllDrives); deleting or trashing one must show in the very
 * next delta, and its siblings must not. Also a delta run through many
 * changes pages (over 1000 changes) loses none of them.
 */
let world: StorageWorld | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

const orphanIds = async (w: StorageWorld) =>
  (await w.app.store.findings.open('storage-orphans'))
    .filter((f) => f.kind === 'orphan')
    .map((f) => f.details?.providerFileId)
    .sort();

describe('attack: shared-drive changes in a delta', () => {
  it('a deleted shared-drive file is an orphan in the next delta, a trashed one is trashed, the others stay', async () => {
    world = await openStorageWorld([{ id: 'ada', drive: [...driveFiles('ada', 2), { id: 'g-team', name: 'team.pdf', driveId: 'sd-1' }, { id: 'g-team2', name: 'team2.pdf', driveId: 'sd-1' }, { id: 'g-team3', name: 'team3.pdf', driveId: 'sd-2' }] }]);
    await world.run({ mode: 'check', strategy: 'probe', full: true });
    world.google.deleteFile('ada', 'g-team');
    world.google.trashFile('ada', 'g-team2');
    const check = await world.run({ mode: 'check' });
    expect(resultOf(check).results[0]).toMatchObject({ pass: 'delta', orphans: 1, trashed: 1, status: 'orphans' });
    expect(await orphanIds(world)).toEqual(['g-team']);
  });

  it('a delta over more than one changes page (1,500 changes) finds the deletion on the last page', async () => {
    world = await openStorageWorld([{ id: 'ada', drive: [...driveFiles('ada', 3), { id: 'g-team', name: 'team.pdf', driveId: 'sd-1' }] }]);
    await world.run({ mode: 'check', strategy: 'probe', full: true });
    for (let i = 0; i < 1500; i++) world.google.addFile('ada', { id: `noise-${i}`, name: `n${i}.pdf`, parents: ['root'], ...(i % 2 ? { driveId: 'sd-1' } : {}) });
    world.google.deleteFile('ada', 'g-team');
    world.google.deleteFile('ada', 'g-ada-1');
    const check = await world.run({ mode: 'check' });
    expect(resultOf(check).results[0]).toMatchObject({ pass: 'delta', orphans: 2 });
    expect(await orphanIds(world)).toEqual(['g-ada-1', 'g-team']);
    expect(world.google.count('drive.changes.list')).toBeGreaterThanOrEqual(2);
  });
});
