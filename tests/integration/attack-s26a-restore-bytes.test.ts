import { afterEach, describe, expect, it } from 'vitest';
import { usePostgres } from '../helpers/postgres';
import { driveFiles, openStorageWorld, type StorageWorld } from './storage-orphans.setup';

/**
 * s26a attack: "restore puts it back byte-equal" (docs/safety.md, canonical-schema.md) on values a real product
 * table can hold, compared byte for byte (SQLite hex()/typeof(), PostgreSQL the type's binary send form).
 */
const postgres = usePostgres();
let world: StorageWorld | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

async function quarantineAndRestore(w: StorageWorld): Promise<void> {
  expect((await w.run({ mode: 'check' })).state).toBe('succeeded');
  const open = await w.app.store.findings.open('storage-orphans');
  expect(open.length).toBeGreaterThan(0);
  const repair = await w.run({ mode: 'repair', all: true });
  expect(repair.result).toMatchObject({ quarantined: open.length });
  for (const f of open) expect(await w.app.handlers['storage.restore']({ findingId: f.id }, { actor: 'manual' })).toMatchObject({ restored: true });
  expect(await w.rows('SELECT id FROM file_quarantine')).toEqual([]);
}

describe('s26a: restore is byte-equal (SQLite)', () => {
  it('a text cell holding bytes that are not UTF-8 comes back as the same bytes (not U+FFFD)', async () => {
    world = await openStorageWorld([{ id: 'ada', drive: driveFiles('ada', 2), goneDrive: ['g-gone-1'] }], {
      ddl: ['CREATE TABLE files (id TEXT PRIMARY KEY, user_id TEXT NOT NULL, provider TEXT NOT NULL, provider_file_id TEXT NOT NULL, name TEXT, size BIGINT, created_at TEXT, note TEXT, loose, UNIQUE (provider, provider_file_id))'],
    });
    await world.exec(`UPDATE files SET note = CAST(X'4C6174696EFF31C3' AS TEXT) WHERE id = 'row-g-gone-1'`);
    const read = () => world!.rows<{ t1: string; h1: string }>(`SELECT typeof(note) AS t1, hex(note) AS h1 FROM files WHERE id = 'row-g-gone-1'`);
    const before = await read();
    expect(before).toEqual([{ t1: 'text', h1: '4C6174696EFF31C3' }]);
    await quarantineAndRestore(world);
    expect(await read()).toEqual(before);
  });
});

describe('s26a: restore is byte-equal (PostgreSQL)', () => {
  it('double precision and real come back bit-exact when the database sets extra_float_digits = 0', async () => {
    const url = await postgres().createDatabase('s26a_float');
    const dbName = 's26a_float';
    world = await openStorageWorld([{ id: 'ada', drive: driveFiles('ada', 2), goneDrive: ['g-gone-1'] }], {
      postgresUrl: url,
      ddl: [
        `ALTER DATABASE ${dbName} SET extra_float_digits = 0`,
        'CREATE TABLE files (id text PRIMARY KEY, user_id text NOT NULL, provider text NOT NULL, provider_file_id text NOT NULL, name text, size bigint, created_at timestamptz, score double precision, ratio real, UNIQUE (provider, provider_file_id))',
      ],
    });
    await world.exec(`UPDATE files SET score = 0.1::float8 + 0.2::float8, ratio = 1::real / 3::real WHERE id = 'row-g-gone-1'`);
    const read = () => world!.rows(`SELECT encode(float8send(score), 'hex') AS s, encode(float4send(ratio), 'hex') AS r FROM files WHERE id = 'row-g-gone-1'`);
    const before = await read();
    expect(before).toEqual([{ s: '3fd3333333333334', r: expect.any(String) }]);
    await quarantineAndRestore(world);
    expect(await read()).toEqual(before);
  });
});
