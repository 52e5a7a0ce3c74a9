import { afterEach, describe, expect, it } from 'vitest';
import { usePostgres } from '../helpers/postgres';
import { dropboxAccountId, dropboxFiles, driveFiles, openStorageWorld as openWorld, resultOf, type StorageWorld, type WorldUser } from './storage-orphans.setup';

/** DESIGN §4.7: a delta examines every row the previous pass did not see, ties changes to files by id, and a full pass runs on its own. */
const postgres = usePostgres();
let databases = 0;

let world: StorageWorld | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

const openSubjects = async (w: StorageWorld) =>
  (await w.app.store.findings
    .open('storage-orphans'))
    .map((f) => f.subject)
    .sort();
const passes = (run: Awaited<ReturnType<StorageWorld['run']>>) => resultOf(run).results.map((r) => `${r.provider}:${(r as { pass?: string }).pass}:${(r as { passReason?: string }).passReason}`).sort();
const addRow = (w: StorageWorld, id: string, provider: string, pid: string, name: string) =>
  w.exec('INSERT INTO files (id, user_id, provider, provider_file_id, name, size) VALUES (?, ?, ?, ?, ?, 1)', [id, 'ada', provider, pid, name]);

describe.each(['sqlite', 'postgres'] as const)('storage-orphans delta completeness on %s', (dialect) => {
  const openStorageWorld = async (users: WorldUser[]) => openWorld(users, dialect === 'postgres' ? { postgresUrl: await postgres().createDatabase(`delta_${++databases}`) } : {});

  it('a delta check finds rows added to the product since the last pass, probing only those rows', async () => {
    world = await openStorageWorld([{ id: 'ada', drive: driveFiles('ada', 1500), dropbox: dropboxFiles('ada', 30) }]);
    // Two cloud files the product has no row for yet.
    await world.exec(`DELETE FROM files WHERE id IN ('row-g-ada-3', 'row-id:d-ada-4')`);
    const first = await world.run({ mode: 'check' });
    expect(passes(first)).toEqual(['dropbox:full:first pass', 'google:full:first pass']);
    expect(resultOf(first)).toMatchObject({ orphans: 0, byPass: { full: 2, delta: 0 } });

    // The product writes rows between checks: two for live files, two for files that never existed (or are gone).
    await addRow(world, 'new-g-live', 'google', 'g-ada-3', 'g-ada-3 copy.pdf');
    await addRow(world, 'new-g-gone', 'google', 'g-never-existed', 'ghost.pdf');
    await addRow(world, 'new-d-live', 'dropbox', 'id:d-ada-4', 'd-ada-4.txt');
    await addRow(world, 'new-d-gone', 'dropbox', 'id:d-never-existed', 'ghost.txt');
    world.google.resetCounts();
    world.dropbox.resetCounts();
    const delta = await world.run({ mode: 'check' });
    expect(passes(delta)).toEqual(['dropbox:delta:changes since the last pass', 'google:delta:changes since the last pass']);
    expect(resultOf(delta)).toMatchObject({ orphans: 2, unknownFiles: 0, byPass: { full: 0, delta: 2 } });
    expect(await openSubjects(world)).toEqual(['file:new-d-gone', 'file:new-g-gone']);
    // One change page per account and one probe per new row: never a listing.
    expect(world.google.counts()).toEqual({ 'drive.changes.list': 1, 'drive.files.get': 2 });
    expect(world.dropbox.counts()).toEqual({ 'dropbox.files.list_folder.continue': 1, 'dropbox.files.get_metadata': 2 });

    // The new rows are seen now: the next delta probes nothing and still reports the two (carried forward).
    world.google.resetCounts();
    world.dropbox.resetCounts();
    expect(resultOf(await world.run({ mode: 'check' }))).toMatchObject({ orphans: 2 });
    expect(world.google.counts()).toEqual({ 'drive.changes.list': 1 });
    expect(world.dropbox.counts()).toEqual({ 'dropbox.files.list_folder.continue': 1 });
  });

  it('a new row whose probe gets no answer stays unseen and is probed again by the next delta', async () => {
    world = await openStorageWorld([{ id: 'ada', drive: driveFiles('ada', 1500) }]);
    await world.run({ mode: 'check' });
    await addRow(world, 'new-g-gone', 'google', 'g-never-existed', 'ghost.pdf');
    world.google.fault('drive.files.get', { status: 503, body: 'backend error' });
    expect(resultOf(await world.run({ mode: 'check' }))).toMatchObject({ orphans: 0, unknownFiles: 1 });
    world.google.clearFaults();
    expect(resultOf(await world.run({ mode: 'check' }))).toMatchObject({ orphans: 1, unknownFiles: 0 });
    expect(await openSubjects(world)).toEqual(['file:new-g-gone']);
  });

  it('a Dropbox file renamed then deleted is found, even when its new name is another row’s name', async () => {
    const other = { id: 'id:other-b', path: '/Elsewhere/b.txt' };
    world = await openStorageWorld([{ id: 'ada', dropbox: [{ id: 'id:a', path: '/Apps/Product/a.txt' }, { id: 'id:c', path: '/Apps/Product/c.txt' }, other] }]);
    await world.run({ mode: 'check' });
    const account = dropboxAccountId('ada');

    // Across two deltas: renamed to b.txt (the other row's name), checked, then deleted. A rename's deletion of the old
    // path names no id, and a name ties no row (s26 attack): the account is listed in full, which finds a.txt's file
    // alive at its new path, and nothing else.
    world.dropbox.moveFile(account, '/Apps/Product/a.txt', '/Apps/Product/b.txt');
    const renamed = await world.run({ mode: 'check' });
    expect(resultOf(renamed)).toMatchObject({ orphans: 0 });
    expect(passes(renamed)).toEqual(['dropbox:full:changes not tied to files']);
    world.dropbox.deletePath(account, '/Apps/Product/b.txt');
    world.dropbox.resetCounts();
    const after = await world.run({ mode: 'check' });
    expect(passes(after)).toEqual(['dropbox:full:changes not tied to files']);
    // The renamed-then-deleted file's row is the orphan, never the row that merely shares its new name.
    expect(await openSubjects(world)).toEqual(['file:row-id:a']);
    expect(world.dropbox.count('dropbox.files.get_metadata')).toBe(0);

    // Within one delta: renamed to the other row's name and deleted before the next check.
    world.dropbox.moveFile(account, '/Apps/Product/c.txt', '/Apps/Product/B.TXT');
    world.dropbox.deletePath(account, '/Apps/Product/B.TXT');
    await world.run({ mode: 'check' });
    expect(await openSubjects(world)).toEqual(['file:row-id:a', 'file:row-id:c']);
  });

  it('a periodic full pass runs when due, and the result names the mode and the reason', async () => {
    world = await openStorageWorld([{ id: 'ada', drive: driveFiles('ada', 1500), dropbox: dropboxFiles('ada', 3) }]);
    await world.run({ mode: 'check' });
    expect(passes(await world.run({ mode: 'check' }))).toEqual(['dropbox:delta:changes since the last pass', 'google:delta:changes since the last pass']);

    // A day later (the stored last full pass moved back 25 hours), the default daily setting makes it full.
    const state = world.app.store.engineState;
    for (const provider of ['google', 'dropbox']) {
      const key = `account:ada:${provider}`;
      const account = await state.get<Record<string, unknown>>('storage-orphans', key);
      await state.set('storage-orphans', key, { ...account, lastFullAt: new Date(Date.now() - 25 * 3_600_000).toISOString() }, new Date().toISOString());
    }
    world.google.resetCounts();
    const due = await world.run({ mode: 'check' });
    expect(passes(due)).toEqual(['dropbox:full:periodic full pass due', 'google:full:periodic full pass due']);
    expect(world.google.count('drive.files.list')).toBe(2);
    expect(passes(await world.run({ mode: 'check' }))).toEqual(['dropbox:delta:changes since the last pass', 'google:delta:changes since the last pass']);

    // A shorter setting, an explicit request, a refused cursor.
    expect(passes(await world.run({ mode: 'check', fullPassHours: 0 }))).toEqual(['dropbox:full:periodic full pass due', 'google:full:periodic full pass due']);
    expect(passes(await world.run({ mode: 'check', full: true }))).toEqual(['dropbox:full:requested', 'google:full:requested']);
    world.dropbox.resetCursors(dropboxAccountId('ada'));
    expect(passes(await world.run({ mode: 'check' }))).toEqual(['dropbox:full:cursor rejected', 'google:delta:changes since the last pass']);
  });

  it('a pass that keeps no cursor keeps no seen set (it drops the one a bigger pass kept), and the account still hides no row', async () => {
    const seenKeys = async (w: StorageWorld) =>
      (await w.app.store.db.all<{ key: string; value_json: string }>(`SELECT key, value_json FROM engine_state WHERE engine = 'storage-orphans' AND key LIKE 'seen%'`))
        .filter((r) => r.value_json !== 'null' && r.value_json !== '[]')
        .map((r) => r.key.split(':').slice(0, 3).join(':'))
        .sort();
    world = await openStorageWorld([{ id: 'ada', drive: driveFiles('ada', 1500) }, { id: 'bob', drive: driveFiles('bob', 10) }]);
    // 1,500 files are two pages: a delta pays, so Ada keeps a cursor and her seen set; Bob's one page never does.
    expect(passes(await world.run({ mode: 'check' }))).toEqual(['google:full:first pass', 'google:full:first pass']);
    expect([...new Set(await seenKeys(world))]).toEqual(['seen2:ada:google']);
    // Ada's Drive shrinks to one page: the pass that lists it so keeps its cursor (it planned from 1,500), the next one none.
    for (let i = 0; i < 700; i++) world.google.deleteFile('ada', `g-ada-${i}`);
    await world.exec(`DELETE FROM files WHERE user_id = 'ada' AND provider_file_id IN (${Array.from({ length: 700 }, (_, i) => `'g-ada-${i}'`).join(', ')})`);
    expect(resultOf(await world.run({ mode: 'check', full: true }))).toMatchObject({ orphans: 0 });
    expect([...new Set(await seenKeys(world))]).toEqual(['seen2:ada:google']);
    expect(resultOf(await world.run({ mode: 'check', full: true }))).toMatchObject({ orphans: 0 });
    expect(await seenKeys(world)).toEqual([]);
    // Without a cursor every check lists again, and so finds a row the product added meanwhile for a file that is gone.
    await addRow(world, 'new-g-gone', 'google', 'g-never-existed', 'ghost.pdf');
    const next = await world.run({ mode: 'check' });
    expect(passes(next)).toEqual(['google:full:no cursor kept', 'google:full:no cursor kept']);
    expect(resultOf(next)).toMatchObject({ orphans: 1 });
    expect(await openSubjects(world)).toEqual(['file:new-g-gone']);
  });
});
