import { afterEach, describe, expect, it } from 'vitest';
import { DRIVE_DOWN, dropboxFiles, driveFiles, openStorageWorld, resultOf, type StorageWorld } from './storage-orphans.setup';
import { byPid, describeOpen, FILES, insert, openOrphans, restore } from './storage-orphans.id-tables';

/**
 * Attack s22b on 8d12b42 (ids as text, ownRows / accountRowsByKeys, withKinds, the thread's re-read, the quarantine by
 * text id). Each test asserts the SAFE behaviour: a failing test is a fault.
 */

let world: StorageWorld | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

describe('attack s22b: an id the product re-uses after a quarantine', () => {
  // file_quarantine keys its copies by the row id's text and the move upserts (ON CONFLICT DO UPDATE). A product that
  // re-uses ids (SQLite's INTEGER PRIMARY KEY hands out max+1 again; ids derived from a path) can write a new row under
  // the id of a row still held in quarantine. When that new row is an orphan too, its repair must not replace the
  // first row's only copy.
  it('text ids (canonical table): a second orphan under the same id does not overwrite the held copy of the first', async () => {
    world = await openStorageWorld([
      { id: 'ada', drive: driveFiles('ada', 2), goneDrive: ['g-gone-ada'] },
      { id: 'bob', drive: driveFiles('bob', 2) },
    ]);
    expect(resultOf(await world.run({ mode: 'check', full: true })).orphans).toBe(1);
    const [first] = await openOrphans(world);
    expect((await world.run({ mode: 'repair', all: true })).result).toMatchObject({ quarantined: 1 });
    // The product writes a new row under the freed id, for bob, pointing at a file that is not there either.
    await world.exec("INSERT INTO files (id, user_id, provider, provider_file_id, name, size) VALUES ('row-g-gone-ada', 'bob', 'google', 'g-gone-bob', 'bob.pdf', 7)");
    expect(resultOf(await world.run({ mode: 'check', full: true })).orphans).toBe(1);
    const repair = (await world.run({ mode: 'repair', all: true })).result;
    // Ada's row must still be held (restorable) whatever happened to bob's.
    const held = await world.rows<{ user_id: string; provider_file_id: string }>('SELECT user_id, provider_file_id FROM file_quarantine ORDER BY user_id');
    expect(held.filter((h) => h.provider_file_id === 'g-gone-ada'), `${JSON.stringify(repair)} held ${JSON.stringify(held)}`).toEqual([{ user_id: 'ada', provider_file_id: 'g-gone-ada' }]);
    // The repair refused bob's move and said why; bob's row is live under the id, so her restore is refused too...
    expect(JSON.stringify(repair)).toMatch(/already holds a row quarantined earlier/);
    await expect(restore(world, first?.id as number)).rejects.toThrow(/is in files again/);
    // ...until the product's row under that id is gone: then her finding's restore puts back HER row.
    await world.exec("DELETE FROM files WHERE provider_file_id = 'g-gone-bob'");
    await restore(world, first?.id as number);
    expect(await byPid(world, 'g-gone-ada')).toEqual([{ t: 'text', id: 'row-g-gone-ada', user_id: 'ada' }]);
  });

  it('INTEGER PRIMARY KEY: the rowid SQLite hands out again after a quarantine; the first quarantined row survives', async () => {
    world = await openStorageWorld([{ id: 'ada', drive: [] }], { ddl: [FILES('INTEGER PRIMARY KEY')] });
    world.google.addFile('ada', { id: 'g-live', name: 'live.pdf' });
    await world.exec("INSERT INTO files (user_id, provider, provider_file_id, name, size) VALUES ('ada', 'google', 'g-live', 'live.pdf', 1)");
    await world.exec("INSERT INTO files (user_id, provider, provider_file_id, name, size) VALUES ('ada', 'google', 'g-gone-1', 'first.pdf', 111)");
    expect(resultOf(await world.run({ mode: 'check', full: true })).orphans).toBe(1);
    const [first] = await openOrphans(world);
    expect(first?.details?.fileRowId).toBe('2');
    expect((await world.run({ mode: 'repair', all: true })).result).toMatchObject({ quarantined: 1 });
    // The product's next insert gets rowid 2 again (max(rowid) + 1).
    await world.exec("INSERT INTO files (user_id, provider, provider_file_id, name, size) VALUES ('ada', 'google', 'g-gone-2', 'second.pdf', 222)");
    expect(await byPid(world, 'g-gone-2')).toEqual([{ t: 'integer', id: '2', user_id: 'ada' }]);
    await world.run({ mode: 'check', full: true });
    const repair = (await world.run({ mode: 'repair', all: true })).result;
    const held = await world.rows<{ provider_file_id: string }>('SELECT provider_file_id FROM file_quarantine');
    expect(held.map((h) => h.provider_file_id), JSON.stringify(repair)).toEqual(['g-gone-1']);
    // Row 2 is live again (the second file), so the first one's restore is refused until it is gone.
    await expect(restore(world, first?.id as number)).rejects.toThrow(/is in files again/);
    await world.exec("DELETE FROM files WHERE provider_file_id = 'g-gone-2'");
    await restore(world, first?.id as number);
    expect(await byPid(world, 'g-gone-1')).toEqual([{ t: 'integer', id: '2', user_id: 'ada' }]);
  });
});

describe('attack s22b: two orphans whose ids read the same text', () => {
  // Findings are keyed by subject `file:<id text>` (one open finding per subject). Two gone rows whose ids read the
  // same text (7 and '7' in a column with no declared type) in two accounts are two orphans: both must be reported.
  // KNOWN LIMIT, not fixed in session 22 (the subject's form is what open findings of earlier versions are matched
  // by): the second finding replaces the first, so one of the two is missed until the other is repaired (the repair
  // refuses neither: they are in different accounts). `it.fails` keeps the fault in view: it turns red once fixed.
  it.fails('ada\'s text 7 and bob\'s integer 7, both gone: two open findings, one per row', async () => {
    world = await openStorageWorld(
      [
        { id: 'ada', drive: driveFiles('ada', 1) },
        { id: 'bob', drive: driveFiles('bob', 1) },
      ],
      { ddl: [FILES('PRIMARY KEY')] },
    );
    await insert(world, "'7'", 'g-gone-ada', 'google', 'ada');
    await insert(world, '7', 'g-gone-bob', 'google', 'bob');
    const check = resultOf(await world.run({ mode: 'check', full: true }));
    expect(check.orphans).toBe(2);
    expect(await describeOpen(world), JSON.stringify(check.results)).toEqual(['ada/google/7/g-gone-ada', 'bob/google/7/g-gone-bob']);
  });

  // The same known limit (one subject per id text).
  it.fails('one user: Drive text 7 and Dropbox integer 7, both gone: two open findings', async () => {
    world = await openStorageWorld([{ id: 'ada', drive: driveFiles('ada', 1), dropbox: dropboxFiles('ada', 1) }], { ddl: [FILES('PRIMARY KEY')] });
    await insert(world, "'7'", 'g-gone-ada', 'google');
    await insert(world, '7', 'id:d-gone-ada', 'dropbox');
    const check = resultOf(await world.run({ mode: 'check', full: true }));
    expect(check.orphans).toBe(2);
    expect(await describeOpen(world), JSON.stringify(check.results)).toEqual(['ada/dropbox/7/id:d-gone-ada', 'ada/google/7/g-gone-ada']);
  });

  it('the repair of either never removes a live row, and what it removes comes back', async () => {
    world = await openStorageWorld(
      [
        { id: 'ada', drive: driveFiles('ada', 1) },
        { id: 'bob', drive: driveFiles('bob', 1) },
      ],
      { ddl: [FILES('PRIMARY KEY')] },
    );
    await insert(world, "'7'", 'g-gone-ada', 'google', 'ada');
    await insert(world, '7', 'g-gone-bob', 'google', 'bob');
    await world.run({ mode: 'check', full: true });
    await world.run({ mode: 'repair', all: true });
    for (const pid of ['g-ada-0', 'g-bob-0']) expect(await byPid(world, pid)).toHaveLength(1);
    const held = await world.rows<{ provider_file_id: string }>('SELECT provider_file_id FROM file_quarantine');
    for (const f of await world.app.store.findings.list({ engine: 'storage-orphans', status: 'quarantined', sort: 'subject', direction: 'asc', limit: 10, offset: 0 }).then((l) => l.items)) {
      await restore(world, f.id).catch(() => undefined);
    }
    // Whatever was held came back, whole.
    for (const h of held) expect(await byPid(world, h.provider_file_id)).toHaveLength(1);
  });
});

describe('attack s22b: two rows of one account pointing at one gone cloud file (no unique cloud id)', () => {
  async function twoRowsOneFile(): Promise<StorageWorld> {
    const w = await openStorageWorld([{ id: 'ada', drive: driveFiles('ada', 3), goneDrive: ['g-gone'] }], { ddl: [FILES('TEXT PRIMARY KEY', false)] });
    await insert(w, "'row-g-gone-copy'", 'g-gone');
    return w;
  }

  it('a full check reports both rows', async () => {
    world = await twoRowsOneFile();
    expect(resultOf(await world.run({ mode: 'check', full: true, strategy: 'probe' })).orphans).toBe(2);
    expect(await describeOpen(world)).toEqual(['ada/google/row-g-gone-copy/g-gone', 'ada/google/row-g-gone/g-gone']);
  });

  // Was a known limit until session 23: earlier findings were carried by cloud id, one per file, so of two rows of one
  // account pointing at the same gone file (a table without UNIQUE (provider, provider_file_id)) one finding was
  // superseded until the next full pass reported it again. They are carried by row now (findingRowKey).
  it('a delta with no change keeps both findings open (carried forward)', async () => {
    world = await twoRowsOneFile();
    await world.run({ mode: 'check', full: true, strategy: 'probe' });
    expect(await describeOpen(world)).toHaveLength(2);
    const delta = resultOf(await world.run({ mode: 'check' }));
    expect(delta.results[0], JSON.stringify(delta.results)).toMatchObject({ pass: 'delta' });
    expect(await describeOpen(world), JSON.stringify(delta.results)).toEqual(['ada/google/row-g-gone-copy/g-gone', 'ada/google/row-g-gone/g-gone']);
  });

  // The same former limit (earlier findings carried by cloud id).
  it('a check that cannot reach Drive keeps both findings open (carried forward)', async () => {
    world = await twoRowsOneFile();
    await world.run({ mode: 'check', full: true, strategy: 'probe' });
    expect(await describeOpen(world)).toHaveLength(2);
    world.google.fault('*', DRIVE_DOWN);
    const failed = resultOf(await world.run({ mode: 'check', full: true }));
    world.google.clearFaults();
    expect(await describeOpen(world), JSON.stringify(failed.results)).toEqual(['ada/google/row-g-gone-copy/g-gone', 'ada/google/row-g-gone/g-gone']);
  });
});

describe('session 23: earlier findings carried by the row they are about', () => {
  const twoRowsOneFile = async (): Promise<StorageWorld> => {
    const w = await openStorageWorld([{ id: 'ada', drive: driveFiles('ada', 3), goneDrive: ['g-gone'] }], { ddl: [FILES('TEXT PRIMARY KEY', false)] });
    await insert(w, "'row-g-gone-copy'", 'g-gone');
    return w;
  };

  it('probes left without an answer carry each row\'s own finding (two rows, one gone file)', async () => {
    world = await twoRowsOneFile();
    await world.run({ mode: 'check', full: true, strategy: 'probe' });
    world.google.fault('drive.files.get', DRIVE_DOWN);
    const unknown = resultOf(await world.run({ mode: 'check', full: true, strategy: 'probe' }));
    world.google.clearFaults();
    expect(unknown.results[0], JSON.stringify(unknown.results)).toMatchObject({ status: 'unknown' });
    expect(await describeOpen(world)).toEqual(['ada/google/row-g-gone-copy/g-gone', 'ada/google/row-g-gone/g-gone']);
  });

  it('two open findings about one row (an older subject beside today\'s) are still one: one carried, the other superseded', async () => {
    world = await openStorageWorld([{ id: 'ada', drive: driveFiles('ada', 3), goneDrive: ['g-gone'] }]);
    const first = await world.run({ mode: 'check', full: true });
    const [today] = await openOrphans(world);
    // What an older version could have left: the same row and file under another subject.
    await world.app.store.findings.insertMany(first.id, 'storage-orphans', [{ ...today!, subject: 'file-old:row-g-gone', details: today!.details ?? {} } as never], new Date().toISOString());
    expect(await openOrphans(world)).toHaveLength(2);
    world.google.fault('*', DRIVE_DOWN);
    await world.run({ mode: 'check', full: true });
    world.google.clearFaults();
    expect((await openOrphans(world)).map((f) => f.subject)).toEqual([today!.subject]);
  });
});

describe('attack s22b: ids the repair cannot bind', () => {
  // key-match: "Bytes that are not UTF-8 do not come back … such a row is not found by id, so never concluded on". The
  // thread re-reads drifted rows by their raw ids, so it does conclude on them. A repair must then not call the row
  // gone (superseding its finding) while it is still in files.
  it.each([
    { label: 'blob x\'FF\'', id: "x'FF'" },
    { label: 'text with invalid UTF-8', id: "CAST(x'C328' AS TEXT)" },
  ])('an orphan with id $label: reported ⇒ quarantined, or its finding stays open', async ({ id }) => {
    world = await openStorageWorld([{ id: 'ada', drive: driveFiles('ada', 2) }], { ddl: [FILES('PRIMARY KEY')] });
    await insert(world, id, 'g-gone-bytes');
    const check = resultOf(await world.run({ mode: 'check', full: true }));
    const reported = await openOrphans(world);
    const repair = (await world.run({ mode: 'repair', all: true })).result as Record<string, unknown>;
    const still = await byPid(world, 'g-gone-bytes');
    if (still.length > 0 && reported.length > 0) {
      // Still in files: its finding must not have been closed as "left the files table".
      const after = await world.app.store.findings.byIds(reported.map((f) => f.id));
      expect(after.map((f) => f.status), `${JSON.stringify(check.results)} ${JSON.stringify(repair)}`).toEqual(['open']);
    }
    expect(await byPid(world, 'g-ada-0')).toHaveLength(1);
  });
});
