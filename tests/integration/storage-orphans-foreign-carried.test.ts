import { afterEach, describe, expect, it } from 'vitest';
import { foreignFault } from '../emulators/shared/faults';
import { dropboxFiles, driveFiles, openStorageWorld, type StorageWorld } from './storage-orphans.setup';

/** DESIGN §4.1 for storage-orphans: an answer that is not Drive's or Dropbox's own never makes a row an orphan. */
let world: StorageWorld | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

describe('storage-orphans under foreign 404s: earlier findings are carried, never concluded on', () => {
  it.each(['html', 'empty', 'json'] as const)('a foreign %s 404 on every file, listing and change call removes nothing but the really gone rows', async (kind) => {
    world = await openStorageWorld([{ id: 'ada', drive: driveFiles('ada', 3), goneDrive: ['g-gone'], dropbox: dropboxFiles('ada', 3), goneDropbox: ['id:d-gone'] }]);
    await world.run({ mode: 'check' });
    for (const route of ['drive.files.get', 'drive.files.list', 'drive.changes.list']) world.google.fault(route, foreignFault(kind, 404));
    for (const route of ['dropbox.files.get_metadata', 'dropbox.files.list_folder', 'dropbox.files.list_folder.continue']) world.dropbox.fault(route, foreignFault(kind, 404));
    for (const params of [{ strategy: 'probe', full: true }, { strategy: 'list', full: true }, {}]) {
      const run = await world.run({ mode: 'check', ...params });
      // No answer is a conclusion: the earlier two findings are carried forward, nothing new is found.
      expect(run.result, JSON.stringify(params)).toMatchObject({ orphans: 0, carriedForward: 2 });
      expect((await world.app.store.findings.open('storage-orphans')).map((f) => f.subject).sort()).toEqual(['file:row-g-gone', 'file:row-id:d-gone']);
    }
    // A person's repair asks the services again just before the move (repair-confirm.ts): still no answer of theirs,
    // so nothing moves and each finding stays open as a failed item.
    const blind = await world.run({ mode: 'repair', all: true });
    expect(blind.state).toBe('partial');
    expect(blind.result).toMatchObject({ quarantined: 0, itemsFailed: 2 });
    expect(await world.rows('SELECT id FROM file_quarantine')).toEqual([]);
    // The services answer again: the really gone rows, and only they, are quarantined.
    world.google.clearFaults();
    world.dropbox.clearFaults();
    await world.run({ mode: 'repair', all: true });
    expect((await world.rows<{ id: string }>('SELECT id FROM file_quarantine ORDER BY id')).map((r) => r.id)).toEqual(['row-g-gone', 'row-id:d-gone']);
  });
});
