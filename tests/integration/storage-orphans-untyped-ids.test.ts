import { afterEach, describe, expect, it } from 'vitest';
import { dropboxFiles, driveFiles, openStorageWorld, resultOf, type StorageWorld } from './storage-orphans.setup';

/**
 * A product's files table whose id column is declared with no type (SQLite lets a PRIMARY KEY be typeless). There an
 * integer id never equals its text, and ids travel as text (findings, the diff's answers): before keysIn, such a row
 * the diff saw as an orphan was read again by its text id, not found, and never reported; a repair or a restore by
 * id missed it too. Now each is found, quarantined whole and restored as an integer, and two rows whose ids read the
 * same text (7 and '7') are refused, never merged into one quarantined copy.
 */
const UNTYPED_FILES = `CREATE TABLE files (
  id PRIMARY KEY, user_id TEXT NOT NULL, provider TEXT NOT NULL, provider_file_id TEXT NOT NULL, name TEXT, size INTEGER, created_at TEXT,
  UNIQUE (provider, provider_file_id))`;

/** 2^60 + 1: past 2^53, so only an exact integer (a bigint) finds it. */
const BIG = 2n ** 60n + 1n;

let world: StorageWorld | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

const openOrphans = async (w: StorageWorld) =>
  (await w.app.store.findings.open('storage-orphans'))
    .filter((f) => f.kind === 'orphan')
    .map((f) => `${String(f.details?.fileRowId)} ${String(f.details?.providerFileId)}`)
    .sort();

const typed = (w: StorageWorld, pid: string) => w.rows<{ t: string; id: string }>('SELECT typeof(id) AS t, CAST(id AS TEXT) AS id FROM files WHERE provider_file_id = ?', [pid]);

async function untypedWorld(ddl = UNTYPED_FILES): Promise<StorageWorld> {
  const w = await openStorageWorld([{ id: 'ada', drive: driveFiles('ada', 3), goneDrive: ['g-gone-text'], dropbox: dropboxFiles('ada', 2) }], { ddl: [ddl] });
  // Integer ids: one pointing at a live Drive file, two at files that are gone (one Drive, one Dropbox, past 2^53).
  await w.exec("UPDATE files SET id = 9 WHERE id = 'row-g-ada-0'");
  await w.exec("INSERT INTO files (id, user_id, provider, provider_file_id, name, size) VALUES (7, 'ada', 'google', 'g-gone-int', 'int.pdf', 1)");
  await w.exec(`INSERT INTO files (id, user_id, provider, provider_file_id, name, size) VALUES (${BIG}, 'ada', 'dropbox', 'id:d-gone-big', 'big.txt', 1)`);
  return w;
}

describe('storage-orphans on a files table whose id column has no declared type (SQLite)', () => {
  it('a full check reports the integer-id orphans with the text one, and only those', async () => {
    world = await untypedWorld();
    const check = resultOf(await world.run({ mode: 'check', full: true }));
    expect(check.orphans).toBe(3);
    expect(await openOrphans(world)).toEqual([`${BIG} id:d-gone-big`, '7 g-gone-int', 'row-g-gone-text g-gone-text']);
  });

  it('a delta reports an integer-id orphan added since the full pass', async () => {
    world = await untypedWorld();
    expect(resultOf(await world.run({ mode: 'check', full: true })).orphans).toBe(3);
    await world.exec("INSERT INTO files (id, user_id, provider, provider_file_id, name, size) VALUES (12, 'ada', 'dropbox', 'id:d-gone-later', 'later.txt', 1)");
    const delta = resultOf(await world.run({ mode: 'check' }));
    expect(delta.results.find((r) => r.provider === 'dropbox')).toMatchObject({ pass: 'delta' });
    expect(await openOrphans(world)).toContain('12 id:d-gone-later');
  });

  it('the repair quarantines the integer-id rows and a restore puts each back as an integer', async () => {
    world = await untypedWorld();
    expect(resultOf(await world.run({ mode: 'check', full: true })).orphans).toBe(3);
    const findings = await world.app.store.findings.open('storage-orphans');
    const repair = await world.run({ mode: 'repair', all: true });
    expect(repair.result, JSON.stringify(repair.result)).toMatchObject({ quarantined: 3 });
    expect(await typed(world, 'g-gone-int')).toEqual([]);
    expect(await typed(world, 'id:d-gone-big')).toEqual([]);
    // The live integer-id row was never touched.
    expect(await typed(world, 'g-ada-0')).toEqual([{ t: 'integer', id: '9' }]);

    for (const f of findings) {
      const restored = await world.app.handlers['storage.restore']({ findingId: f.id }, { actor: 'manual' });
      expect(restored).toMatchObject({ restored: true });
    }
    expect(await typed(world, 'g-gone-int')).toEqual([{ t: 'integer', id: '7' }]);
    expect(await typed(world, 'id:d-gone-big')).toEqual([{ t: 'integer', id: String(BIG) }]);
    expect(await typed(world, 'g-gone-text')).toEqual([{ t: 'text', id: 'row-g-gone-text' }]);
    expect(await world.rows('SELECT id FROM file_quarantine')).toEqual([]);
  });

  it('a restore finds the integer id the product re-used since, and says so', async () => {
    world = await untypedWorld();
    expect(resultOf(await world.run({ mode: 'check', full: true })).orphans).toBe(3);
    const seven = (await world.app.store.findings.open('storage-orphans')).find((f) => f.details?.fileRowId === '7');
    expect((await world.run({ mode: 'repair', all: true })).result).toMatchObject({ quarantined: 3 });
    await world.exec("INSERT INTO files (id, user_id, provider, provider_file_id, name, size) VALUES (7, 'ada', 'google', 'g-ada-1-copy', 'new.pdf', 1)");
    const restore = Promise.resolve().then(() => world?.app.handlers['storage.restore']({ findingId: seven?.id as number }, { actor: 'manual' }));
    await expect(restore).rejects.toThrow(/A row with the id 7 is in files again/);
    expect(await world.rows("SELECT provider_file_id AS pid FROM file_quarantine WHERE id = '7'")).toEqual([{ pid: 'g-gone-int' }]);
  });

  it('a REAL id past 2^53 is reported alone; its move, which would also take the live integer row, is refused whole (ids not unique)', async () => {
    // Only a table whose ids are not unique can hold both: as a key, REAL 2^60 and INTEGER 2^60 are one value.
    world = await untypedWorld(UNTYPED_FILES.replace('id PRIMARY KEY', 'id'));
    // 2^60 stored as REAL reads '1152921504606847000'; bound back as that number it also equals the INTEGER 2^60 (a live row).
    await world.exec("INSERT INTO files (id, user_id, provider, provider_file_id, name, size) VALUES (CAST(1152921504606846976 AS REAL), 'ada', 'google', 'g-gone-real', 'real.pdf', 1)");
    await world.exec("UPDATE files SET id = 1152921504606846976 WHERE id = 'row-g-ada-1'");
    const check = resultOf(await world.run({ mode: 'check', full: true }));
    expect(check.orphans).toBe(4);
    expect(await openOrphans(world)).toContain('1152921504606847000 g-gone-real');
    const repair = (await world.run({ mode: 'repair', all: true })).result;
    // The delete's count check (more rows than asked) rolls the move back: both rows stay, the others moved.
    expect(repair, JSON.stringify(repair)).toMatchObject({ quarantined: 3, itemsFailed: 1 });
    expect((await typed(world, 'g-gone-real')).map((r) => r.t)).toEqual(['real']);
    expect(await typed(world, 'g-ada-1')).toEqual([{ t: 'integer', id: '1152921504606846976' }]);
    expect(await world.rows("SELECT provider_file_id AS pid FROM file_quarantine WHERE provider_file_id IN ('g-gone-real', 'g-ada-1')")).toEqual([]);
  });

  it("rows 7 and '7' both orphans: the repair refuses to quarantine either, and both stay", async () => {
    world = await untypedWorld();
    await world.exec("INSERT INTO files (id, user_id, provider, provider_file_id, name, size) VALUES ('7', 'ada', 'google', 'g-gone-seven', 'seven.pdf', 1)");
    expect(resultOf(await world.run({ mode: 'check', full: true })).orphans).toBe(4);
    const repair = await world.run({ mode: 'repair', all: true });
    expect(JSON.stringify(repair.result)).toMatch(/two rows whose ids both read 7/);
    const sevens = await world.rows<{ t: string; pid: string }>("SELECT typeof(id) AS t, provider_file_id AS pid FROM files WHERE id IN (7, '7') ORDER BY pid");
    expect(sevens).toEqual([
      { t: 'integer', pid: 'g-gone-int' },
      { t: 'text', pid: 'g-gone-seven' },
    ]);
    expect(await world.rows("SELECT id FROM file_quarantine WHERE id = '7'")).toEqual([]);
    // The other orphans were not held back by the refusal.
    expect(await typed(world, 'id:d-gone-big')).toEqual([]);
  });
});
