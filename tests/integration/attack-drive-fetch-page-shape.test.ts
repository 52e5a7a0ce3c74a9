import { afterEach, describe, expect, it } from 'vitest';
import { driveFiles, openStorageWorld, resultOf, type StorageWorld } from './storage-orphans.setup';

/**
 * Attack (#19, plain-fetch Drive listing): a 200 whose body has a `files`
 * array, but not of Drive's files. The plain path hands the parsed JSON on as
 * is; we ask for `files(id,trashed)` and Drive sends every file's id as a
 * string. Items without one (another API's names, bare strings, numeric ids,
 * nulls) are not Drive's page: unknown, never a listing without those rows'
 * files (DESIGN §4.1).
 */
let world: StorageWorld | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

const PAGES: Record<string, unknown> = {
  'files without ids': { files: [{ name: 'g-ada-0.pdf' }, { name: 'g-ada-1.pdf' }], incompleteSearch: false },
  'bare strings': { files: ['g-ada-0', 'g-ada-1', 'g-ada-2'] },
  'numeric ids': { files: [{ id: 0 }, { id: 1 }, { id: 2 }] },
  nulls: { files: [null, null, null] },
};

describe('attack: a Drive-looking 200 whose files are not Drive files', () => {
  for (const [name, body] of Object.entries(PAGES)) {
    it(`${name}: no orphan, the account stays unknown, repair removes nothing`, async () => {
      world = await openStorageWorld([{ id: 'ada', drive: driveFiles('ada', 3) }]);
      world.google.fault('drive.files.list', { status: 200, body });
      const check = await world.run({ mode: 'check', strategy: 'list', full: true });
      expect(resultOf(check).orphans).toBe(0);
      expect(resultOf(check).results[0]).toMatchObject({ status: 'unknown', message: expect.stringMatching(/not Drive's/) });
      expect(await world.run({ mode: 'repair', all: true })).toMatchObject({ result: { quarantined: 0 } });
      expect(await world.rows('SELECT COUNT(*) AS n FROM files')).toEqual([{ n: 3 }]);
    });
  }
});
