import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StoreTooNewError } from '../../core/store/database';
import { LATEST_SCHEMA_VERSION } from '../../core/store/migrations';
import { POSTGRES_BASELINE_VERSION } from '../../core/store/postgres-baseline';
import { migratePostgresStore, postgresSchemaVersion } from '../../core/store/postgres-migrate';
import { PostgresStoreDb } from '../../core/store/postgres-store-db';
import { usePostgres } from '../helpers/postgres';

const server = usePostgres();
let db: PostgresStoreDb;
let admin: pg.Client;

beforeAll(async () => {
  const url = await server().createDatabase('store_db');
  db = new PostgresStoreDb({ connectionString: url });
  await migratePostgresStore(db, 'test');
  admin = new pg.Client({ connectionString: server().url() });
  await admin.connect();
}, 120_000);
afterAll(async () => {
  await admin?.end();
  await db?.close();
});

/** Kills every backend of the store's pool (what a server restart or an admin's pg_terminate_backend does). */
async function killStoreConnections(): Promise<number> {
  const result = await admin.query(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'syncwarden' AND datname = 'store_db'`);
  return result.rowCount ?? 0;
}

async function newRun(q: Pick<PostgresStoreDb, 'get'>, scope: string): Promise<number> {
  const row = await q.get<{ id: number }>(
    `INSERT INTO runs (engine, scope, state, trigger, owner_pid, heartbeat_at, created_at) VALUES ('toy', ?, 'queued', 'cli', 1, ?, ?) RETURNING id`,
    [scope, '2026-12-02T00:00:00.000Z', '2026-12-02T00:00:00.000Z'],
  );
  return row!.id;
}

describe('PostgresStoreDb', () => {
  it('opens an empty database at the latest schema version, and a second open changes nothing', async () => {
    expect(await postgresSchemaVersion(db)).toBe(LATEST_SCHEMA_VERSION);
    expect(await migratePostgresStore(db, 'test')).toBe(LATEST_SCHEMA_VERSION);
  });

  it('returns ids and counts as numbers, RETURNING rows and changes', async () => {
    const id = await newRun(db, 'numbers');
    expect(typeof id).toBe('number');
    const count = await db.get<{ n: number }>('SELECT COUNT(*) AS n FROM runs WHERE scope = ?', ['numbers']);
    expect(count).toEqual({ n: 1 });
    expect(await db.run(`UPDATE runs SET state = 'failed' WHERE id = ?`, [id])).toEqual({ changes: 1 });
    expect(await db.all('SELECT id FROM runs WHERE scope = ?', ['nothing'])).toEqual([]);
    expect(await db.get('SELECT id FROM runs WHERE scope = ?', ['nothing'])).toBeUndefined();
  });

  it('refuses a bigint beyond 2^53 instead of returning a neighbouring number', async () => {
    await expect(db.get(`SELECT 9007199254740993::bigint AS n`)).rejects.toThrow(/2\^53/);
    await expect(db.get(`SELECT SUM(x)::numeric AS n FROM (VALUES (9007199254740993::numeric)) v(x)`)).rejects.toThrow(/2\^53/);
    expect(await db.get(`SELECT 9007199254740991::bigint AS n`)).toEqual({ n: 9007199254740991 });
  });

  it('refuses a statement whose parameter count does not match its values', async () => {
    await expect(db.get('SELECT ? AS a', [])).rejects.toThrow(/1 parameter\(s\) but 0/);
  });

  it('commits a transaction that resolves and rolls back one that throws', async () => {
    const committed = await db.transaction(async (tx) => newRun(tx, 'tx-commit'));
    expect(await db.get('SELECT id FROM runs WHERE id = ?', [committed])).toEqual({ id: committed });
    await expect(
      db.transaction(async (tx) => {
        await newRun(tx, 'tx-rollback');
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    expect(await db.get('SELECT id FROM runs WHERE scope = ?', ['tx-rollback'])).toBeUndefined();
  });

  it('a backend killed while idle in the pool: no crash, the next call reconnects', async () => {
    await db.get('SELECT 1 AS one');
    expect(await killStoreConnections()).toBeGreaterThan(0);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(await db.get('SELECT 1 AS one')).toEqual({ one: 1 });
  });

  it('a read whose backend is killed while it runs is answered from a new connection; a write is not run twice', async () => {
    // Killed during the statement: pg_sleep keeps it running while the admin kills it.
    const read = db.get<{ one: number }>('SELECT 1 AS one, pg_sleep(CASE WHEN random() >= 0 THEN 0.5 END) IS NULL AS slept');
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(await killStoreConnections()).toBeGreaterThan(0);
    expect(await read).toMatchObject({ one: 1 });
    // A write may have committed before its connection went: it fails as it is, for its caller to decide.
    // Settled from the start: its failure while the admin kills it must not be an unhandled rejection.
    const write = db.run(`UPDATE runs SET scope = scope WHERE pg_sleep(0.5) IS NOT NULL`).then(
      () => 'answered',
      (error: Error) => error.message,
    );
    await new Promise((resolve) => setTimeout(resolve, 200));
    await killStoreConnections();
    expect(await write).toMatch(/terminating connection|Connection terminated/);
  });

  it('a backend killed mid-transaction: the transaction rolls back whole, nothing crashes, the next call works', async () => {
    const attempt = db.transaction(async (tx) => {
      await newRun(tx, 'chaos-a');
      // Killed between two statements: the client is checked out with no query active.
      await killStoreConnections();
      await new Promise((resolve) => setTimeout(resolve, 100));
      await newRun(tx, 'chaos-b');
    });
    await expect(attempt).rejects.toThrow();
    expect(await db.all(`SELECT scope FROM runs WHERE scope LIKE 'chaos-%'`)).toEqual([]);
    expect(await db.transaction(async (tx) => tx.get<{ one: number }>('SELECT 1 AS one'))).toEqual({ one: 1 });
  });

  it('a backend killed during a statement inside a transaction: rolled back, the next transaction works', async () => {
    const attempt = db.transaction(async (tx) => {
      await newRun(tx, 'chaos-c');
      const slow = tx.get('SELECT pg_sleep(5)');
      await new Promise((resolve) => setTimeout(resolve, 200));
      await killStoreConnections();
      await slow;
    });
    await expect(attempt).rejects.toThrow();
    expect(await db.all(`SELECT scope FROM runs WHERE scope = 'chaos-c'`)).toEqual([]);
    expect(await db.transaction(async (tx) => newRun(tx, 'after-chaos'))).toBeTypeOf('number');
  });

  it('sw_json_patch is an RFC 7396 merge patch', async () => {
    const patch = async (target: string, p: string) => JSON.parse((await db.get<{ r: string }>('SELECT sw_json_patch(?, ?) AS r', [target, p]))!.r) as unknown;
    expect(await patch('{"a":"b"}', '{"a":"c"}')).toEqual({ a: 'c' });
    expect(await patch('{"a":"b"}', '{"b":"c"}')).toEqual({ a: 'b', b: 'c' });
    expect(await patch('{"a":"b"}', '{"a":null}')).toEqual({});
    expect(await patch('{"a":"b","b":"c"}', '{"a":null}')).toEqual({ b: 'c' });
    expect(await patch('{"a":["b"]}', '{"a":"c"}')).toEqual({ a: 'c' });
    expect(await patch('{"a":"c"}', '{"a":["b"]}')).toEqual({ a: ['b'] });
    expect(await patch('{"a":{"b":"c"}}', '{"a":{"b":"d","c":null}}')).toEqual({ a: { b: 'd' } });
    expect(await patch('{"a":[{"b":"c"}]}', '{"a":[1]}')).toEqual({ a: [1] });
    expect(await patch('["a","b"]', '["c","d"]')).toEqual(['c', 'd']);
    expect(await patch('{"a":"b"}', '["c"]')).toEqual(['c']);
    expect(await patch('{"a":"foo"}', 'null')).toBeNull();
    expect(await patch('{"a":"foo"}', '"bar"')).toBe('bar');
    expect(await patch('{"e":null}', '{"a":1}')).toEqual({ e: null, a: 1 });
    expect(await patch('[1,2]', '{"a":"b","c":null}')).toEqual({ a: 'b' });
    expect(await patch('{}', '{"a":{"bb":{"ccc":null}}}')).toEqual({ a: { bb: {} } });
    expect(await db.get('SELECT sw_json_patch(NULL, ?) AS r', ['{}'])).toEqual({ r: null });
  });
});

describe('PostgreSQL store migrations', () => {
  it('two machines initialising one empty store at once: one migrates, the other finds it migrated', async () => {
    const url = await server().createDatabase('race_init');
    const stores = [new PostgresStoreDb({ connectionString: url }), new PostgresStoreDb({ connectionString: url })];
    try {
      const versions = await Promise.all(stores.map((store) => migratePostgresStore(store, 'race')));
      expect(versions).toEqual([LATEST_SCHEMA_VERSION, LATEST_SCHEMA_VERSION]);
      expect(await stores[0]!.get('SELECT COUNT(*) AS n FROM schema_version')).toEqual({ n: 1 });
    } finally {
      await Promise.all(stores.map((store) => store.close()));
    }
  });

  it('refuses a store of a newer Syncwarden with the SQLite message, and changes nothing', async () => {
    const url = await server().createDatabase('too_new');
    const store = new PostgresStoreDb({ connectionString: url });
    try {
      await migratePostgresStore(store, 'postgres://127.0.0.1/too_new');
      await store.run('UPDATE schema_version SET version = ?, updated_at = ?', [LATEST_SCHEMA_VERSION + 5, 'marker']);
      const attempt = migratePostgresStore(store, 'postgres://127.0.0.1/too_new');
      await expect(attempt).rejects.toBeInstanceOf(StoreTooNewError);
      await expect(migratePostgresStore(store, 'postgres://127.0.0.1/too_new')).rejects.toThrow(
        new StoreTooNewError('postgres://127.0.0.1/too_new', LATEST_SCHEMA_VERSION + 5, LATEST_SCHEMA_VERSION).message,
      );
      expect(await store.get('SELECT version, updated_at FROM schema_version')).toEqual({ version: LATEST_SCHEMA_VERSION + 5, updated_at: 'marker' });
    } finally {
      await store.close();
    }
  });

  it('refuses a database that has our table names but no schema version', async () => {
    const url = await server().createDatabase('foreign_db');
    const store = new PostgresStoreDb({ connectionString: url });
    try {
      await store.exec('CREATE TABLE runs (id int)');
      await expect(migratePostgresStore(store, 'foreign')).rejects.toThrow(/not an empty database nor a Syncwarden store/);
      expect(await store.get(`SELECT to_regclass('schema_version') AS t`)).toEqual({ t: null });
    } finally {
      await store.close();
    }
  });

  it('starts from the baseline of version 12', () => {
    expect(POSTGRES_BASELINE_VERSION).toBe(12);
  });
});

describe('PostgresStoreDb transactions and statements nobody awaited', () => {
  it('a failed statement that work did not await makes the transaction fail, not commit half', async () => {
    const attempt = db.transaction(async (tx) => {
      await newRun(tx, 'unawaited-ok');
      void tx.run('INSERT INTO runs (id) VALUES (?)', ['not a number']).catch(() => undefined);
      return 'done';
    });
    await expect(attempt).rejects.toThrow(/rolled back/);
    expect(await db.get('SELECT id FROM runs WHERE scope = ?', ['unawaited-ok'])).toBeUndefined();
  });

  it('statements issued without awaiting each run in order inside the transaction and commit together', async () => {
    await db.transaction(async (tx) => {
      const id = await newRun(tx, 'batch');
      await Promise.all(Array.from({ length: 30 }, (_, i) => tx.run(`INSERT INTO run_events (run_id, at, kind, message) VALUES (?, ?, 'message', ?)`, [id, '2026-12-02T00:00:00.000Z', `m${i}`])));
    });
    const rows = await db.all<{ message: string }>(`SELECT e.message FROM run_events e JOIN runs r ON r.id = e.run_id WHERE r.scope = 'batch' ORDER BY e.id`);
    expect(rows.map((row) => row.message)).toEqual(Array.from({ length: 30 }, (_, i) => `m${i}`));
  });
});
