import { afterEach, describe, expect, it } from 'vitest';
import { dropboxAccountId, openStorageWorld, resultOf, type StorageWorld } from './storage-orphans.setup';

/**
 * s26a attack on DESIGN §4.7 / docs/safety.md ("a delta ... ties changes to files by id"): a Dropbox deletion carries
 * only a path. When no id is known for that path, the delta falls back to the files rows' `name` column. A product
 * whose `name` is a display name (not the Dropbox file name) and which has another row whose name happens to be the
 * deleted file's name gets that other row probed (alive), the deletion counts as "tied", and the row of the deleted
 * file is never examined: the delta reports the account ok with 0 orphans, and every later delta carries nothing.
 */
let world: StorageWorld | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

describe('s26a: Dropbox delta ties a deletion to the wrong row by name', () => {
  it('the row of a deleted file whose row name differs from its file name is found by the next delta', async () => {
    world = await openStorageWorld([
      {
        id: 'ada',
        dropbox: [
          { id: 'id:budget', path: '/Apps/Product/budget.xlsx' },
          { id: 'id:old-budget', path: '/Apps/Product/old/budget.xlsx' },
          { id: 'id:other', path: '/Apps/Product/other.txt' },
        ],
      },
    ]);
    // The product shows a display name for the first file; the second row's name is its file name.
    await world.exec(`UPDATE files SET name = 'Budget 2024' WHERE id = 'row-id:budget'`);
    const first = await world.run({ mode: 'check' });
    expect(resultOf(first)).toMatchObject({ orphans: 0 });

    world.dropbox.deletePath(dropboxAccountId('ada'), '/Apps/Product/budget.xlsx');
    const delta = await world.run({ mode: 'check' });
    const subjects = (await world.app.store.findings.open('storage-orphans')).map((f) => f.subject);
    // The deleted file's row is an orphan (found by the delta, or by the full pass a delta falls back to).
    expect({ subjects, orphans: resultOf(delta).orphans }).toEqual({ subjects: ['file:row-id:budget'], orphans: 1 });
  });

  it('the rows of files in a deleted folder are found even when a file row is named like the folder', async () => {
    world = await openStorageWorld([
      {
        id: 'ada',
        dropbox: [
          { id: 'id:in-1', path: '/Apps/Product/archive/one.txt' },
          { id: 'id:in-2', path: '/Apps/Product/archive/two.txt' },
          { id: 'id:named', path: '/Apps/Product/notes/archive' },
        ],
      },
    ]);
    expect(resultOf(await world.run({ mode: 'check' }))).toMatchObject({ orphans: 0 });
    // Dropbox reports a deleted folder as one `deleted` entry named after the folder.
    world.dropbox.deletePath(dropboxAccountId('ada'), '/Apps/Product/archive');
    await world.run({ mode: 'check' });
    const subjects = (await world.app.store.findings.open('storage-orphans')).map((f) => f.subject).sort();
    expect(subjects).toEqual(['file:row-id:in-1', 'file:row-id:in-2']);
  });
});
