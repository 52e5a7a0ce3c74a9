import { afterEach, describe, expect, it } from 'vitest';
import { dropboxFiles, driveFiles, openStorageWorld, resultOf, type StorageWorld } from './storage-orphans.setup';

/**
 * A cache or proxy that answers every page request with the same page (the
 * same next-page token or cursor, has_more true) would keep a listing going
 * for ever, spending the user's quota and never ending the run. A repeated
 * token is not the service's: the listing stops as unavailable and concludes
 * nothing (DESIGN §4.1), as the Cloudinary connector already does.
 */
let world: StorageWorld | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

describe('storage-orphans: a listing whose next page is the same page', () => {
  it('Drive: a repeated nextPageToken ends the listing as unknown, no orphans', async () => {
    world = await openStorageWorld([{ id: 'ada', drive: driveFiles('ada', 2) }]);
    world.google.fault('drive.files.list', { status: 200, body: { files: [], nextPageToken: 'again' } });
    const check = resultOf(await world.run({ mode: 'check', strategy: 'list', full: true }));
    expect(check.orphans).toBe(0);
    expect(check.results[0]).toMatchObject({ status: 'unknown' });
    expect(world.google.count('drive.files.list')).toBeLessThan(5);
  }, 20_000);

  it('Dropbox: a repeated cursor with has_more ends the listing as unknown, no orphans', async () => {
    world = await openStorageWorld([{ id: 'ada', dropbox: dropboxFiles('ada', 2) }]);
    const page = { entries: [], cursor: 'again', has_more: true };
    world.dropbox.fault('dropbox.files.list_folder', { status: 200, body: page });
    world.dropbox.fault('dropbox.files.list_folder.continue', { status: 200, body: page });
    const check = resultOf(await world.run({ mode: 'check', strategy: 'list', full: true }));
    expect(check.orphans).toBe(0);
    expect(check.results[0]).toMatchObject({ status: 'unknown' });
    expect(world.dropbox.count('dropbox.files.list_folder.continue')).toBeLessThan(5);
  }, 20_000);
});
