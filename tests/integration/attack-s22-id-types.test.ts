import { afterEach, describe, expect, it } from 'vitest';
import { dropboxFiles, driveFiles, openStorageWorld, resultOf, type StorageWorld } from './storage-orphans.setup';
import { FILES, insert, openOrphans, restore } from './storage-orphans.id-tables';

/**
 * Attack s22: the id handling of a7e73b9/21c3a7a (keysIn, raw-key moves, the thread's byKey read) against id
 * columns of every SQLite type and values the fix did not seed: REAL ids, integers stored as REAL, Infinity,
 * blobs, pairs of rows whose ids read the same text, ids that look numeric in a TEXT column, a delta's new rows,
 * rows changed between the check and the repair, a restore after the id was re-used as another type, 600 ids.
 * Each test asserts the safe behaviour: a failing test is a fault.
 */

let world: StorageWorld | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

const describeOpen = async (w: StorageWorld) => (await openOrphans(w)).map((f) => `${String(f.details?.fileRowId)} ${String(f.details?.providerFileId)}`).sort();
const typed = (w: StorageWorld, pid: string) =>
  w.rows<{ t: string; id: string }>("SELECT typeof(id) AS t, CASE WHEN typeof(id) = 'blob' THEN hex(id) ELSE CAST(id AS TEXT) END AS id FROM files WHERE provider_file_id = ?", [pid]);

async function world1(idDecl: string): Promise<StorageWorld> {
  return openStorageWorld([{ id: 'ada', drive: driveFiles('ada', 3), dropbox: dropboxFiles('ada', 2) }], { ddl: [FILES(idDecl)] });
}

describe('attack s22: REAL ids and integers stored as REAL', () => {
  // A REAL (or FLOAT/DOUBLE) key stores 7 as 7.0, which the driver reads 7 and the engine calls '7'. file_quarantine.id
  // is TEXT: SQLite's own text of 7.0 is '7.0'. Every quarantined copy must still be found by the id its finding names.
  it.each([
    { decl: 'REAL PRIMARY KEY', ids: ['7', '1e20', '1.0/3'] },
    { decl: 'PRIMARY KEY', ids: ['7.0', '7.5', 'CAST(1152921504606846976 AS REAL)'] },
    { decl: 'NUMERIC PRIMARY KEY', ids: ["'99999999999999999999'"] },
  ])('id $decl with ids $ids: quarantined whole and restored as they were', async ({ decl, ids }) => {
    world = await world1(decl);
    for (const [i, id] of ids.entries()) await insert(world, id, `g-gone-${i}`);
    const before = await Promise.all(ids.map((_, i) => typed(world as StorageWorld, `g-gone-${i}`)));
    const check = resultOf(await world.run({ mode: 'check', full: true }));
    expect(check.orphans).toBe(ids.length);
    const findings = await openOrphans(world);
    const repair = await world.run({ mode: 'repair', all: true });
    expect(repair.result, JSON.stringify(repair.result)).toMatchObject({ quarantined: ids.length });
    const outcomes: string[] = [];
    for (const f of findings) outcomes.push(await restore(world, f.id).then((r) => `${String(f.details?.fileRowId)}: ${r.message}`, (e: Error) => `${String(f.details?.fileRowId)}: ${e.message}`));
    expect(outcomes.filter((o) => !/is back in the product's files table/.test(o))).toEqual([]);
    const after = await Promise.all(ids.map((_, i) => typed(world as StorageWorld, `g-gone-${i}`)));
    expect(after).toEqual(before);
    expect(await world.rows('SELECT id FROM file_quarantine')).toEqual([]);
  });

  it.each([
    { decl: 'REAL PRIMARY KEY', ids: ['7', '1e20', '1.0/3'] },
    { decl: 'PRIMARY KEY', ids: ['7.0', 'CAST(1152921504606846976 AS REAL)'] },
  ])('id $decl with ids $ids: each quarantined copy is kept under the id its finding names, with its image', async ({ decl, ids }) => {
    world = await world1(decl);
    for (const [i, id] of ids.entries()) await insert(world, id, `g-gone-${i}`);
    expect(resultOf(await world.run({ mode: 'check', full: true })).orphans).toBe(ids.length);
    const findings = await openOrphans(world);
    expect((await world.run({ mode: 'repair', all: true })).result).toMatchObject({ quarantined: ids.length });
    const held = await world.rows<{ id: string; image: number }>('SELECT id, row_image IS NOT NULL AS image FROM file_quarantine ORDER BY id');
    expect(held.map((h) => `${h.id} image:${Number(h.image)}`).sort()).toEqual(findings.map((f) => `${String(f.details?.fileRowId)} image:1`).sort());
  });

  it('a REAL Infinity id (untyped column): an orphan reported is quarantined, never called gone while it is live', async () => {
    world = await world1('PRIMARY KEY');
    await insert(world, '9e999', 'g-gone-inf');
    await insert(world, '-9e999', 'g-gone-ninf');
    const check = resultOf(await world.run({ mode: 'check', full: true }));
    expect(check.orphans).toBe(2);
    const repair = (await world.run({ mode: 'repair', all: true })).result as Record<string, unknown>;
    expect(repair, JSON.stringify(repair)).toMatchObject({ quarantined: 2 });
    expect(await typed(world, 'g-gone-inf')).toEqual([]);
  });
});

describe('attack s22: BLOB ids', () => {
  it('a BLOB id orphan (untyped column) is reported, quarantined and restored as a blob', async () => {
    world = await world1('PRIMARY KEY');
    await insert(world, "x'41424344'", 'g-gone-blob');
    const check = resultOf(await world.run({ mode: 'check', full: true }));
    expect(await describeOpen(world)).toEqual([expect.stringMatching(/ g-gone-blob$/)]);
    expect(check.orphans).toBe(1);
    const findings = await openOrphans(world);
    const repair = (await world.run({ mode: 'repair', all: true })).result as Record<string, unknown>;
    expect(repair, JSON.stringify(repair)).toMatchObject({ quarantined: 1, rowGone: 0 });
    expect(await typed(world, 'g-gone-blob')).toEqual([]);
    for (const f of findings) expect(await restore(world, f.id)).toMatchObject({ restored: true });
    expect(await typed(world, 'g-gone-blob')).toEqual([{ t: 'blob', id: '41424344' }]);
  });
});

describe('attack s22: two rows whose ids read the same text', () => {
  it('integer 7 (live file) and text 7 (gone file) in one account: only the gone one is reported', async () => {
    world = await world1('PRIMARY KEY');
    await world.exec("UPDATE files SET id = 7 WHERE id = 'row-g-ada-0'");
    await insert(world, "'7'", 'g-gone-seven');
    const check = resultOf(await world.run({ mode: 'check', full: true }));
    expect(await describeOpen(world)).toEqual(['7 g-gone-seven']);
    expect(check.orphans).toBe(1);
  });

  it('text 7 (live file) and integer 7 (gone file) in one account: the gone one is reported, the live one is not', async () => {
    world = await world1('PRIMARY KEY');
    await world.exec("UPDATE files SET id = '7' WHERE id = 'row-g-ada-0'");
    await insert(world, '7', 'g-gone-seven');
    const check = resultOf(await world.run({ mode: 'check', full: true }));
    expect(await describeOpen(world)).toEqual(['7 g-gone-seven']);
    expect(check.orphans).toBe(1);
  });

  it('integer 7 in Drive (live) and a new text 7 in Dropbox (gone), found by a delta: the Drive row is not reported', async () => {
    world = await world1('PRIMARY KEY');
    await world.exec("UPDATE files SET id = 7 WHERE id = 'row-g-ada-0'");
    expect(resultOf(await world.run({ mode: 'check', full: true })).orphans).toBe(0);
    await insert(world, "'7'", 'id:d-gone-later', 'dropbox');
    const delta = resultOf(await world.run({ mode: 'check' }));
    expect(delta.results.find((r) => r.provider === 'dropbox')).toMatchObject({ pass: 'delta' });
    expect(await describeOpen(world)).toEqual(['7 id:d-gone-later']);
    expect(delta.orphans, JSON.stringify(delta.results)).toBe(1);
    // The live Drive row is untouched by a repair.
    await world.run({ mode: 'repair', all: true });
    expect(await typed(world, 'g-ada-0')).toEqual([{ t: 'integer', id: '7' }]);
  });

  it('text 7 in Drive (live) and a new integer 7 in Dropbox (gone), found by a delta: only the Dropbox row is reported', async () => {
    world = await world1('PRIMARY KEY');
    await world.exec("UPDATE files SET id = '7' WHERE id = 'row-g-ada-0'");
    expect(resultOf(await world.run({ mode: 'check', full: true })).orphans).toBe(0);
    await insert(world, '7', 'id:d-gone-later', 'dropbox');
    const delta = resultOf(await world.run({ mode: 'check' }));
    expect(delta.results.find((r) => r.provider === 'dropbox'), JSON.stringify(delta.results)).toMatchObject({ pass: 'delta' });
    expect(await describeOpen(world), JSON.stringify(delta.results)).toEqual(['7 id:d-gone-later']);
    expect(delta.orphans, JSON.stringify(delta.results)).toBe(1);
  });

  it('integer 7 of another user (live) and text 7 (gone): only the gone one is reported', async () => {
    world = await openStorageWorld(
      [
        { id: 'ada', drive: driveFiles('ada', 2) },
        { id: 'bob', drive: driveFiles('bob', 2) },
      ],
      { ddl: [FILES('PRIMARY KEY')] },
    );
    await world.exec("UPDATE files SET id = 7 WHERE id = 'row-g-bob-0'");
    await insert(world, "'7'", 'g-gone-seven', 'google', 'ada');
    await world.run({ mode: 'check', full: true });
    expect(await describeOpen(world)).toEqual(['7 g-gone-seven']);
  });
});

describe('attack s22: numeric-looking text ids and typed columns (regressions)', () => {
  it.each(['TEXT PRIMARY KEY', 'PRIMARY KEY', 'BLOB PRIMARY KEY'])('text ids 007, -0, 1e3, " 7", 9223372036854775808 in a column %s: each found, quarantined and restored as text', async (decl) => {
    world = await world1(decl);
    const ids = ['007', '-0', '1e3', ' 7', '9223372036854775808', '7 '];
    for (const [i, id] of ids.entries()) await insert(world, `'${id}'`, `g-gone-${i}`);
    // A live integer 7 beside the text ones in the untyped column (a TEXT column makes it '7', which no gone id reads).
    await world.exec("UPDATE files SET id = 7 WHERE id = 'row-g-ada-0'");
    expect(resultOf(await world.run({ mode: 'check', full: true })).orphans).toBe(ids.length);
    expect((await describeOpen(world)).map((d) => d.replace(/ g-gone-\d$/, '')).sort()).toEqual([...ids].sort());
    const findings = await openOrphans(world);
    expect((await world.run({ mode: 'repair', all: true })).result).toMatchObject({ quarantined: ids.length });
    expect((await typed(world, 'g-ada-0')).length).toBe(1);
    for (const f of findings) expect(await restore(world, f.id)).toMatchObject({ restored: true });
    for (const [i, id] of ids.entries()) expect(await typed(world, `g-gone-${i}`)).toEqual([{ t: 'text', id }]);
  });

  it.each(['INTEGER UNIQUE', 'NUMERIC PRIMARY KEY', 'PRIMARY KEY', 'TEXT PRIMARY KEY'])('2^53±1, int64 extremes and negatives in a column %s: each found, quarantined, restored exactly', async (decl) => {
    world = await world1(decl);
    const ids = [2n ** 53n - 1n, 2n ** 53n + 1n, 2n ** 63n - 1n, -(2n ** 63n), -5n, 0n];
    for (const [i, id] of ids.entries()) await insert(world, String(id), `g-gone-${i}`);
    const before = await Promise.all(ids.map((_, i) => typed(world as StorageWorld, `g-gone-${i}`)));
    expect(resultOf(await world.run({ mode: 'check', full: true })).orphans).toBe(ids.length);
    const findings = await openOrphans(world);
    expect((await world.run({ mode: 'repair', all: true })).result).toMatchObject({ quarantined: ids.length });
    for (const f of findings) expect(await restore(world, f.id)).toMatchObject({ restored: true });
    expect(await Promise.all(ids.map((_, i) => typed(world as StorageWorld, `g-gone-${i}`)))).toEqual(before);
  });
});

describe('attack s22: rows changed between the check and the repair', () => {
  it('text 7 (orphan) replaced by integer 7 pointing at a live file: left alone, finding superseded', async () => {
    world = await world1('PRIMARY KEY');
    await insert(world, "'7'", 'g-gone-seven');
    await world.run({ mode: 'check', full: true });
    await world.exec("DELETE FROM files WHERE id = '7'");
    await world.exec("UPDATE files SET id = 7 WHERE id = 'row-g-ada-0'");
    const repair = (await world.run({ mode: 'repair', all: true })).result as Record<string, unknown>;
    expect(repair, JSON.stringify(repair)).toMatchObject({ quarantined: 0 });
    expect(await typed(world, 'g-ada-0')).toEqual([{ t: 'integer', id: '7' }]);
    expect(await world.rows('SELECT id FROM file_quarantine')).toEqual([]);
  });

  it('text 7 (orphan) re-added as integer 7 for the same gone file: quarantined as the integer, restored as the integer', async () => {
    world = await world1('PRIMARY KEY');
    await insert(world, "'7'", 'g-gone-seven');
    await world.run({ mode: 'check', full: true });
    const [finding] = await openOrphans(world);
    await world.exec("DELETE FROM files WHERE id = '7'");
    await insert(world, '7', 'g-gone-seven');
    expect((await world.run({ mode: 'repair', all: true })).result).toMatchObject({ quarantined: 1 });
    expect(await restore(world, finding?.id as number)).toMatchObject({ restored: true });
    expect(await typed(world, 'g-gone-seven')).toEqual([{ t: 'integer', id: '7' }]);
  });

  it('integer 7 quarantined, then the product adds text 7: the restore refuses and both survive', async () => {
    world = await world1('PRIMARY KEY');
    await insert(world, '7', 'g-gone-seven');
    await world.run({ mode: 'check', full: true });
    const [finding] = await openOrphans(world);
    expect((await world.run({ mode: 'repair', all: true })).result).toMatchObject({ quarantined: 1 });
    await insert(world, "'7'", 'g-ada-1-copy');
    await expect(restore(world, finding?.id as number)).rejects.toThrow(/is in files again/);
    expect(await world.rows("SELECT provider_file_id AS pid FROM file_quarantine WHERE id = '7'")).toEqual([{ pid: 'g-gone-seven' }]);
    expect(await typed(world, 'g-ada-1-copy')).toEqual([{ t: 'text', id: '7' }]);
  });

  it('real 7.0 quarantined, then the product adds integer 7: the restore refuses and both survive', async () => {
    world = await world1('PRIMARY KEY');
    await insert(world, '7.0', 'g-gone-seven');
    await world.run({ mode: 'check', full: true });
    const [finding] = await openOrphans(world);
    expect((await world.run({ mode: 'repair', all: true })).result).toMatchObject({ quarantined: 1 });
    await insert(world, '7', 'g-ada-1-copy');
    await expect(restore(world, finding?.id as number)).rejects.toThrow(/is in files again/);
    expect(await world.rows('SELECT provider_file_id AS pid FROM file_quarantine')).toEqual([{ pid: 'g-gone-seven' }]);
  });
});

describe('attack s22: many ids in one repair', () => {
  it('600 integer-id orphans (untyped column) in one repair: all quarantined, restorable, live rows untouched', async () => {
    world = await world1('PRIMARY KEY');
    const db = world.open();
    try {
      await db.transaction(async (tx) => {
        await tx.executeMany(
          'INSERT INTO files (id, user_id, provider, provider_file_id, name, size) VALUES (?, ?, ?, ?, ?, 1)',
          Array.from({ length: 600 }, (_, i) => [BigInt(1000 + i), 'ada', 'google', `g-gone-n${i}`, `n${i}`]),
        );
      });
    } finally {
      await db.close();
    }
    expect(resultOf(await world.run({ mode: 'check', full: true })).orphans).toBe(600);
    const findings = await openOrphans(world);
    const repair = (await world.run({ mode: 'repair', all: true })).result as Record<string, unknown>;
    expect(repair, JSON.stringify(repair)).toMatchObject({ quarantined: 600 });
    expect(Number((await world.rows<{ n: number }>('SELECT COUNT(*) AS n FROM file_quarantine'))[0]?.n)).toBe(600);
    for (const f of findings.slice(0, 5)) expect(await restore(world, f.id)).toMatchObject({ restored: true });
    expect((await typed(world, 'g-gone-n0')).map((r) => r.t)).toEqual(['integer']);
    // Live rows untouched.
    expect(Number((await world.rows<{ n: number }>("SELECT COUNT(*) AS n FROM files WHERE provider_file_id LIKE 'g-ada-%' OR provider_file_id LIKE 'id:d-ada-%'"))[0]?.n)).toBe(5);
  }, 120_000);
});

describe('attack s22: a gone row whose id the repair cannot bind, beside a live row whose id reads the same text', () => {
  // Before the fix the thread read every row of the chunk whose String(id) drifted, by its raw key: the live row reading
  // the same text was read too and handed on as the drift. keysIn then found only the live row (it could not bind NULL,
  // a blob or Infinity), so nothing was ambiguous and the live row was quarantined. Rows are now matched by id, cloud
  // id and account (ownRows).
  it.each([
    { gone: 'NULL', live: "'null'" },
    { gone: "x'41424344'", live: "'ABCD'" },
    { gone: '9e999', live: "'Infinity'" },
  ])('gone id $gone beside live id $live: the live row is neither reported nor quarantined', async ({ gone, live }) => {
    world = await world1('PRIMARY KEY');
    await world.exec(`UPDATE files SET id = ${live} WHERE id = 'row-g-ada-0'`);
    await insert(world, gone, 'g-gone-odd');
    await world.run({ mode: 'check', full: true });
    const repair = (await world.run({ mode: 'repair', all: true })).result;
    expect(await typed(world, 'g-ada-0'), JSON.stringify(repair)).toHaveLength(1);
    expect(await world.rows("SELECT id FROM file_quarantine WHERE provider_file_id = 'g-ada-0'")).toEqual([]);
  });

  it.each([
    { gone: 'NULL', live: "'null'" },
    { gone: "x'41424344'", live: "'ABCD'" },
    { gone: '9e999', live: "'Infinity'" },
  ])('gone id $gone beside live id $live: the check reports no live file as an orphan', async ({ gone, live }) => {
    world = await world1('PRIMARY KEY');
    await world.exec(`UPDATE files SET id = ${live} WHERE id = 'row-g-ada-0'`);
    await insert(world, gone, 'g-gone-odd');
    await world.run({ mode: 'check', full: true });
    expect((await describeOpen(world)).filter((d) => d.endsWith(' g-ada-0'))).toEqual([]);
  });
});

describe('attack s22: Dropbox rows the listing cannot speak for (probed by rowsByIds)', () => {
  it("another user's live Dropbox row whose id reads the same text is not probed in this user's account, nor reported", async () => {
    world = await openStorageWorld(
      [
        { id: 'ada', dropbox: dropboxFiles('ada', 1) },
        { id: 'bob', dropbox: dropboxFiles('bob', 1) },
      ],
      { ddl: [FILES('PRIMARY KEY')] },
    );
    await world.exec("UPDATE files SET id = '7' WHERE id = 'row-id:d-bob-0'");
    // A path, not an id: outside the listing's coveredPrefix, so ada's check probes it by rowsByIds.
    await insert(world, '7', '/apps/product/gone.txt', 'dropbox', 'ada');
    const check = resultOf(await world.run({ mode: 'check', full: true }));
    expect((await describeOpen(world)).filter((d) => d.endsWith('id:d-bob-0')), JSON.stringify(check.results)).toEqual([]);
    expect(await describeOpen(world), JSON.stringify(check.results)).toEqual(['7 /apps/product/gone.txt']);
    expect(check.results.find((r) => r.userId === 'ada')?.orphans, JSON.stringify(check.results)).toBe(1);
  });
  it("another user's live Dropbox row with the text id 'null' is never quarantined for this user's NULL-id path row", async () => {
    world = await openStorageWorld(
      [
        { id: 'ada', dropbox: dropboxFiles('ada', 1) },
        { id: 'bob', dropbox: dropboxFiles('bob', 1) },
      ],
      { ddl: [FILES('PRIMARY KEY')] },
    );
    await world.exec("UPDATE files SET id = 'null' WHERE id = 'row-id:d-bob-0'");
    await insert(world, 'NULL', '/apps/product/gone.txt', 'dropbox', 'ada');
    await world.run({ mode: 'check', full: true });
    const reported = await describeOpen(world);
    const repair = (await world.run({ mode: 'repair', all: true })).result;
    expect(await typed(world, 'id:d-bob-0'), `${JSON.stringify(reported)} ${JSON.stringify(repair)}`).toEqual([{ t: 'text', id: 'null' }]);
  });
});
