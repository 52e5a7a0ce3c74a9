import { afterEach, describe, expect, it } from 'vitest';
import { dropboxFiles, driveFiles, openStorageWorld, resultOf, type StorageWorld } from './storage-orphans.setup';

/**
 * s26a attack on docs/safety.md "Absence": only Drive's 404 notFound (or `trashed: true` of the file asked for) and
 * Dropbox's 409 path/not_found prove a file is gone. A probe's 200 whose body is not the service's answer about the
 * file that was asked for must be unknown, like the foreign 200 pages of listings (storage-orphans-foreign-200).
 */
let world: StorageWorld | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

const live = (w: StorageWorld) => w.rows<{ id: string }>(`SELECT id FROM files ORDER BY id`);

describe('s26a: a probe answered 200 by something other than the service', () => {
  it('Drive: a 200 about another file (trashed) makes no finding, and a repair removes nothing', async () => {
    world = await openStorageWorld([{ id: 'ada', drive: driveFiles('ada', 3) }]);
    const before = await live(world);
    // A cache in front of Drive answers every files.get with one stored answer: another file, in the trash.
    world.google.fault('drive.files.get', { status: 200, body: { kind: 'drive#file', id: 'g-some-other-file', name: 'old.pdf', mimeType: 'application/pdf', trashed: true } });
    const check = await world.run({ mode: 'check', strategy: 'probe' });
    expect(resultOf(check)).toMatchObject({ orphans: 0, trashed: 0 });
    expect(await world.app.store.findings.open('storage-orphans')).toEqual([]);
    await world.run({ mode: 'repair', all: true });
    expect(await live(world)).toEqual(before);
  });

  it('Dropbox: a 200 `deleted` entry (include_deleted was false) is not proof of absence', async () => {
    world = await openStorageWorld([{ id: 'ada', dropbox: dropboxFiles('ada', 3) }]);
    const before = await live(world);
    world.dropbox.fault('dropbox.files.get_metadata', { status: 200, body: { '.tag': 'deleted', name: 'd-ada-0.txt', path_lower: '/apps/product/d-ada-0.txt', path_display: '/Apps/Product/d-ada-0.txt' } });
    const check = await world.run({ mode: 'check', strategy: 'probe' });
    expect(resultOf(check)).toMatchObject({ orphans: 0 });
    expect(await world.app.store.findings.open('storage-orphans')).toEqual([]);
    await world.run({ mode: 'repair', all: true });
    expect(await live(world)).toEqual(before);
  });

  it('Dropbox: a 200 with another JSON shape leaves the files unknown (the check says so; no TypeError)', async () => {
    world = await openStorageWorld([{ id: 'ada', dropbox: dropboxFiles('ada', 3) }]);
    world.dropbox.fault('dropbox.files.get_metadata', { status: 200, body: { ok: true } });
    const check = await world.run({ mode: 'check', strategy: 'probe' });
    const text = JSON.stringify(check);
    expect(text).not.toMatch(/TypeError|Cannot read properties|undefined \(reading/);
    expect(resultOf(check)).toMatchObject({ orphans: 0 });
    expect(resultOf(check).unknownFiles).toBe(3);
  });
});
