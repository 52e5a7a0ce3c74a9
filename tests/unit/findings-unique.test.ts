import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MIGRATIONS, migrationSql } from '../../core/store/migrations';
import { openStore, STORE_FILE_NAME, type Store } from '../../core/store/store';
import { makeTempDir } from '../helpers/temp-dir';
import { rawSqlite } from '../helpers/sqlite-store';

/** Issue 14 item 6: a subject has at most one open finding per engine, whichever checks found it. */
const NOW = '2026-12-01T10:00:00.000Z';
const LATER = '2026-12-01T11:00:00.000Z';

function addRun(db: Database.Database, scope = 'all'): number {
  return Number(
    db
      .prepare(`INSERT INTO runs (engine, scope, state, trigger, owner_pid, heartbeat_at, created_at) VALUES ('media-import', ?, 'succeeded', 'manual', 1, ?, ?)`)
      .run(scope, NOW, NOW).lastInsertRowid,
  );
}

const finding = (subject: string, userEmail: string | null = null, reason = 'r') => ({ subject, userEmail, kind: 'missing-in-db', reason, proposedAction: 'insert' });

describe('findings: one open finding per (engine, subject)', () => {
  let dir: ReturnType<typeof makeTempDir>;
  let store: Store | undefined;
  beforeEach(() => {
    dir = makeTempDir();
  });
  afterEach(async () => {
    await store?.close();
    store = undefined;
    dir.remove();
  });

  it('migration 9 keeps the newest of existing open duplicates open, supersedes the older ones, and adds the unique index', async () => {
    const file = join(dir.path, STORE_FILE_NAME);
    const old = new Database(file);
    for (const m of MIGRATIONS.filter((m) => m.version <= 6)) old.exec(migrationSql(m, 'sqlite'));
    old.pragma('user_version = 6');
    const run = addRun(old);
    const insert = old.prepare(`INSERT INTO findings (run_id, engine, scope, subject, kind, reason, proposed_action, status, created_at, updated_at) VALUES (?, ?, ?, ?, 'k', ?, 'p', ?, ?, ?)`);
    insert.run(run, 'media-import', 'all', 'asset:a', 'oldest', 'open', NOW, NOW);
    insert.run(run, 'media-import', 'user:ada@example.com', 'asset:a', 'middle', 'open', NOW, NOW);
    insert.run(run, 'media-import', 'all', 'asset:a', 'newest', 'open', NOW, NOW);
    insert.run(run, 'media-import', 'all', 'asset:a', 'dismissed', 'dismissed', NOW, NOW);
    insert.run(run, 'other-engine', 'all', 'asset:a', 'another engine', 'open', NOW, NOW);
    insert.run(run, 'media-import', 'all', 'asset:b', 'alone', 'open', NOW, NOW);
    old.close();

    store = await openStore(dir.path);
    const rows = rawSqlite(store).prepare(`SELECT engine, subject, reason, status FROM findings ORDER BY id`).all();
    expect(rows).toEqual([
      { engine: 'media-import', subject: 'asset:a', reason: 'oldest', status: 'superseded' },
      { engine: 'media-import', subject: 'asset:a', reason: 'middle', status: 'superseded' },
      { engine: 'media-import', subject: 'asset:a', reason: 'newest', status: 'open' },
      { engine: 'media-import', subject: 'asset:a', reason: 'dismissed', status: 'dismissed' },
      { engine: 'other-engine', subject: 'asset:a', reason: 'another engine', status: 'open' },
      { engine: 'media-import', subject: 'asset:b', reason: 'alone', status: 'open' },
    ]);
    const index = rawSqlite(store).prepare(`SELECT sql FROM sqlite_master WHERE name = 'findings_one_open_per_subject'`).pluck().get();
    expect(index).toMatch(/UNIQUE INDEX .* WHERE status = 'open'/);
    // The database itself refuses a second open finding, whoever writes it.
    expect(() =>
      rawSqlite(store!).prepare(`INSERT INTO findings (run_id, engine, subject, kind, reason, proposed_action, created_at, updated_at) VALUES (?, 'media-import', 'asset:a', 'k', 'r', 'p', ?, ?)`).run(run, NOW, NOW),
    ).toThrow(/UNIQUE constraint failed/);
  });

  it('a second write of an open subject updates it in place (same id, the new run, scope and reason); a resolved one does not block a new one', async () => {
    store = await openStore(dir.path);
    const all = addRun(rawSqlite(store));
    const user = addRun(rawSqlite(store), 'user:ada@example.com');
    await store.findings.insertMany(all, 'media-import', [finding('asset:a', 'ada@example.com', 'from all'), finding('asset:b')], NOW, 'all');
    const [a] = await store.findings.open('media-import');
    await store.findings.insertMany(user, 'media-import', [finding('asset:a', 'ada@example.com', 'from one user')], LATER, 'user:ada@example.com');
    const open = await store.findings.open('media-import');
    expect(open).toHaveLength(2);
    expect(open.find((f) => f.subject === 'asset:a')).toMatchObject({ id: a!.id, runId: user, scope: 'user:ada@example.com', reason: 'from one user', createdAt: NOW, updatedAt: LATER });

    await store.findings.setStatus([a!.id], 'dismissed', LATER);
    await store.findings.insertMany(all, 'media-import', [finding('asset:a', 'ada@example.com', 'again')], LATER, 'all');
    expect((await store.findings.bySubjects('media-import', ['asset:a'])).map((f) => f.status)).toEqual(['dismissed', 'open']);
  });

  it('a one-user check supersedes that user’s open findings written by an all-users check, matching the email in any case', async () => {
    store = await openStore(dir.path);
    const all = addRun(rawSqlite(store));
    await store.findings.insertMany(all, 'media-import', [finding('asset:a', 'Ada@Example.com'), finding('asset:g', 'grace@example.com')], NOW, 'all');
    const user = addRun(rawSqlite(store), 'user:ada@example.com');
    expect(await store.findings.supersede('media-import', 'user:ada@example.com', user, LATER)).toBe(1);
    expect((await store.findings.open('media-import')).map((f) => f.subject)).toEqual(['asset:g']);
  });

  it('a repair of one user reads that user’s findings whatever the case of the email', async () => {
    store = await openStore(dir.path);
    const all = addRun(rawSqlite(store));
    await store.findings.insertMany(all, 'media-import', [finding('asset:a', 'Ada@Example.com'), finding('asset:g', 'grace@example.com')], NOW, 'all');
    expect((await store.findings.open('media-import', 'ada@example.COM')).map((f) => f.subject)).toEqual(['asset:a']);
  });
});
