import { describe, expect, it } from 'vitest';
import { openStore } from '../../core/store/store';
import { makeTempDir } from '../helpers/temp-dir';
import { rawSqlite } from '../helpers/sqlite-store';

/** Migration 11: one run's audit entries (the audit log's search by run, a run revert) are read through an index. */
describe('console store migration 11', () => {
  it('reads one run’s audit entries and the filtered audit page through audit_by_run, not a scan', async () => {
    const dir = makeTempDir();
    const store = await openStore(dir.path);
    try {
      const plan = (sql: string) => (rawSqlite(store).prepare(`EXPLAIN QUERY PLAN ${sql}`).all(7) as { detail: string }[]).map((row) => row.detail).join(' | ');
      expect(plan('SELECT * FROM audit_log WHERE run_id = ? ORDER BY id')).toContain('audit_by_run');
      expect(plan('SELECT * FROM audit_log WHERE run_id = ? ORDER BY id DESC LIMIT 50')).toContain('audit_by_run');
    } finally {
      await store.close();
      dir.remove();
    }
  });
});
