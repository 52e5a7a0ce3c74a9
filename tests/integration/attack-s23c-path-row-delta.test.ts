import { afterEach, describe, expect, it } from 'vitest';
import { dropboxAccountId, dropboxFiles, openStorageWorld, resultOf, type StorageWorld } from './storage-orphans.setup';

/**
 * Attack s23c on c4bed68 (account-delta.ts applyDelta, "earlier findings ... dropped if the change feed or a probe
 * shows their file alive"). A Dropbox row may be kept by PATH (a cloud id outside the listing's `id:` prefix: the
 * full pass probes it by path). The delta ties changes to rows by id only: `delta.alive` holds `id:` ids, and the
 * standing filter compares them with the finding's providerFileId, a path. So when the file at that path comes back
 * (restored, or uploaded again), the change feed shows it (a `file` entry at exactly that path, delta.paths knows it)
 * but the path row's orphan finding is carried by every delta, under each run's id, and an automatic repair
 * (autoRepair: true, or a scheduled run with deleteAfterSync) quarantines the LIVE row.
 *
 * OLDER than c4bed68 (the `!delta.alive.has(pid)` filter predates it), but it is the path c4bed68 rewrote, and the
 * outcome is a live row quarantined (DESIGN §4: never).
 */

let world: StorageWorld | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

const ADA = dropboxAccountId('ada');
const PATH = '/Apps/Product/by-path.txt';

describe('attack s23c: a Dropbox row kept by path, its file back at that path', () => {
  it('a delta that sees the file come back does not carry the orphan finding, and the automatic repair leaves the row', async () => {
    world = await openStorageWorld([{ id: 'ada', dropbox: [...dropboxFiles('ada', 20), { id: 'id:by-path', path: PATH }] }]);
    await world.exec('UPDATE files SET provider_file_id = ? WHERE id = ?', [PATH.toLowerCase(), 'row-id:by-path']);
    world.dropbox.deletePath(ADA, PATH);
    const first = resultOf(await world.run({ mode: 'check', full: true }));
    expect(first.orphans, JSON.stringify(first.results)).toBe(1);
    // The user uploads the file again at the same path: the row (by path) points at a live file.
    world.dropbox.putFile(ADA, { path: PATH, id: 'id:back', size: 100 });
    const run = await world.run({ mode: 'check', autoRepair: true });
    const r = resultOf(run);
    expect(r.results[0], JSON.stringify(r.results)).toMatchObject({ mode: 'delta' });
    const held = await world.rows<{ id: string }>('SELECT id FROM file_quarantine');
    expect(held, JSON.stringify(r)).toEqual([]);
    expect(await world.rows('SELECT id FROM files WHERE id = ?', ['row-id:by-path'])).toHaveLength(1);
  });

  // Without a repair: the finding stays open delta after delta, and each delta counts it as an orphan of the account.
  it('a delta that sees the file come back does not count the path row as an orphan', async () => {
    world = await openStorageWorld([{ id: 'ada', dropbox: [...dropboxFiles('ada', 3), { id: 'id:by-path', path: PATH }] }]);
    await world.exec('UPDATE files SET provider_file_id = ? WHERE id = ?', [PATH.toLowerCase(), 'row-id:by-path']);
    world.dropbox.deletePath(ADA, PATH);
    await world.run({ mode: 'check', full: true });
    world.dropbox.putFile(ADA, { path: PATH, id: 'id:back', size: 100 });
    const r = resultOf(await world.run({ mode: 'check' }));
    expect(r.results[0], JSON.stringify(r.results)).toMatchObject({ mode: 'delta' });
    expect({ orphans: r.orphans, open: (await world.app.store.findings.open('storage-orphans')).length }, JSON.stringify(r.results)).toEqual({ orphans: 0, open: 0 });
  });
});
