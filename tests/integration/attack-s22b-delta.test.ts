import { afterEach, describe, expect, it } from 'vitest';
import { dropboxFiles, driveFiles, openStorageWorld, resultOf, type StorageWorld } from './storage-orphans.setup';
import { byPid, describeOpen, FILES, insert, openOrphans, resultFor } from './storage-orphans.id-tables';

/**
 * Attack s22b on 8d12b42: the delta (new rows by seen key, carried findings by accountRowsByKeys), the uncovered
 * Dropbox rows probed by accountRowsByIds, rows changed between check and repair. Safe behaviour asserted: a failing
 * test is a fault.
 */

let world: StorageWorld | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

describe('attack s22b: delta new rows whose ids collide with other rows', () => {
  it("ada's new text 7 (gone) beside bob's live integer 7: only ada's is reported, bob's row is never moved", async () => {
    world = await openStorageWorld(
      [
        { id: 'ada', drive: driveFiles('ada', 2) },
        { id: 'bob', drive: driveFiles('bob', 2) },
      ],
      { ddl: [FILES('PRIMARY KEY')] },
    );
    await world.exec("UPDATE files SET id = 7 WHERE id = 'row-g-bob-0'");
    await world.run({ mode: 'check', full: true, strategy: 'probe' });
    await insert(world, "'7'", 'g-gone-ada', 'google', 'ada');
    const delta = resultOf(await world.run({ mode: 'check' }));
    expect(resultFor(delta, 'ada', 'google')).toMatchObject({ pass: 'delta', orphans: 1 });
    expect(resultFor(delta, 'bob', 'google')).toMatchObject({ orphans: 0 });
    expect(await describeOpen(world)).toEqual(['ada/google/7/g-gone-ada']);
    await world.run({ mode: 'repair', all: true });
    expect(await byPid(world, 'g-bob-0')).toEqual([{ t: 'integer', id: '7', user_id: 'bob' }]);
  });

  it('one account: live integer 7 → A and live text 7 → B; both deleted in the cloud: the delta reports two orphans', async () => {
    world = await openStorageWorld([{ id: 'ada', drive: driveFiles('ada', 3) }], { ddl: [FILES('PRIMARY KEY')] });
    await world.exec("UPDATE files SET id = 7 WHERE id = 'row-g-ada-0'");
    await world.exec("UPDATE files SET id = '7' WHERE id = 'row-g-ada-1'");
    await world.run({ mode: 'check', full: true, strategy: 'probe' });
    world.google.deleteFile('ada', 'g-ada-0');
    world.google.deleteFile('ada', 'g-ada-1');
    const delta = resultOf(await world.run({ mode: 'check' }));
    expect(resultFor(delta, 'ada', 'google'), JSON.stringify(delta.results)).toMatchObject({ pass: 'delta' });
    expect(delta.orphans, JSON.stringify(delta.results)).toBe(2);
  });

  it('one account: live integer 7 → A and live text 7 → B; both deleted: both orphans reported within two deltas', async () => {
    world = await openStorageWorld([{ id: 'ada', drive: driveFiles('ada', 3) }], { ddl: [FILES('PRIMARY KEY')] });
    await world.exec("UPDATE files SET id = 7 WHERE id = 'row-g-ada-0'");
    await world.exec("UPDATE files SET id = '7' WHERE id = 'row-g-ada-1'");
    await world.run({ mode: 'check', full: true, strategy: 'probe' });
    world.google.deleteFile('ada', 'g-ada-0');
    world.google.deleteFile('ada', 'g-ada-1');
    const d1 = resultOf(await world.run({ mode: 'check' }));
    const d2 = resultOf(await world.run({ mode: 'check' }));
    expect(d2.orphans, `${JSON.stringify(d1.results)} ${JSON.stringify(d2.results)}`).toBe(2);
  });

  it('one account: integer 7 → A deleted, text 7 → B trashed: the delta reports the orphan and the trashed file', async () => {
    world = await openStorageWorld([{ id: 'ada', drive: driveFiles('ada', 3) }], { ddl: [FILES('PRIMARY KEY')] });
    await world.exec("UPDATE files SET id = 7 WHERE id = 'row-g-ada-0'");
    await world.exec("UPDATE files SET id = '7' WHERE id = 'row-g-ada-1'");
    await world.run({ mode: 'check', full: true, strategy: 'probe' });
    world.google.deleteFile('ada', 'g-ada-0');
    world.google.trashFile('ada', 'g-ada-1');
    const delta = resultOf(await world.run({ mode: 'check' }));
    expect(resultFor(delta, 'ada', 'google'), JSON.stringify(delta.results)).toMatchObject({ pass: 'delta', orphans: 1, trashed: 1 });
  });
});

describe('attack s22b: carried findings whose row changed', () => {
  it('a carried finding whose row was re-pointed at another gone file: one finding, for the new file, repaired', async () => {
    world = await openStorageWorld([{ id: 'ada', drive: driveFiles('ada', 3), goneDrive: ['g-gone-1'] }]);
    await world.run({ mode: 'check', full: true, strategy: 'probe' });
    await world.exec("UPDATE files SET provider_file_id = 'g-gone-2' WHERE id = 'row-g-gone-1'");
    const delta = resultOf(await world.run({ mode: 'check' }));
    expect(delta.results[0]).toMatchObject({ pass: 'delta' });
    expect(await describeOpen(world)).toEqual(['ada/google/row-g-gone-1/g-gone-2']);
    expect(delta.orphans).toBe(1);
    expect((await world.run({ mode: 'repair', all: true })).result).toMatchObject({ quarantined: 1 });
  });

  it('integer 7 (gone) carried; the product replaced it by text 7 pointing at a live file: no finding, nothing moved', async () => {
    world = await openStorageWorld([{ id: 'ada', drive: driveFiles('ada', 3) }], { ddl: [FILES('PRIMARY KEY')] });
    await insert(world, '7', 'g-gone');
    await world.run({ mode: 'check', full: true, strategy: 'probe' });
    expect(await describeOpen(world)).toEqual(['ada/google/7/g-gone']);
    await world.exec('DELETE FROM files WHERE id = 7');
    await world.exec("UPDATE files SET id = '7' WHERE id = 'row-g-ada-0'");
    const delta = resultOf(await world.run({ mode: 'check' }));
    expect(delta.results[0]).toMatchObject({ pass: 'delta' });
    expect(await describeOpen(world)).toEqual([]);
    await world.run({ mode: 'repair', all: true });
    expect(await byPid(world, 'g-ada-0')).toEqual([{ t: 'text', id: '7', user_id: 'ada' }]);
  });

  it("ada's text 7 (gone) carried; her row deleted and bob's integer 7 now points at that file id: only bob's orphan, bob's row only", async () => {
    world = await openStorageWorld(
      [
        { id: 'ada', drive: driveFiles('ada', 2) },
        { id: 'bob', drive: driveFiles('bob', 2) },
      ],
      { ddl: [FILES('PRIMARY KEY')] },
    );
    await insert(world, "'7'", 'g-gone', 'google', 'ada');
    await world.run({ mode: 'check', full: true, strategy: 'probe' });
    await world.exec("DELETE FROM files WHERE id = '7'");
    await insert(world, '7', 'g-gone', 'google', 'bob');
    await world.run({ mode: 'check' });
    expect(await describeOpen(world)).toEqual(['bob/google/7/g-gone']);
  });

  it("between check and repair, ada's gone text 7 is replaced by bob's integer 7 (gone too): bob's row is left alone", async () => {
    world = await openStorageWorld(
      [
        { id: 'ada', drive: driveFiles('ada', 2) },
        { id: 'bob', drive: driveFiles('bob', 2) },
      ],
      { ddl: [FILES('PRIMARY KEY')] },
    );
    await insert(world, "'7'", 'g-gone-ada', 'google', 'ada');
    await world.run({ mode: 'check', full: true });
    await world.exec("DELETE FROM files WHERE id = '7'");
    await insert(world, '7', 'g-gone-bob', 'google', 'bob');
    const repair = (await world.run({ mode: 'repair', all: true })).result;
    expect(await byPid(world, 'g-gone-bob'), JSON.stringify(repair)).toEqual([{ t: 'integer', id: '7', user_id: 'bob' }]);
  });
});

describe('attack s22b: Dropbox rows the listing cannot speak for, beside a covered row whose id reads the same', () => {
  // An uncovered row (a path) is probed through accountRowsByIds(ids): by id alone, so a covered row of the same account
  // whose id reads the same is probed too, and counted (and examined) twice.
  it('integer 7 → a gone path and text 7 → a live id:, one account: one orphan, each row checked once', async () => {
    world = await openStorageWorld([{ id: 'ada', dropbox: dropboxFiles('ada', 2) }], { ddl: [FILES('PRIMARY KEY')] });
    await world.exec("UPDATE files SET id = '7' WHERE id = 'row-id:d-ada-0'");
    await insert(world, '7', '/Apps/Product/never.txt', 'dropbox');
    const check = resultOf(await world.run({ mode: 'check', full: true }));
    const r = resultFor(check, 'ada', 'dropbox');
    expect(r, JSON.stringify(check.results)).toMatchObject({ orphans: 1, filesChecked: 3 });
    expect(await describeOpen(world)).toEqual(['ada/dropbox/7//Apps/Product/never.txt']);
  });

  it('same world: the seen set the full pass saved is usable, so the next check is a delta', async () => {
    world = await openStorageWorld([{ id: 'ada', dropbox: dropboxFiles('ada', 2) }], { ddl: [FILES('PRIMARY KEY')] });
    await world.exec("UPDATE files SET id = '7' WHERE id = 'row-id:d-ada-0'");
    await insert(world, '7', '/Apps/Product/never.txt', 'dropbox');
    await world.run({ mode: 'check', full: true });
    const next = resultOf(await world.run({ mode: 'check' }));
    expect(resultFor(next, 'ada', 'dropbox'), JSON.stringify(next.results)).toMatchObject({ pass: 'delta' });
  });

  it('integer 7 → a gone path and text 7 → a gone id:: two orphans, each counted once', async () => {
    world = await openStorageWorld([{ id: 'ada', dropbox: dropboxFiles('ada', 2) }], { ddl: [FILES('PRIMARY KEY')] });
    await insert(world, "'7'", 'id:d-gone', 'dropbox');
    await insert(world, '7', '/Apps/Product/never.txt', 'dropbox');
    const check = resultOf(await world.run({ mode: 'check', full: true }));
    expect(resultFor(check, 'ada', 'dropbox'), JSON.stringify(check.results)).toMatchObject({ orphans: 2, filesChecked: 4 });
  });
});

describe('attack s22b: case variants of ids (COLLATE NOCASE id column without a key)', () => {
  it("gone 'abc' beside live 'ABC' (same account): only 'abc' reported; the repair never moves 'ABC'", async () => {
    world = await openStorageWorld([{ id: 'ada', drive: driveFiles('ada', 2) }], { ddl: [FILES('TEXT COLLATE NOCASE')] });
    await world.exec("UPDATE files SET id = 'ABC' WHERE id = 'row-g-ada-0'");
    await insert(world, "'abc'", 'g-gone');
    await world.run({ mode: 'check', full: true });
    expect(await describeOpen(world)).toEqual(['ada/google/abc/g-gone']);
    const repair = (await world.run({ mode: 'repair', all: true })).result;
    expect(await byPid(world, 'g-ada-0'), JSON.stringify(repair)).toEqual([{ t: 'text', id: 'ABC', user_id: 'ada' }]);
    expect(await world.rows("SELECT id FROM file_quarantine WHERE provider_file_id = 'g-ada-0'")).toEqual([]);
  });

  it('Unicode-normalisation variants of a text id (NFC é live, NFD é gone): only the gone one is reported and moved', async () => {
    world = await openStorageWorld([{ id: 'ada', drive: driveFiles('ada', 2) }]);
    const nfc = 'caf\u00e9';
    const nfd = 'cafe\u0301';
    await world.exec('UPDATE files SET id = ? WHERE id = ?', [nfc, 'row-g-ada-0']);
    await world.exec("INSERT INTO files (id, user_id, provider, provider_file_id, name, size) VALUES (?, 'ada', 'google', 'g-gone', 'x', 1)", [nfd]);
    await world.run({ mode: 'check', full: true });
    expect(await describeOpen(world)).toEqual([`ada/google/${nfd}/g-gone`]);
    const findings = await openOrphans(world);
    expect((await world.run({ mode: 'repair', all: true })).result).toMatchObject({ quarantined: 1 });
    expect((await byPid(world, 'g-ada-0')).map((r) => r.id)).toEqual([nfc]);
    expect(await world.app.handlers['storage.restore']({ findingId: findings[0]?.id as number }, { actor: 'manual' })).toMatchObject({ restored: true });
    expect((await byPid(world, 'g-gone')).map((r) => r.id)).toEqual([nfd]);
  });
});
