import { afterEach, describe, expect, it } from 'vitest';
import { DRIVE_DOWN, driveFiles, openStorageWorld, resultOf, type StorageWorld } from './storage-orphans.setup';
import { openOrphans } from './storage-orphans.id-tables';

/**
 * An automatic repair acts only on what its own run concluded (storage-orphans.engine.ts autoRepair): a finding the
 * run carried unanswered (no answer, a failed account) is an earlier check's word that nothing of the run confirms,
 * and waits for a person or a run that sees the file gone again. The s23c attack turned such findings of files seen
 * alive into quarantined live rows. (A delta's finding carried because the change feed says nothing new of its file
 * is the delta's conclusion: the e2e test's scheduled repair acts on one.)
 */
let world: StorageWorld | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

describe('storage-orphans automatic repair and carried findings', () => {
  // 40 live rows beside the gone one: one row of 41 stays under the automatic repair's per-user limit (DESIGN §4.3).
  it('a check that cannot reach Drive carries the finding, and its automatic repair leaves the row; a check that sees the file gone repairs it', async () => {
    world = await openStorageWorld([{ id: 'ada', drive: driveFiles('ada', 40), goneDrive: ['g-gone'] }]);
    expect(resultOf(await world.run({ mode: 'check', full: true })).orphans).toBe(1);
    world.google.fault('*', DRIVE_DOWN);
    const carried = await world.run({ mode: 'check', full: true, autoRepair: true });
    world.google.clearFaults();
    expect(resultOf(carried)).toMatchObject({ carriedForward: 1 });
    expect(await world.rows('SELECT id FROM file_quarantine')).toEqual([]);
    expect((await openOrphans(world)).map((f) => f.subject)).toEqual(['file:row-g-gone']);
    // Seen gone by the run itself: repaired.
    await world.run({ mode: 'check', full: true, autoRepair: true });
    expect(await world.rows('SELECT id FROM file_quarantine')).toEqual([{ id: 'row-g-gone' }]);
  });
});
