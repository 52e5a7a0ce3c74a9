import { afterEach, describe, expect, it } from 'vitest';
import { driveFiles, openStorageWorld, resultOf, type StorageWorld } from './storage-orphans.setup';

/**
 * DESIGN §4.7: a delta examines every row the previous pass did not see. A
 * row the product re-pointed at another cloud file since (same row id, a new
 * provider_file_id, or deleted and re-added under the same id) is such a
 * row: the pass saw the old file, not this one. And an earlier finding about
 * the old file is not carried over to the row that now points elsewhere.
 */
let world: StorageWorld | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

const orphanPids = async (w: StorageWorld) => (await w.app.store.findings.open('storage-orphans')).filter((f) => f.kind === 'orphan').map((f) => f.details?.providerFileId);

describe('storage-orphans delta: rows re-pointed since the last pass', () => {
  it('a row re-pointed at a file that does not exist is found by the next delta', async () => {
    world = await openStorageWorld([{ id: 'ada', drive: driveFiles('ada', 3) }]);
    // A probe pass keeps a change cursor: the next check is a delta.
    await world.run({ mode: 'check', strategy: 'probe', full: true });
    await world.exec("UPDATE files SET provider_file_id = 'g-never-uploaded' WHERE id = 'row-g-ada-0'");
    const check = resultOf(await world.run({ mode: 'check' }));
    expect(check.results[0]).toMatchObject({ pass: 'delta' });
    expect(check.orphans).toBe(1);
    expect(await orphanPids(world)).toEqual(['g-never-uploaded']);
  });

  it('an orphan finding is not carried to a row re-pointed at a live file', async () => {
    world = await openStorageWorld([{ id: 'ada', drive: driveFiles('ada', 3), goneDrive: ['g-gone'] }]);
    await world.run({ mode: 'check', strategy: 'probe', full: true });
    expect(await orphanPids(world)).toEqual(['g-gone']);
    world.google.addFile('ada', { id: 'g-reuploaded', name: 'again.pdf' });
    await world.exec("UPDATE files SET provider_file_id = 'g-reuploaded' WHERE id = 'row-g-gone'");
    const check = resultOf(await world.run({ mode: 'check' }));
    expect(check.results[0]).toMatchObject({ pass: 'delta' });
    expect(check.orphans).toBe(0);
    expect(await orphanPids(world)).toEqual([]);
  });
});
