import { afterEach, describe, expect, it } from 'vitest';
import { driveFiles, openStorageWorld, resultOf, type StorageWorld } from './storage-orphans.setup';

/**
 * A finding is about one files row AND the cloud file it pointed at when the
 * service said that file is gone. Between the check and the repair the
 * product may point the row at another file (a re-upload), or delete it and
 * insert a new row with the same id (DESIGN §4.1: only the service's answer
 * about *this* file may remove a row). The repair must then leave the row.
 */
let world: StorageWorld | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

describe('storage-orphans: a row that changed since the check is not repaired', () => {
  it('a row re-pointed at a live file after the check stays in files', async () => {
    world = await openStorageWorld([{ id: 'ada', drive: driveFiles('ada', 2), goneDrive: ['g-gone'] }]);
    expect(resultOf(await world.run({ mode: 'check', strategy: 'probe' })).orphans).toBe(1);
    // The product re-uploaded the file: same row, a live cloud file now.
    world.google.addFile('ada', { id: 'g-reuploaded', name: 'again.pdf' });
    await world.exec("UPDATE files SET provider_file_id = 'g-reuploaded' WHERE id = 'row-g-gone'");
    const repair = await world.run({ mode: 'repair', all: true });
    expect(repair.result).toMatchObject({ quarantined: 0 });
    expect(await world.rows("SELECT id FROM files WHERE id = 'row-g-gone'")).toEqual([{ id: 'row-g-gone' }]);
  });

  it('a row deleted and re-inserted with the same id for another live file stays in files', async () => {
    world = await openStorageWorld([{ id: 'ada', drive: driveFiles('ada', 2), goneDrive: ['g-gone'] }]);
    expect(resultOf(await world.run({ mode: 'check', strategy: 'probe' })).orphans).toBe(1);
    world.google.addFile('ada', { id: 'g-new', name: 'new.pdf' });
    await world.exec("DELETE FROM files WHERE id = 'row-g-gone'");
    await world.exec("INSERT INTO files (id, user_id, provider, provider_file_id, name, size) VALUES ('row-g-gone', 'ada', 'google', 'g-new', 'new.pdf', 5)");
    const repair = await world.run({ mode: 'repair', all: true });
    expect(repair.result).toMatchObject({ quarantined: 0 });
    expect(await world.rows("SELECT provider_file_id FROM files WHERE id = 'row-g-gone'")).toEqual([{ provider_file_id: 'g-new' }]);
  });
});
