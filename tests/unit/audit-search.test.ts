import Database from 'better-sqlite3';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openDatabase, schemaVersion } from '../../core/store/database';
import { MIGRATIONS, migrationSql } from '../../core/store/migrations';
import { SqliteStoreDb } from '../../core/store/sqlite-store-db';
import { AuditRepository, type NewAuditEntry } from '../../core/store/audit.repo';
import { makeTempDir } from '../helpers/temp-dir';

const dir = makeTempDir();
afterAll(() => dir.remove());

const AT = '2026-12-02T10:00:00.000Z';
const ENTRIES: NewAuditEntry[] = [
  { at: AT, actor: 'manual', engine: 'identity', runId: null, action: 'identity.update', subject: 'user:ada@example.com', before: { name: 'Ada', email: 'ada@example.com' }, after: { name: 'Ada Lovelace', email: 'ada@example.com' } },
  { at: AT, actor: 'manual', engine: 'identity', runId: null, action: 'identity.update', subject: 'user:emile@example.com', before: { name: 'Emile' }, after: { name: 'Émile Zola' } },
  { at: AT, actor: 'cli', engine: 'identity', runId: null, action: 'identity.create', subject: 'user:ÉLODIE@EXAMPLE.FR', before: null, after: { name: 'Élodie', email: 'ÉLODIE@EXAMPLE.FR', serviceRoleKey: 'super-secret-token' } },
  { at: AT, actor: 'schedule', engine: 'storage-orphans', runId: null, action: 'quarantine', subject: 'file:42', before: { id: 42, user_id: 'u-cy-9', name: 'user-guide.pdf' }, after: null },
  { at: AT, actor: 'manual', engine: 'sheet-import', runId: null, action: 'replace-cache', subject: 'source:3 (Customers)/row:12', before: null, after: { rows: 2 } },
];

const subjects = async (repo: AuditRepository, filter: { subject?: string; user?: string }) =>
  (await repo
    .list({ ...filter, limit: 50, offset: 0 }))
    .items.map((entry) => entry.subject)
    .sort();

async function checkSearches(repo: AuditRepository): Promise<void> {
  // A bare kind word no longer matches every entry of that kind: only what it names ("user-guide.pdf").
  expect(await subjects(repo, { subject: 'user' })).toEqual(['file:42']);
  expect(await subjects(repo, { subject: 'source' })).toEqual([]);
  expect(await subjects(repo, { subject: 'row' })).toEqual([]);
  // A term with its kind searches the whole subject, as before.
  expect(await subjects(repo, { subject: 'user:' })).toHaveLength(3);
  expect(await subjects(repo, { subject: 'row:12' })).toEqual(['source:3 (Customers)/row:12']);
  expect(await subjects(repo, { subject: 'Customers' })).toEqual(['source:3 (Customers)/row:12']);
  // Unicode case and accents: SQLite's lower() folded only ASCII.
  for (const term of ['Émile', 'ÉMILE', 'émile', 'emile']) expect(await subjects(repo, { subject: term })).toEqual(['user:emile@example.com']);
  for (const term of ['élodie', 'ÉLODIE', 'Elodie']) expect(await subjects(repo, { subject: term })).toEqual(['user:ÉLODIE@EXAMPLE.FR']);
  expect(await subjects(repo, { subject: 'user:élodie@' })).toEqual(['user:ÉLODIE@EXAMPLE.FR']);
  // A name in the before/after images is found; a key or a secret value is not.
  expect(await subjects(repo, { subject: 'lovelace' })).toEqual(['user:ada@example.com']);
  expect(await subjects(repo, { subject: 'name' })).toEqual([]);
  expect(await subjects(repo, { subject: 'super-secret' })).toEqual([]);
  // The user search matches a whole value, any case, and never a part of a longer one.
  expect(await subjects(repo, { user: 'élodie@example.fr' })).toEqual(['user:ÉLODIE@EXAMPLE.FR']);
  expect(await subjects(repo, { user: 'ADA@example.com' })).toEqual(['user:ada@example.com']);
  expect(await subjects(repo, { user: 'u-cy-9' })).toEqual(['file:42']);
  expect(await subjects(repo, { user: 'u-cy' })).toEqual([]);
  expect(await subjects(repo, { user: 'ada@example' })).toEqual([]);
}

describe('audit log search', () => {
  it('a bare word searches what entries are about, and case/accents fold beyond ASCII (new entries)', async () => {
    const db = openDatabase(join(dir.path, 'new.db'));
    try {
      const repo = new AuditRepository(new SqliteStoreDb(db));
      for (const entry of ENTRIES) await repo.append(entry);
      await checkSearches(repo);
    } finally {
      db.close();
    }
  });

  it('migration 12 gives entries written before it the same search', async () => {
    const file = join(dir.path, 'old.db');
    const old = new Database(file);
    for (const m of MIGRATIONS.filter((m) => m.version <= 11)) old.exec(migrationSql(m, 'sqlite'));
    old.pragma('user_version = 11');
    const insert = old.prepare(`INSERT INTO audit_log (at, actor, engine, run_id, action, subject, before_json, after_json) VALUES (?, ?, ?, NULL, ?, ?, ?, ?)`);
    for (const e of ENTRIES) insert.run(e.at, e.actor, e.engine, e.action, e.subject, e.before === null ? null : JSON.stringify(e.before), e.after === null ? null : JSON.stringify(e.after));
    old.close();

    const db = openDatabase(file);
    try {
      expect(schemaVersion(db)).toBeGreaterThanOrEqual(12);
      await checkSearches(new AuditRepository(new SqliteStoreDb(db)));
    } finally {
      db.close();
    }
  });
});
