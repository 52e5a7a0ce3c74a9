import { afterEach, describe, expect, it } from 'vitest';
import { driveFiles, openStorageWorld, resultOf, type StorageWorld } from './storage-orphans.setup';

/**
 * Attack (#19, plain-fetch changes.list): a 200 with a `changes` array whose
 * items are not changes (nulls, bare strings). The delta crashed on them
 * ("Check failed: Cannot read properties of null"); it must say what it is,
 * a body that is not Drive's, keep its cursor, and the next delta still
 * finds the deletion.
 */
let world: StorageWorld | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

describe('attack: changes.list items that are not changes', () => {
  for (const [name, items] of [['nulls', [null, null]], ['bare strings', ['g-ada-0']]] as const) {
    it(`${name}: unknown as a foreign page, the cursor kept, the next delta finds the deletion`, async () => {
      world = await openStorageWorld([{ id: 'ada', drive: driveFiles('ada', 3) }]);
      await world.run({ mode: 'check', strategy: 'probe', full: true });
      world.google.deleteFile('ada', 'g-ada-0');
      world.google.fault('drive.changes.list', { status: 200, body: { changes: items, newStartPageToken: '99999' } });
      const during = await world.run({ mode: 'check' });
      expect(resultOf(during).results[0]).toMatchObject({ status: 'unknown', orphans: 0, message: expect.stringMatching(/not Drive's/) });
      world.google.clearFaults();
      expect(resultOf(await world.run({ mode: 'check' })).results[0]).toMatchObject({ pass: 'delta', orphans: 1 });
    });
  }
});
