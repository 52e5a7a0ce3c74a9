import { afterEach, describe, expect, it } from 'vitest';
import { ANY_ROUTE, foreignFault, type ForeignAnswer } from '../emulators/shared/faults';
import { dropboxFiles, driveFiles, openStorageWorld, resultOf, type StorageWorld } from './storage-orphans.setup';

/**
 * A gateway or captive portal that answers 200 with its own body (an HTML
 * page, an empty body, another JSON) instead of the listing: a listing page
 * that is not the service's own says nothing about absence (DESIGN §4.1).
 */
let world: StorageWorld | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

const FOREIGN: ForeignAnswer[] = ['html', 'empty', 'json'];

describe('storage-orphans: a foreign 200 on a listing route is never an empty listing', () => {
  for (const kind of FOREIGN) {
    for (const provider of ['drive', 'dropbox'] as const) {
      it(`a ${kind} 200 on the ${provider} listing finds no orphan; repair all removes nothing`, async () => {
        world = await openStorageWorld([provider === 'drive' ? { id: 'ada', drive: driveFiles('ada', 3) } : { id: 'ada', dropbox: dropboxFiles('ada', 3) }]);
        if (provider === 'drive') world.google.fault('drive.files.list', foreignFault(kind, 200));
        else world.dropbox.fault(ANY_ROUTE, foreignFault(kind, 200));
        const check = await world.run({ mode: 'check', strategy: 'list', full: true });
        expect(resultOf(check).orphans).toBe(0);
        expect(resultOf(check).results[0]?.status).toBe('unknown');
        const repair = await world.run({ mode: 'repair', all: true });
        expect(repair.result).toMatchObject({ quarantined: 0 });
        expect(await world.rows('SELECT COUNT(*) AS n FROM files')).toEqual([{ n: 3 }]);
      });
    }
  }

  it('a foreign 200 on changes.list is not an empty delta: the delta does not claim to have read the changes', async () => {
    world = await openStorageWorld([{ id: 'ada', drive: driveFiles('ada', 3) }]);
    // A probe pass keeps a change cursor, so the next check is a delta.
    await world.run({ mode: 'check', strategy: 'probe', full: true });
    world.google.fault('drive.changes.list', foreignFault('html', 200));
    const check = await world.run({ mode: 'check' });
    expect(resultOf(check).results[0]).toMatchObject({ status: 'unknown' });
    world.google.clearFaults();
    expect(resultOf(await world.run({ mode: 'check' })).results[0]).toMatchObject({ pass: 'delta', status: 'ok' });
  });
});
