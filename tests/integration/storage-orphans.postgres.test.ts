import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initCanonicalSchema } from '../../core/appdb/ddl';
import { resolveMapping } from '../../core/appdb/mapping';
import { openPostgresAppDb } from '../../core/appdb/postgres.adapter';
import { FileQuarantine } from '../../core/engines/storage-orphans/storage-quarantine';
import { StorageDb } from '../../core/engines/storage-orphans/storage-db';
import { startPostgres, type TestPostgres } from '../helpers/postgres';

let server: TestPostgres;
beforeAll(async () => {
  server = await startPostgres();
  await server.createDatabase('storage');
}, 120_000);
afterAll(async () => server?.stop());

describe('storage-orphans on PostgreSQL', () => {
  it('appdb init creates file_quarantine; quarantine, restore and purge move rows exactly once', async () => {
    const db = openPostgresAppDb({ connectionString: server.url('storage') });
    try {
      await initCanonicalSchema(db);
      await db.execute('INSERT INTO users (id, email) VALUES (?, ?)', ['ada', 'ada@example.com']);
      await db.executeMany('INSERT INTO files (id, user_id, provider, provider_file_id, name, size, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)', [
        ['f1', 'ada', 'google', 'g1', 'a.pdf', 10, '2025-01-01T00:00:00Z'],
        ['f2', 'ada', 'dropbox', 'id:d2', 'b.txt', 20, null],
      ]);
      await db.execute("INSERT INTO storage_accounts (id, user_id, provider, refresh_token) VALUES ('google-ada', 'ada', 'google', 'rt')");
      const mapping = resolveMapping();
      const product = new StorageDb(db, mapping);
      expect(await product.accounts()).toEqual([{ accountId: 'google-ada', userId: 'ada', provider: 'google', email: 'ada@example.com', name: null, autoSync: true, deleteAfterSync: false, needsReconnect: false }]);
      await product.setNeedsReconnect('google-ada', true);
      expect((await product.accounts())[0]?.needsReconnect).toBe(true);
      expect(await product.countAccountRows('ada', 'google')).toBe(1);

      const quarantine = new FileQuarantine(db, mapping);
      const meta = { quarantinedAt: '2026-01-01T00:00:00.000Z', purgeAfter: '2026-01-31T00:00:00.000Z', reason: 'gone', runId: 7 };
      const moved = await quarantine.quarantine(['f1', 'f2'], meta);
      expect(moved.map((r) => r.id).sort()).toEqual(['f1', 'f2']);
      expect(await quarantine.quarantine(['f1', 'f2'], meta)).toEqual([]); // idempotent
      expect(await db.query('SELECT COUNT(*)::int AS n FROM files')).toEqual([{ n: 0 }]);
      expect(await db.query('SELECT id, run_id::int AS run_id FROM file_quarantine ORDER BY id')).toEqual([
        { id: 'f1', run_id: 7 },
        { id: 'f2', run_id: 7 },
      ]);

      expect((await quarantine.restore('f1')).restored).toBe(true);
      expect((await quarantine.restore('f1')).restored).toBe(false);
      expect(await db.query('SELECT id, size::int AS size FROM files')).toEqual([{ id: 'f1', size: 10 }]);

      expect(await quarantine.purgeExpired('2026-02-01T00:00:00.000Z')).toEqual(['f2']);
      expect(await db.query('SELECT COUNT(*)::int AS n FROM file_quarantine')).toEqual([{ n: 0 }]);
    } finally {
      await db.close();
    }
  });
});
