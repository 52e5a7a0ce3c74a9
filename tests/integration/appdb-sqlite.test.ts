import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { AppDbAdapter, Row, SqlValue } from '../../core/appdb/adapter';
import { streamKeyset, streamStored } from '../../core/appdb/keyset';
import { openSqliteAppDb } from '../../core/appdb/sqlite.adapter';
import { makeTempDir } from '../helpers/temp-dir';
import { describeAppDbAdapter } from './appdb-suite';

describeAppDbAdapter('SQLite', async () => {
  const dir = makeTempDir();
  return { db: openSqliteAppDb({ path: join(dir.path, 'app.db'), create: true }), cleanup: async () => dir.remove() };
});

describe('SQLite connection check', () => {
  it('reports a missing database file by name instead of creating it', async () => {
    const db = openSqliteAppDb({ path: '/nonexistent/dir/app.db' });
    expect(await db.check()).toMatchObject({ ok: false, status: 'missing-database', message: expect.stringContaining('/nonexistent/dir/app.db') });
    await expect(db.query('SELECT 1')).rejects.toThrow(/appdb init/);
  });
});

describe('SQLite storage-order streaming (streamStored)', () => {
  async function withTable(ddl: string, rows: readonly (readonly SqlValue[])[], insert: string): Promise<{ db: AppDbAdapter; remove: () => Promise<void> }> {
    const dir = makeTempDir();
    const db = openSqliteAppDb({ path: join(dir.path, 'app.db'), create: true });
    await db.execute(ddl);
    await db.transaction((tx) => tx.executeMany(insert, rows));
    return { db, remove: async () => (await db.close(), dir.remove()) };
  }

  async function readAll(db: AppDbAdapter, table: string, columns: string[], chunkSize: number): Promise<Row[]> {
    const rows: Row[] = [];
    for await (const chunk of streamStored(db, { table, key: 'id', columns, chunkSize })) rows.push(...chunk);
    return rows;
  }

  it('pages by rowid: rows come in insertion order, not key order, each once, rowids past 2^53 and below zero included', async () => {
    // Rowids chosen by hand: negative, around 2^53 (where a JavaScript number stops being exact) and the 64-bit maximum.
    const rowids = ['-9223372036854775808', '-5', '0', '9007199254740992', '9007199254740993', '9007199254740994', '9223372036854775807'];
    const { db, remove } = await withTable(
      'CREATE TABLE users (id TEXT PRIMARY KEY, email TEXT)',
      rowids.map((rowid, i) => [rowid, `z${String(9 - i)}`, `${i}@example.com`]),
      'INSERT INTO users (rowid, id, email) VALUES (CAST(? AS INTEGER), ?, ?)',
    );
    try {
      for (const chunkSize of [1, 2, 3, 100]) {
        const rows = await readAll(db, 'users', ['email'], chunkSize);
        expect(rows.map((r) => r.email)).toEqual(rowids.map((_, i) => `${i}@example.com`));
        expect(rows.map((r) => Object.keys(r).sort().join())).toEqual(rowids.map(() => 'email,id'));
      }
    } finally {
      await remove();
    }
  });

  it('a table with columns named rowid and _rowid_ is paged by oid; one using all three names, WITHOUT ROWID, and a view fall back to key order', async () => {
    const shadowed = await withTable('CREATE TABLE users (id TEXT PRIMARY KEY, rowid TEXT, _rowid_ TEXT)', [['b', 'x', 'y'], ['a', 'x', 'y'], ['c', 'x', 'y']], 'INSERT INTO users (id, rowid, _rowid_) VALUES (?, ?, ?)');
    try {
      expect((await readAll(shadowed.db, 'users', ['rowid'], 2)).map((r) => r.id)).toEqual(['b', 'a', 'c']);
    } finally {
      await shadowed.remove();
    }
    const cases = [
      'CREATE TABLE users (id TEXT PRIMARY KEY, rowid TEXT, _rowid_ TEXT, oid TEXT)',
      'CREATE TABLE users (id TEXT PRIMARY KEY, rowid TEXT) WITHOUT ROWID',
    ];
    for (const ddl of cases) {
      const t = await withTable(ddl, [['b'], ['a'], ['c']], 'INSERT INTO users (id) VALUES (?)');
      try {
        expect((await readAll(t.db, 'users', [], 2)).map((r) => r.id)).toEqual(['a', 'b', 'c']);
      } finally {
        await t.remove();
      }
    }
    const view = await withTable('CREATE TABLE people (id TEXT PRIMARY KEY)', [['b'], ['a'], ['c']], 'INSERT INTO people (id) VALUES (?)');
    try {
      await view.db.execute('CREATE VIEW users AS SELECT id FROM people');
      expect((await readAll(view.db, 'users', [], 2)).map((r) => r.id)).toEqual(['a', 'b', 'c']);
    } finally {
      await view.remove();
    }
  });

  it('reads only the rows stored when it began, each at most once: rows inserted or moved by REPLACE meanwhile are not read again', async () => {
    const ids = Array.from({ length: 10 }, (_, i) => `id${i}`);
    const { db, remove } = await withTable('CREATE TABLE users (id TEXT PRIMARY KEY, email TEXT)', ids.map((id) => [id, `${id}@example.com`]), 'INSERT INTO users (id, email) VALUES (?, ?)');
    try {
      const seen: string[] = [];
      let chunk = 0;
      for await (const rows of streamStored<{ id: string; email: string }>(db, { table: 'users', key: 'id', columns: ['email'], chunkSize: 3 })) {
        seen.push(...rows.map((r) => `${r.id} ${r.email}`));
        if (++chunk === 1) {
          await db.execute("REPLACE INTO users (id, email) VALUES ('id1', 'moved-after-read')");
          await db.execute("REPLACE INTO users (id, email) VALUES ('id7', 'moved-before-read')");
          await db.execute("INSERT INTO users (id, email) VALUES ('new', 'inserted')");
        }
      }
      // id1 as it was read; id7 moved past the end before the read reached it; the new row came after the start.
      expect(seen).toEqual(ids.filter((id) => id !== 'id7').map((id) => `${id} ${id}@example.com`));
    } finally {
      await remove();
    }
  });
});

describe('SQLite integers past 2^53', () => {
  // 2^53 - 1 is the last integer a JavaScript number holds exactly; each id below differs from its neighbours by one.
  const IDS = ['9007199254740991', '9007199254740992', '9007199254740993', '9007199254740994', '9223372036854775806', '9223372036854775807', '-9223372036854775808'];

  async function withIds(): Promise<{ db: AppDbAdapter; remove: () => Promise<void> }> {
    const dir = makeTempDir();
    const db = openSqliteAppDb({ path: join(dir.path, 'app.db'), create: true });
    await db.execute('CREATE TABLE t (id INTEGER PRIMARY KEY, loose, label TEXT)');
    await db.executeMany('INSERT INTO t (id, loose, label) VALUES (CAST(? AS INTEGER), CAST(? AS INTEGER), ?)', IDS.map((id) => [id, id, `row ${id}`]));
    return { db, remove: async () => (await db.close(), dir.remove()) };
  }

  it('reads each one back exactly (a bigint past 2^53, a number within it) and finds its own row by it', async () => {
    const { db, remove } = await withIds();
    try {
      const rows = await db.query<{ id: number | bigint; loose: number | bigint; label: string }>('SELECT id, loose, label FROM t ORDER BY id');
      expect(rows.map((r) => String(r.id))).toEqual([...IDS].sort((a, b) => (BigInt(a) < BigInt(b) ? -1 : 1)));
      for (const row of rows) {
        expect(row.label).toBe(`row ${String(row.id)}`);
        expect(row.loose).toBe(row.id);
        expect(typeof row.id).toBe(Number.isSafeInteger(Number(row.id)) && BigInt(Number(row.id)) === BigInt(row.id) ? 'number' : 'bigint');
        // By the value read (bound as it came) and by its text (as engines keep ids), the same one row.
        expect(await db.query('SELECT label FROM t WHERE id = ?', [row.id])).toEqual([{ label: row.label }]);
        expect(await db.query('SELECT label FROM t WHERE id = ?', [String(row.id)])).toEqual([{ label: row.label }]);
        expect(await db.query('SELECT label FROM t WHERE loose = ?', [row.loose])).toEqual([{ label: row.label }]);
      }
      // Small integers stay numbers, and counts too.
      expect(await db.query('SELECT 7 AS n, count(*) AS c FROM t')).toEqual([{ n: 7, c: IDS.length }]);
      expect(await db.execute('UPDATE t SET label = label WHERE id = ?', ['9007199254740993'])).toEqual({ changes: 1 });
    } finally {
      await remove();
    }
  });

  it('streamKeyset pages across them by key, every row once (a rounded position repeated or skipped rows)', async () => {
    const { db, remove } = await withIds();
    try {
      for (const chunkSize of [1, 2, 3]) {
        const seen: string[] = [];
        for await (const chunk of streamKeyset(db, { table: 't', key: 'id', columns: ['label'], chunkSize })) seen.push(...chunk.map((r) => String(r.id)));
        expect(seen, `chunks of ${chunkSize}`).toEqual([...IDS].sort((a, b) => (BigInt(a) < BigInt(b) ? -1 : 1)));
      }
    } finally {
      await remove();
    }
  });
});
