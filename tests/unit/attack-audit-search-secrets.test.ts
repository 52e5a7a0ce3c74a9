import Database from 'better-sqlite3';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { SqliteStoreDb } from '../../core/store/sqlite-store-db';
import { AuditRepository, type NewAuditEntry } from '../../core/store/audit.repo';
import { openDatabase } from '../../core/store/database';
import { MIGRATIONS, migrationSql } from '../../core/store/migrations';
import { makeTempDir } from '../helpers/temp-dir';

const dir = makeTempDir();
afterAll(() => dir.remove());

// Secrets under harmless keys: the audit diff masks them on screen, so the search must not find them either
// (typing a guessed password into the search box would otherwise confirm it).
const ENTRY: NewAuditEntry = {
  at: '2026-12-02T10:00:00.000Z',
  actor: 'manual',
  engine: null,
  runId: null,
  action: 'connection.update',
  subject: 'connection:Product DB',
  before: { url: 'postgres://app:hunter2pass@db.internal/app' },
  after: { url: 'postgres://app:n3wSecretPw@db.internal/app', note: 'header Bearer abcdefghijklmnop1234', link: 'https://x.example/cb?code=oauthcode123&state=s' },
};

const found = async (repo: AuditRepository, subject: string) => (await repo.list({ subject, limit: 10, offset: 0 })).total;

async function check(repo: AuditRepository): Promise<void> {
  for (const secret of ['hunter2pass', 'n3wSecretPw', 'abcdefghijklmnop1234', 'oauthcode123']) expect(await found(repo, secret), secret).toBe(0);
  // What is not secret in the same values is still found.
  expect(await found(repo, 'db.internal')).toBe(1);
  expect(await found(repo, 'x.example')).toBe(1);
}

describe('attack: audit search text keeps no secret', () => {
  it('new entries', async () => {
    const db = openDatabase(join(dir.path, 'new.db'));
    try {
      const repo = new AuditRepository(new SqliteStoreDb(db));
      await repo.append(ENTRY);
      await check(repo);
    } finally {
      db.close();
    }
  });

  it('entries migration 12 fills, including rows whose JSON is broken or absent', async () => {
    const file = join(dir.path, 'old.db');
    const old = new Database(file);
    for (const m of MIGRATIONS.filter((m) => m.version <= 11)) old.exec(migrationSql(m, 'sqlite'));
    old.pragma('user_version = 11');
    const insert = old.prepare(`INSERT INTO audit_log (at, actor, engine, run_id, action, subject, before_json, after_json) VALUES (?, ?, NULL, NULL, ?, ?, ?, ?)`);
    insert.run(ENTRY.at, ENTRY.actor, ENTRY.action, ENTRY.subject, JSON.stringify(ENTRY.before), JSON.stringify(ENTRY.after));
    insert.run(ENTRY.at, ENTRY.actor, 'x', 'broken', '{"url": "postgres://a:brokenjsonpw@h/', null);
    old.close();
    const db = openDatabase(file);
    try {
      const repo = new AuditRepository(new SqliteStoreDb(db));
      await check(repo);
      expect(await found(repo, 'brokenjsonpw')).toBe(0);
      expect((await repo.list({ limit: 10, offset: 0 })).total).toBe(2);
    } finally {
      db.close();
    }
  });
});

describe('attack: an audit row whose image is not JSON', () => {
  it('is listed as its text, and what would revert it still refuses it', async () => {
    const db = openDatabase(join(dir.path, 'broken.db'));
    try {
      const repo = new AuditRepository(new SqliteStoreDb(db));
      const good = await repo.append({ ...ENTRY, runId: null });
      await repo.append({ ...ENTRY, subject: 'run entry' });
      db.pragma('foreign_keys = OFF'); // a run row is beside the point here
      db.prepare(`UPDATE audit_log SET run_id = 7 WHERE subject = 'run entry'`).run();
      db.prepare(`INSERT INTO audit_log (at, actor, action, subject, before_json, subject_fold, search_fold) VALUES (?, 'manual', 'x', 'broken', '{"a":', 'broken', ?)`).run(ENTRY.at, '\u0001broken\u0001');
      const page = await repo.list({ limit: 10, offset: 0 });
      expect(page.items.map((e) => e.before)).toEqual(['{"a":', ENTRY.before, ENTRY.before]);
      expect((await repo.get(good))?.after).toEqual(ENTRY.after);
      expect((await repo.byRun(7)).map((e) => e.after)).toEqual([ENTRY.after]);
      await expect(repo.get(good + 2)).rejects.toThrow(SyntaxError);
    } finally {
      db.close();
    }
  });
});
