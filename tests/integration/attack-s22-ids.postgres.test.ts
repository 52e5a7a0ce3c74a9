import { afterEach, describe, expect, it } from 'vitest';
import { usePostgres } from '../helpers/postgres';
import { dropboxFiles, driveFiles, openStorageWorld, resultOf, type StorageWorld } from './storage-orphans.setup';

/**
 * Attack s22 in PostgreSQL: keyValues binds the text alone there, and the engine names every row by String(id as the
 * driver returns it); the move copied the id as stored into file_quarantine.id (text) until the fix, which names each
 * copy by that String(id). For id columns
 * of types whose value the driver returns in another form than the server's own text (float8, char(n)), or types
 * that only the server converts (uuid, integer, numeric), every orphan must be found, quarantined under the id its
 * finding names, and restored whole.
 */
const postgres = usePostgres();
let databases = 0;

let world: StorageWorld | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

const restore = (w: StorageWorld, findingId: number) => Promise.resolve().then(() => w.app.handlers['storage.restore']({ findingId }, { actor: 'manual' }));

const CASES = [
  { type: 'integer', live: '1', gone: ['7', '-3', '2147483647'] },
  { type: 'bigint', live: '1', gone: ['9007199254740993', '-9223372036854775808'] },
  { type: 'numeric', live: '1', gone: ['7.10', '100000000000000000000'] },
  { type: 'uuid', live: '00000000-0000-0000-0000-000000000001', gone: ['A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A11'.toLowerCase()] },
  { type: 'text', live: '7', gone: ['007', ' 7', '7 ', '1e3'] },
  { type: 'double precision', live: '1', gone: ['7', '0.1', '1e15', '1e21'] },
  { type: 'character(12)', live: 'live', gone: ['abc', 'x y'] },
];

describe('attack s22: PostgreSQL id column types', () => {
  it.each(CASES)('id $type: orphans $gone reported, quarantined under their finding ids and restored whole', async ({ type, live, gone }) => {
    world = await openStorageWorld([{ id: 'ada', drive: driveFiles('ada', 1) }], {
      postgresUrl: await postgres().createDatabase(`s22_ids_${++databases}`),
      ddl: [
        `CREATE TABLE files (id text PRIMARY KEY, user_id text NOT NULL, provider text NOT NULL, provider_file_id text NOT NULL, name text, size bigint, created_at timestamptz, UNIQUE (provider, provider_file_id))`,
      ],
    });
    await world.exec('UPDATE files SET id = ? WHERE provider_file_id = ?', [live, 'g-ada-0']);
    await world.exec(`ALTER TABLE files ALTER COLUMN id TYPE ${type} USING CAST(id AS ${type})`);
    for (const [i, id] of gone.entries()) await world.exec(`INSERT INTO files (id, user_id, provider, provider_file_id, name, size) VALUES (CAST(? AS ${type}), 'ada', 'google', ?, ?, 1)`, [id, `g-gone-${i}`, `gone-${i}`]);
    const before = await world.rows<{ id: string; pid: string }>("SELECT CAST(id AS text) AS id, provider_file_id AS pid FROM files ORDER BY provider_file_id");

    const check = resultOf(await world.run({ mode: 'check', full: true }));
    expect(check.orphans, JSON.stringify(check.results)).toBe(gone.length);
    const findings = (await world.app.store.findings.open('storage-orphans')).filter((f) => f.kind === 'orphan');
    const repair = (await world.run({ mode: 'repair', all: true })).result;
    expect(repair, JSON.stringify(repair)).toMatchObject({ quarantined: gone.length });
    const held = await world.rows<{ id: string; image: boolean }>('SELECT id, row_image IS NOT NULL AS image FROM file_quarantine');
    const outcomes: string[] = [];
    for (const f of findings) outcomes.push(await restore(world, f.id).then((r) => `${String(f.details?.fileRowId)}: ${r.message}`, (e: Error) => `${String(f.details?.fileRowId)}: ${e.message}`));
    expect(outcomes.filter((o) => !/is back in the product's files table/.test(o))).toEqual([]);
    expect(held.map((h) => `${h.id} image:${String(h.image)}`).sort(), 'file_quarantine keys vs finding ids').toEqual(findings.map((f) => `${String(f.details?.fileRowId)} image:true`).sort());
    expect(await world.rows("SELECT CAST(id AS text) AS id, provider_file_id AS pid FROM files ORDER BY provider_file_id")).toEqual(before);
    expect(await world.rows('SELECT id FROM file_quarantine')).toEqual([]);
  }, 60_000);

  it('id integer: a restore after the product re-used the id refuses and keeps the quarantined row', async () => {
    world = await openStorageWorld([{ id: 'ada', drive: driveFiles('ada', 1), dropbox: dropboxFiles('ada', 1) }], {
      postgresUrl: await postgres().createDatabase(`s22_ids_${++databases}`),
      ddl: [`CREATE TABLE files (id text PRIMARY KEY, user_id text NOT NULL, provider text NOT NULL, provider_file_id text NOT NULL, name text, size bigint, created_at timestamptz, UNIQUE (provider, provider_file_id))`],
    });
    await world.exec("UPDATE files SET id = '1' WHERE provider_file_id = 'g-ada-0'");
    await world.exec("UPDATE files SET id = '2' WHERE provider_file_id = 'id:d-ada-0'");
    await world.exec('ALTER TABLE files ALTER COLUMN id TYPE integer USING CAST(id AS integer)');
    await world.exec("INSERT INTO files (id, user_id, provider, provider_file_id, name, size) VALUES (7, 'ada', 'google', 'g-gone', 'gone', 1)");
    await world.run({ mode: 'check', full: true });
    const [finding] = (await world.app.store.findings.open('storage-orphans')).filter((f) => f.kind === 'orphan');
    expect((await world.run({ mode: 'repair', all: true })).result).toMatchObject({ quarantined: 1 });
    await world.exec("INSERT INTO files (id, user_id, provider, provider_file_id, name, size) VALUES (7, 'ada', 'google', 'g-new', 'new', 1)");
    await expect(restore(world, finding?.id as number)).rejects.toThrow(/is in files again/);
    expect(await world.rows("SELECT provider_file_id AS pid FROM file_quarantine WHERE id = '7'")).toEqual([{ pid: 'g-gone' }]);
  }, 60_000);
  it("id text without NOT NULL: a gone row with a NULL id beside a live row whose id is the text 'null' — the live row is neither reported nor quarantined", async () => {
    world = await openStorageWorld([{ id: 'ada', drive: driveFiles('ada', 2) }], {
      postgresUrl: await postgres().createDatabase(`s22_ids_${++databases}`),
      ddl: [`CREATE TABLE files (id text UNIQUE, user_id text NOT NULL, provider text NOT NULL, provider_file_id text NOT NULL, name text, size bigint, created_at timestamptz, UNIQUE (provider, provider_file_id))`],
    });
    await world.exec("UPDATE files SET id = 'null' WHERE provider_file_id = 'g-ada-0'");
    await world.exec("INSERT INTO files (id, user_id, provider, provider_file_id, name, size) VALUES (NULL, 'ada', 'google', 'g-gone-null', 'gone', 1)");
    await world.run({ mode: 'check', full: true });
    const reported = (await world.app.store.findings.open('storage-orphans')).map((f) => `${String(f.details?.fileRowId)} ${String(f.details?.providerFileId)}`);
    const repair = (await world.run({ mode: 'repair', all: true })).result;
    expect(await world.rows("SELECT id FROM files WHERE provider_file_id = 'g-ada-0'"), `${JSON.stringify(reported)} ${JSON.stringify(repair)}`).toEqual([{ id: 'null' }]);
    expect(reported.filter((r) => r.endsWith(' g-ada-0'))).toEqual([]);
  }, 60_000);
});
