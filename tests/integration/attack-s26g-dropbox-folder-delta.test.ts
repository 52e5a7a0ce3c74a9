import { afterEach, describe, expect, it } from 'vitest';
import { dropboxAccountId, openStorageWorld, resultOf, type StorageWorld } from './storage-orphans.setup';

/**
 * s26g attack on 3e4bba5 (a Dropbox deletion no id is known at sends the account to a full pass). A deleted folder
 * arrives as ONE `deleted` entry. When this delta (or an earlier rename) knows the id of just one file under that
 * folder, the deletion counts as "tied" (gone.length > 0), only that file is probed, and every other file of the
 * folder is never examined: the delta says ok while their rows are orphans.
 */
let world: StorageWorld | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

describe('s26g: Dropbox folder deletion partly tied by a known path', () => {
  it('every row of a deleted folder is found when one of its files changed earlier in the same delta', async () => {
    world = await openStorageWorld([
      {
        id: 'ada',
        dropbox: [
          { id: 'id:fa', path: '/Apps/Product/f/a.txt' },
          { id: 'id:fb', path: '/Apps/Product/f/b.txt' },
          { id: 'id:other', path: '/Apps/Product/other.txt' },
        ],
      },
    ]);
    expect(resultOf(await world.run({ mode: 'check' }))).toMatchObject({ orphans: 0 });
    const acct = dropboxAccountId('ada');
    // a.txt is edited (a `file` entry, same id), then the whole folder is deleted (one `deleted` entry).
    world.dropbox.putFile(acct, { path: '/Apps/Product/f/a.txt', size: 200 });
    world.dropbox.deletePath(acct, '/Apps/Product/f');
    const delta = await world.run({ mode: 'check' });
    const subjects = (await world.app.store.findings.open('storage-orphans')).map((f) => f.subject).sort();
    expect({ subjects, orphans: resultOf(delta).orphans }).toEqual({ subjects: ['file:row-id:fa', 'file:row-id:fb'], orphans: 2 });
  });

  // KNOWN LIMIT (session 26), kept as `it.fails`: it turns red once fixed. Dropbox reports a path once, in its latest
  // state, so a delete and re-create at one path between two deltas is one `file` entry with the new id. When the old
  // id's path is known (an earlier delta's rename, or this delta) it is now probed (dropbox-remote.ts); after a full
  // pass no path is known, so the old row is found only by the next full pass (fullPassHours, default 24). Knowing
  // every row's path would need the full pass to keep a path per row (state and CPU in every full pass: #19's bench).
  it.fails('a file deleted and re-created at the same path (Dropbox reports the latest state: one file entry) is found', async () => {
    world = await openStorageWorld([
      {
        id: 'ada',
        dropbox: [
          { id: 'id:x-old', path: '/Apps/Product/x.txt' },
          { id: 'id:other', path: '/Apps/Product/other.txt' },
        ],
      },
    ]);
    expect(resultOf(await world.run({ mode: 'check' }))).toMatchObject({ orphans: 0 });
    const acct = dropboxAccountId('ada');
    world.dropbox.deletePath(acct, '/Apps/Product/x.txt');
    const b = world.dropbox.putFile(acct, { path: '/Apps/Product/x.txt', id: 'id:x-new', size: 5 });
    // The real list_folder/continue reports each changed path once, in its latest state (emulator README caveat):
    // a file at /x.txt with the new id, no tombstone for the old one.
    world.dropbox.fault('dropbox.files.list_folder.continue', {
      status: 200,
      times: 1,
      body: { entries: [{ ...b, '.tag': 'file' }], cursor: 'AAEmu-unused', has_more: false },
    });
    const delta = await world.run({ mode: 'check' });
    const subjects = (await world.app.store.findings.open('storage-orphans')).map((f) => f.subject).sort();
    expect({ subjects, orphans: resultOf(delta).orphans, mode: (delta.result as Record<string, unknown>).mode }).toMatchObject({ subjects: ['file:row-id:x-old'], orphans: 1 });
  });
});
