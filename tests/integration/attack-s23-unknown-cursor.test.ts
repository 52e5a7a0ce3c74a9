import { afterEach, describe, expect, it } from 'vitest';
import { dropboxFaults } from '../emulators/dropbox/dropbox.emulator';
import { foreignFault } from '../emulators/shared/faults';
import { driveFiles, dropboxFiles, openStorageWorld, resultOf, type StorageWorld } from './storage-orphans.setup';

/*
 * Attack s23 (commit 301f82f). keepSeen (account-check.ts) decides from the cursor the LISTING (or the probe pass)
 * took, but the cursor the pass KEEPS is finish()'s: a full pass that left any file unknown stores `cursor: null`
 * (account-probe.ts finish). So such a pass keeps no cursor and still saves its seen set, against the change's own
 * rule ("a pass that keeps no cursor keeps no seen set", planPass's comment, keepSeen's doc): the next check loads,
 * reads and keeps a set no delta can use, which is exactly the waste the commit set out to remove. The data stays
 * safe (no cursor: the next pass is full and finds everything), which the second half of each test shows.
 */
let world: StorageWorld | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

async function seenHeads(w: StorageWorld): Promise<string[]> {
  const rows = await w.app.store.db.all<{ key: string; value_json: string }>(`SELECT key, value_json FROM engine_state WHERE engine = 'storage-orphans' AND (key LIKE 'seen2:%' OR key LIKE 'seen:%')`);
  return rows.filter((r) => r.key.split(':').length === 3 && r.value_json !== 'null').map((r) => r.key).sort();
}
const cursorOf = async (w: StorageWorld, user: string, provider: string) => (await w.app.store.engineState.get<{ cursor: string | null }>('storage-orphans', `account:${user}:${provider}`))?.cursor ?? null;
const passes = (run: Awaited<ReturnType<StorageWorld['run']>>) => resultOf(run).results.map((r) => `${r.provider}:${(r as { pass?: string }).pass}:${(r as { passReason?: string }).passReason}`);

describe('attack s23: a full pass that leaves a file unknown keeps no cursor', () => {
  it('fixed: Dropbox, a row outside the listing (probed) gets no answer: the pass keeps no cursor, and so no seen set', async () => {
    world = await openStorageWorld([{ id: 'bob', dropbox: dropboxFiles('bob', 4) }]);
    // A row kept by path, not by `id:`: the listing cannot speak for it, so it is probed (get_metadata).
    await world.exec('INSERT INTO files (id, user_id, provider, provider_file_id, name, size) VALUES (?, ?, ?, ?, ?, 1)', ['legacy', 'bob', 'dropbox', '/apps/product/legacy.txt', 'legacy.txt']);
    world.dropbox.fault('dropbox.files.get_metadata', dropboxFaults.serverError(503));
    const first = await world.run({ mode: 'check' });
    expect(resultOf(first)).toMatchObject({ unknownFiles: 1 });
    expect(await cursorOf(world, 'bob', 'dropbox')).toBeNull();
    // The change's rule: no cursor kept, no seen set kept.
    expect(await seenHeads(world), 'a seen set stored beside no cursor').toEqual([]);
  });

  it('fixed: a Drive probe pass whose probes get a gateway’s answer (unknown) keeps no cursor, and so no seen set', async () => {
    world = await openStorageWorld([{ id: 'ada', drive: driveFiles('ada', 5) }]);
    // A proxy's HTML 404 on the probes: never a definitive answer (unknown).
    world.google.fault('drive.files.get', foreignFault('html', 404));
    const first = await world.run({ mode: 'check', strategy: 'probe' });
    expect(resultOf(first).unknownFiles).toBeGreaterThan(0);
    expect(await cursorOf(world, 'ada', 'google')).toBeNull();
    expect(await seenHeads(world), 'a seen set stored beside no cursor').toEqual([]);
  });

  it('holds: after such a pass the next check is full ("no cursor kept") and finds a row added meanwhile', async () => {
    world = await openStorageWorld([{ id: 'ada', drive: driveFiles('ada', 5) }]);
    // A proxy's HTML 404 on the probes: never a definitive answer (unknown).
    world.google.fault('drive.files.get', foreignFault('html', 404));
    expect(resultOf(await world.run({ mode: 'check', strategy: 'probe' })).unknownFiles).toBeGreaterThan(0);
    world.google.clearFaults();
    await world.exec('INSERT INTO files (id, user_id, provider, provider_file_id, name, size) VALUES (?, ?, ?, ?, ?, 1)', ['ghost', 'ada', 'google', 'g-never', 'ghost.pdf']);
    world.google.deleteFile('ada', 'g-ada-1');
    const next = await world.run({ mode: 'check', strategy: 'probe' });
    expect(passes(next)).toEqual(['google:full:no cursor kept']);
    expect(resultOf(next)).toMatchObject({ orphans: 2, unknownFiles: 0 });
    // And now a cursor is kept with the set the pass examined: a delta follows and carries both.
    expect(await cursorOf(world, 'ada', 'google')).not.toBeNull();
    const delta = await world.run({ mode: 'check' });
    expect(passes(delta)).toEqual(['google:delta:changes since the last pass']);
    expect(resultOf(delta)).toMatchObject({ orphans: 2 });
  });
});
