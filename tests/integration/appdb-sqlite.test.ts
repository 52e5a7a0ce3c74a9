import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
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
