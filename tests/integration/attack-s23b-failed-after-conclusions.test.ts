import { afterEach, describe, expect, it } from 'vitest';
import { driveFiles, openStorageWorld, resultOf, type StorageWorld } from './storage-orphans.setup';
import { openKinds } from './storage-orphans.id-tables';

/**
 * Attack s23b on 2d822ec, account-check.ts: "on any failure of an account, every previous finding is carried". A
 * delta that has ALREADY concluded (a change shows a file alive again, a change shows it in the trash) and then
 * fails on a later probe (a grant without the Drive scope: faultOf 'user', the probe throws) carries every earlier
 * finding anyway, including the ones this very check disproved. Each test asserts the SAFE behaviour.
 * OLDER than 2d822ec (the catch-all carry predates it; 2d822ec only changed how `previous` is keyed).
 */

let world: StorageWorld | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

const NO_SCOPE = { status: 403, body: { error: { code: 403, message: 'Request had insufficient authentication scopes.', errors: [{ reason: 'insufficientPermissions', message: 'Insufficient Permission' }] } } };
const addRow = (w: StorageWorld, id: string, pid: string) => w.exec('INSERT INTO files (id, user_id, provider, provider_file_id, name, size) VALUES (?, ?, ?, ?, ?, 1)', [id, 'ada', 'google', pid, `${pid}.pdf`]);

describe('attack s23b: an account that fails after its delta concluded', () => {
  // The delta's change shows g-ada-0 alive again (access regained), so row-g-ada-0's orphan finding is over. A new row's
  // probe then throws (missing scope): the catch carries row-g-ada-0's orphan finding with this run's id, and the
  // automatic repair of the same run quarantines the LIVE row.
  it('a file a change shows alive again: its row is not quarantined by the automatic repair, its finding is not open', async () => {
    world = await openStorageWorld([{ id: 'ada', drive: driveFiles('ada', 60) }]);
    await world.run({ mode: 'check', full: true, strategy: 'probe' });
    world.google.deleteFile('ada', 'g-ada-0');
    expect(resultOf(await world.run({ mode: 'check' })).orphans).toBe(1);
    expect(await openKinds(world)).toEqual(['file:row-g-ada-0:orphan']);
    // Access regained: Drive has the file again (a change says so).
    world.google.addFile('ada', driveFiles('ada', 1)[0]!);
    // A row the product added since: the delta probes it, and that probe throws.
    await addRow(world, 'row-new', 'g-new');
    world.google.fault('drive.files.get', NO_SCOPE);
    const run = await world.run({ mode: 'check', autoRepair: true });
    world.google.clearFaults();
    const held = await world.rows<{ id: string }>('SELECT id FROM file_quarantine');
    expect(held, JSON.stringify(run.result)).toEqual([]);
    expect(await world.rows('SELECT id FROM files WHERE id = ?', ['row-g-ada-0'])).toHaveLength(1);
    expect(await openKinds(world), JSON.stringify(run.result)).toEqual([]);
  });

  // The delta's change shows g-ada-1 in the trash: row-g-ada-1 gets a `trashed` finding (counted: trashed 1). The
  // earlier `orphan` finding (the file was gone, then came back into the trash: access regained) is carried by the
  // catch after a later probe throws, and replaces the trashed one in place (same subject): the open finding says
  // orphan while the result says trashed 1, orphans 0.
  it('a file a change shows in the trash: the open finding is `trashed`, as the result counts it', async () => {
    world = await openStorageWorld([{ id: 'ada', drive: driveFiles('ada', 60) }]);
    await world.run({ mode: 'check', full: true, strategy: 'probe' });
    world.google.deleteFile('ada', 'g-ada-1');
    await world.run({ mode: 'check' });
    expect(await openKinds(world)).toEqual(['file:row-g-ada-1:orphan']);
    world.google.addFile('ada', { ...driveFiles('ada', 2)[1]!, trashed: true });
    await addRow(world, 'row-new', 'g-new');
    world.google.fault('drive.files.get', NO_SCOPE);
    const run = await world.run({ mode: 'check' });
    world.google.clearFaults();
    const r = resultOf(run);
    expect(r.results[0], JSON.stringify(r.results)).toMatchObject({ status: 'needs-reconnect' });
    expect(await openKinds(world), JSON.stringify(r.results)).toEqual([`file:row-g-ada-1:${r.trashed === 1 ? 'trashed' : 'orphan'}`]);
    expect(r.trashed + r.orphans).toBe(1);
  });
});
