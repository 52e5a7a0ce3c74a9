import { afterEach, describe, expect, it } from 'vitest';
import { DRIVE_DOWN, driveFiles, openStorageWorld, resultOf, type StorageWorld } from './storage-orphans.setup';
import { describeOpen, FILES, insert } from './storage-orphans.id-tables';

/**
 * Attack s23b on 2d822ec (earlier findings carried by row, findingRowKey). A table without a UNIQUE cloud id: a
 * row with an open orphan finding, and the product adds a SECOND row pointing at the same gone cloud file between
 * checks. The delta probes only the new row (it is unseen); the old row is not probed. Each test asserts the SAFE
 * behaviour: a failing test is a fault.
 */

let world: StorageWorld | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

async function oneRowThenCopy(): Promise<StorageWorld> {
  const w = await openStorageWorld([{ id: 'ada', drive: driveFiles('ada', 3), goneDrive: ['g-gone'] }], { ddl: [FILES('TEXT PRIMARY KEY', false)] });
  await w.run({ mode: 'check', full: true, strategy: 'probe' });
  expect(await describeOpen(w)).toEqual(['ada/google/row-g-gone/g-gone']);
  // The product writes another row for the same (gone) cloud file.
  await insert(w, "'row-g-gone-copy'", 'g-gone');
  return w;
}

describe('attack s23b: a new row on a gone file beside a row with an open finding', () => {
  // NEW WITH 2d822ec. The new row's probe gets no answer. applyDelta puts its cloud id in `concluded` (every probed
  // row, unknown ones included), so the old row's finding is not carried by the delta's carry loop. Before 2d822ec
  // conclude() carried `previous.get(pid)`, which WAS the old row's finding (keyed by cloud id); now it looks up
  // seenKey(new row id, pid), finds nothing, and the old row's finding is superseded: an orphan hidden.
  it('the new row\'s probe gets no answer: the old row\'s finding stays open', async () => {
    world = await oneRowThenCopy();
    world.google.fault('drive.files.get', DRIVE_DOWN);
    const delta = resultOf(await world.run({ mode: 'check' }));
    world.google.clearFaults();
    expect(delta.results[0], JSON.stringify(delta.results)).toMatchObject({ pass: 'delta', status: 'unknown' });
    expect(await describeOpen(world), JSON.stringify(delta.results)).toEqual(['ada/google/row-g-gone/g-gone']);
  });

  // OLDER than 2d822ec (the same `concluded`-by-cloud-id rule; 2d822ec did not fix it). The new row's probe says gone:
  // the new row gets its finding, but the delta "concluded on" g-gone, so the old row's finding is neither re-emitted
  // (it was not probed) nor carried: superseded, though its file is still gone.
  it('the new row\'s probe says gone: both rows\' findings are open, and the result counts two', async () => {
    world = await oneRowThenCopy();
    const delta = resultOf(await world.run({ mode: 'check' }));
    expect(delta.results[0], JSON.stringify(delta.results)).toMatchObject({ pass: 'delta' });
    expect(await describeOpen(world), JSON.stringify(delta.results)).toEqual(['ada/google/row-g-gone-copy/g-gone', 'ada/google/row-g-gone/g-gone']);
    expect(delta.orphans).toBe(2);
  });

  // Control: the new row's probe says the file is there (a file Drive has again under that id is alive for both rows):
  // the old finding goes, and nothing is open. (Holds.)
  it('the shared file is alive again: the old finding is dropped, nothing open', async () => {
    world = await oneRowThenCopy();
    world.google.addFile('ada', { id: 'g-gone', name: 'back.pdf', mimeType: 'application/pdf', parents: ['root'], size: 1 });
    const delta = resultOf(await world.run({ mode: 'check' }));
    expect(await describeOpen(world), JSON.stringify(delta.results)).toEqual([]);
    expect(delta.orphans).toBe(0);
  });
});
