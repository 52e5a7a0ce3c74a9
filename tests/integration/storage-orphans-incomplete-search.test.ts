import { afterEach, describe, expect, it } from 'vitest';
import { driveFiles, openStorageWorld, resultOf, type StorageWorld } from './storage-orphans.setup';

/**
 * Some Drive accounts answer every listing `incompleteSearch: true` (Drive
 * could not search every corpus). Such a listing proves nothing about
 * absence (DESIGN §4.1), so a `list` pass leaves the account unknown; an
 * `auto` pass asks about each row instead (files.get, Drive's own answer per
 * file) so the account is not unknown on every run for ever (the attacker of
 * session 6 found it never was checked).
 */
let world: StorageWorld | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

const incomplete = { status: 200, body: { kind: 'drive#fileList', incompleteSearch: true, files: [] } };

describe('storage-orphans: a Drive account whose listing is always incompleteSearch', () => {
  it('auto: each row is probed; the gone row is an orphan, the live ones are not, and the result says why', async () => {
    world = await openStorageWorld([{ id: 'ada', drive: driveFiles('ada', 3), goneDrive: ['g-gone'] }]);
    world.google.fault('drive.files.list', incomplete);
    const result = resultOf(await world.run({ mode: 'check', full: true }));
    expect(result.results[0]).toMatchObject({ mode: 'probe', status: 'orphans', orphans: 1, filesChecked: 4, message: expect.stringMatching(/incompleteSearch.*each row was asked about/) });
    const orphans = (await world.app.store.findings.open('storage-orphans')).filter((f) => f.kind === 'orphan').map((f) => f.details?.providerFileId);
    expect(orphans).toEqual(['g-gone']);
  });

  it('auto, and a probe answered by a gateway rather than Drive: that row stays unknown, never an orphan', async () => {
    world = await openStorageWorld([{ id: 'ada', drive: driveFiles('ada', 3), goneDrive: ['g-gone'] }]);
    world.google.fault('drive.files.list', incomplete);
    world.google.fault('drive.files.get', { status: 404, foreign: 'html' });
    const result = resultOf(await world.run({ mode: 'check', full: true }));
    expect(result.orphans).toBe(0);
    // Both reasons are said: why it probed, and how many rows its probes could not settle.
    expect(result.results[0]).toMatchObject({ mode: 'probe', status: 'unknown', message: expect.stringMatching(/incompleteSearch.*each row was asked about.* 4 files could not be checked/) });
    const repair = await world.run({ mode: 'repair', all: true });
    expect(repair.result).toMatchObject({ quarantined: 0 });
    expect(await world.rows('SELECT COUNT(*) AS n FROM files')).toEqual([{ n: 4 }]);
  });

  it('list (the admin asked for a listing): the account is unknown, nothing probed, no orphan', async () => {
    world = await openStorageWorld([{ id: 'ada', drive: driveFiles('ada', 3), goneDrive: ['g-gone'] }]);
    world.google.fault('drive.files.list', incomplete);
    const result = resultOf(await world.run({ mode: 'check', strategy: 'list', full: true }));
    expect(result.orphans).toBe(0);
    expect(result.results[0]).toMatchObject({ mode: 'list', status: 'unknown', message: expect.stringMatching(/incompleteSearch/) });
  });
});
