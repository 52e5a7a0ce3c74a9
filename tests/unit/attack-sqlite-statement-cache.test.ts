import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openSqliteAppDb } from '../../core/appdb/sqlite.adapter';
import { makeTempDir } from '../helpers/temp-dir';

/**
 * An outside attack on issue 19's prepared-statement cache (sqlite.adapter.ts):
 * the admin changes the product table between runs (a column added, the table
 * re-created) while the console keeps its connection, two product databases
 * are open at once, and more distinct statements run than the cache holds.
 */
const dir = makeTempDir();
afterAll(() => dir.remove());

describe('the SQLite adapter statement cache (attack on issue 19)', () => {
  it('sees a column added and a table re-created by someone else, and never mixes two databases', async () => {
    const a = openSqliteAppDb({ path: join(dir.path, 'a.db'), create: true });
    const b = openSqliteAppDb({ path: join(dir.path, 'b.db'), create: true });
    const admin = openSqliteAppDb({ path: join(dir.path, 'a.db') });
    try {
      await a.execute('CREATE TABLE files (id TEXT PRIMARY KEY, name TEXT)');
      await b.execute('CREATE TABLE files (id TEXT PRIMARY KEY, size INTEGER)');
      await a.execute("INSERT INTO files VALUES ('1', 'a.txt')");
      await b.execute("INSERT INTO files VALUES ('9', 42)");
      expect(await a.query('SELECT * FROM files')).toEqual([{ id: '1', name: 'a.txt' }]);
      expect(await b.query('SELECT * FROM files')).toEqual([{ id: '9', size: 42 }]);

      // Another connection (the admin's own tool) changes the table under the cached statement.
      await admin.execute("ALTER TABLE files ADD COLUMN plan TEXT DEFAULT 'pro'");
      expect(await a.query('SELECT * FROM files')).toEqual([{ id: '1', name: 'a.txt', plan: 'pro' }]);
      await admin.execute('DROP TABLE files');
      await admin.execute('CREATE TABLE files (id TEXT PRIMARY KEY, owner TEXT, blob BLOB)');
      await admin.execute("INSERT INTO files VALUES ('2', 'u1', x'00ff')");
      expect(await a.query('SELECT * FROM files')).toEqual([{ id: '2', owner: 'u1', blob: Buffer.from([0, 255]) }]);

      // More distinct statements than the cache keeps, then the first ones again.
      for (let n = 0; n < 600; n++) expect(await a.query(`SELECT ${n} AS n, id FROM files`)).toEqual([{ n, id: '2' }]);
      expect(await a.query('SELECT * FROM files WHERE id = ?', ['2'])).toHaveLength(1);
      expect(await b.query('SELECT * FROM files')).toEqual([{ id: '9', size: 42 }]);
    } finally {
      await admin.close();
      await a.close();
      await b.close();
    }
  });
});
