import { afterEach, describe, expect, it } from 'vitest';
import { usePostgres } from '../helpers/postgres';
import { driveFiles, openStorageWorld, type StorageWorld } from './storage-orphans.setup';

/**
 * s26g attack on 73cbd0b (PostgreSQL row images: the server's text form, cast back with CAST(? AS type)). The capture
 * pins DateStyle, IntervalStyle and extra_float_digits, but a text form's INPUT can depend on other session settings:
 * `xmloption` decides whether CAST(text AS xml) accepts a content fragment. A product that stores fragments with
 * XMLPARSE(CONTENT …) in a database whose default is DOCUMENT cannot get its row back.
 */
const postgres = usePostgres();
let world: StorageWorld | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

describe('s26g: restore on PostgreSQL under session settings the capture does not pin', () => {
  it('an xml content fragment comes back when the database default is xmloption = document', async () => {
    const dbName = 's26g_xml';
    const url = await postgres().createDatabase(dbName);
    world = await openStorageWorld([{ id: 'ada', drive: driveFiles('ada', 2), goneDrive: ['g-gone-1'] }], {
      postgresUrl: url,
      ddl: [
        `ALTER DATABASE ${dbName} SET xmloption = document`,
        `CREATE TYPE mood AS ENUM ('ok', 'sad')`,
        `CREATE TYPE pair AS (a double precision, b text)`,
        'CREATE TABLE files (id text PRIMARY KEY, user_id text NOT NULL, provider text NOT NULL, provider_file_id text NOT NULL, name text, size bigint, created_at timestamptz, ' +
          'meta xml, m mood, p pair, fs double precision[], j json, span interval, UNIQUE (provider, provider_file_id))',
      ],
    });
    await world.exec(
      `UPDATE files SET meta = XMLPARSE(CONTENT 'note <b>one</b> and <i>two</i>'), m = 'sad', p = ROW(0.1::float8 + 0.2::float8, 'x,"y"')::pair,
       fs = ARRAY[0.1::float8 + 0.2::float8, 'NaN', '-Infinity'], j = '{"b":1,"a":2,"a":3}', span = '1 mon -2 days 03:04:05.678' WHERE id = 'row-g-gone-1'`,
    );
    const read = () => world!.rows(`SELECT meta::text AS meta, m::text AS m, p::text AS p, fs::text AS fs, j::text AS j, span::text AS span FROM files WHERE id = 'row-g-gone-1'`);
    const before = await read();
    expect(before).toHaveLength(1);
    expect((await world.run({ mode: 'check' })).state).toBe('succeeded');
    const open = await world.app.store.findings.open('storage-orphans');
    expect(open).toHaveLength(1);
    const repair = await world.run({ mode: 'repair', all: true });
    expect(repair.result).toMatchObject({ quarantined: 1 });
    const restored = await Promise.resolve(world.app.handlers['storage.restore']({ findingId: open[0]!.id }, { actor: 'manual' })).catch((e: unknown) => ({ error: String(e) }));
    expect({ restored, row: await read() }).toMatchObject({ restored: { restored: true }, row: before });
  });

  it('(held) enum, composite with a float, float8[] with NaN/-Infinity, json with duplicate keys, interval under odd styles come back', async () => {
    const dbName = 's26g_types';
    const url = await postgres().createDatabase(dbName);
    world = await openStorageWorld([{ id: 'ada', drive: driveFiles('ada', 2), goneDrive: ['g-gone-1'] }], {
      postgresUrl: url,
      ddl: [
        `ALTER DATABASE ${dbName} SET IntervalStyle = 'sql_standard'`, `ALTER DATABASE ${dbName} SET DateStyle = 'SQL, DMY'`, `ALTER DATABASE ${dbName} SET extra_float_digits = -15`, `ALTER DATABASE ${dbName} SET lc_monetary = 'C'`,
        `CREATE TYPE mood AS ENUM ('ok', 'sad')`,
        `CREATE TYPE pair AS (a double precision, b text)`,
        'CREATE TABLE files (id text PRIMARY KEY, user_id text NOT NULL, provider text NOT NULL, provider_file_id text NOT NULL, name text, size bigint, created_at timestamptz, ' +
          'meta money, ts timestamp(3), d date, m mood, p pair, fs double precision[], j json, span interval, UNIQUE (provider, provider_file_id))',
      ],
    });
    await world.exec(
      `UPDATE files SET meta = '12.34'::money, ts = '2024-03-04 05:06:07.891', d = '0044-03-15 BC', m = 'sad', p = ROW(0.1::float8 + 0.2::float8, 'x,"y"')::pair,
       fs = ARRAY[0.1::float8 + 0.2::float8, 'NaN', '-Infinity'], j = '{"b":1,"a":2,"a":3}', span = '1 mon -2 days 03:04:05.678' WHERE id = 'row-g-gone-1'`,
    );
    const read = () => world!.rows(`SELECT meta::text AS meta, to_char(ts, 'YYYY-MM-DD HH24:MI:SS.MS') AS ts, to_char(d, 'YYYY-MM-DD BC') AS d, encode(float8send(fs[1]), 'hex') AS f1, encode(float8send((p).a), 'hex') AS pa, m::text AS m, (p).b AS p, fs::text AS fs, j::text AS j, span::text AS span FROM files WHERE id = 'row-g-gone-1'`);
    const before = await read();
    expect(before).toHaveLength(1);
    expect((await world.run({ mode: 'check' })).state).toBe('succeeded');
    const open = await world.app.store.findings.open('storage-orphans');
    expect(open).toHaveLength(1);
    const repair = await world.run({ mode: 'repair', all: true });
    expect(repair.result).toMatchObject({ quarantined: 1 });
    const restored = await Promise.resolve(world.app.handlers['storage.restore']({ findingId: open[0]!.id }, { actor: 'manual' })).catch((e: unknown) => ({ error: String(e) }));
    expect({ restored, row: await read() }).toMatchObject({ restored: { restored: true }, row: before });
  });
});
