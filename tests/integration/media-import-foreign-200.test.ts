import { afterEach, describe, expect, it } from 'vitest';
import { foreignFault, type ForeignAnswer } from '../emulators/shared/faults';
import { openMediaWorld, video, type MediaWorld } from './media-import.setup';

/**
 * A gateway answering the Cloudinary search with its own 200 body (HTML,
 * empty, another JSON), on the first page or on a later one: a listing that
 * is not Cloudinary's is never an empty or a short one. The check fails with
 * no findings; a repair inserts nothing (DESIGN §4.1).
 */
let world: MediaWorld | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

const FOREIGN: ForeignAnswer[] = ['html', 'empty', 'json'];

describe('media-import: a foreign 200 on search', () => {
  for (const kind of FOREIGN) {
    it(`a ${kind} 200 on search writes no finding`, async () => {
      world = await openMediaWorld([video('ada@example.com', 'v1'), video('ada@example.com', 'v2')], [{ table: 'videos', publicId: 'gone-from-cloudinary' }]);
      world.emulator.fault('cloudinary.search', foreignFault(kind, 200));
      const check = await world.run({ mode: 'check' });
      expect(check.state).not.toBe('succeeded');
      expect(await world.app.store.findings.open('media-import')).toEqual([]);
      const repair = await world.run({ mode: 'repair', all: true });
      expect(await world.rows('SELECT public_id FROM videos ORDER BY public_id')).toEqual([{ public_id: 'gone-from-cloudinary' }]);
      expect(repair.state).not.toBe('running');
    });
  }
});
