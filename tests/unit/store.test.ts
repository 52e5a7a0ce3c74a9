import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase, StoreTooNewError } from '../../core/store/database';
import { LATEST_SCHEMA_VERSION } from '../../core/store/migrations';
import { DEFAULT_SETTINGS } from '../../core/store/settings.repo';
import { openStore, STORE_FILE_NAME, type Store } from '../../core/store/store';
import { makeTempDir } from '../helpers/temp-dir';
import { rawSqlite } from '../helpers/sqlite-store';

const NOW = '2026-11-23T10:00:00.000Z';

describe('console store', () => {
  let dir: ReturnType<typeof makeTempDir>;
  let store: Store;

  beforeEach(async () => {
    dir = makeTempDir();
    store = await openStore(dir.path);
  });
  afterEach(async () => {
    await store.close();
    dir.remove();
  });

  it('creates the schema at the latest version, in WAL mode with a busy timeout', async () => {
    expect(await store.schemaVersion()).toBe(LATEST_SCHEMA_VERSION);
    expect(rawSqlite(store).pragma('journal_mode', { simple: true })).toBe('wal');
    expect(rawSqlite(store).pragma('busy_timeout', { simple: true })).toBe(5000);
    const tables = rawSqlite(store).prepare(`SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name`).pluck().all();
    expect(tables).toEqual(expect.arrayContaining(['audit_log', 'findings', 'run_events', 'runs', 'settings']));
  });

  it('reopening an up-to-date store applies nothing twice', async () => {
    await store.close();
    store = await openStore(dir.path);
    expect(await store.schemaVersion()).toBe(LATEST_SCHEMA_VERSION);
  });

  it('refuses a store written by a newer version and leaves the file untouched', async () => {
    rawSqlite(store).pragma(`user_version = ${LATEST_SCHEMA_VERSION + 1}`);
    rawSqlite(store).pragma('wal_checkpoint(TRUNCATE)');
    rawSqlite(store).pragma('journal_mode = DELETE');
    await store.close();
    const file = join(dir.path, STORE_FILE_NAME);
    const before = readFileSync(file);
    const mtime = statSync(file).mtimeMs;

    expect(() => openDatabase(file)).toThrow(StoreTooNewError);
    expect(() => openDatabase(file)).toThrow(/newer Syncwarden .*Nothing was changed/);

    expect(readFileSync(file).equals(before)).toBe(true);
    expect(statSync(file).mtimeMs).toBe(mtime);
    expect(existsSync(`${file}-wal`)).toBe(false);
    const probe = new Database(file, { readonly: true });
    expect(probe.pragma('journal_mode', { simple: true })).toBe('delete');
    probe.close();
    store = await openStore(makeTempDir().path); // keep afterEach's close() valid
  });

  it('single flight is enforced by the database: a second active run of one scope is refused', async () => {
    const first = await store.runs.insertQueued({ engine: 'demo', scope: 'all', trigger: 'manual', params: {}, ownerPid: 1, now: NOW });
    const second = await store.runs.insertQueued({ engine: 'demo', scope: 'all', trigger: 'cli', params: {}, ownerPid: 2, now: NOW });
    const other = await store.runs.insertQueued({ engine: 'demo', scope: 'user:a', trigger: 'cli', params: {}, ownerPid: 2, now: NOW });
    expect(first.alreadyRunning).toBe(false);
    expect(second).toEqual({ id: first.id, alreadyRunning: true });
    expect(other.alreadyRunning).toBe(false);
    expect(() =>
      rawSqlite(store)
        .prepare(`INSERT INTO runs (engine, scope, state, trigger, owner_pid, heartbeat_at, created_at) VALUES ('demo','all','running','cli',3,?,?)`)
        .run(NOW, NOW),
    ).toThrow(/UNIQUE/);
  });

  it('a finished run never moves again: transitions are guarded in SQL', async () => {
    const { id } = await store.runs.insertQueued({ engine: 'demo', scope: 'all', trigger: 'manual', params: {}, ownerPid: 1, now: NOW });
    expect(await store.runs.transition(id, ['queued'], 'running', { startedAt: NOW }, NOW)).toBe(true);
    expect(await store.runs.transition(id, ['queued', 'running'], 'succeeded', { finishedAt: NOW, result: { n: 1 } }, NOW)).toBe(true);
    expect(await store.runs.transition(id, ['queued', 'running'], 'failed', {}, NOW)).toBe(false);
    expect(await store.runs.get(id)).toMatchObject({ state: 'succeeded', result: { n: 1 }, startedAt: NOW, finishedAt: NOW });
  });

  it('findings are paged, filtered, searched (wildcards literal) and sorted by whitelisted keys', async () => {
    const { id: runId } = await store.runs.insertQueued({ engine: 'demo', scope: 'all', trigger: 'manual', params: {}, ownerPid: 1, now: NOW });
    await store.findings.insertMany(
      runId,
      'demo',
      Array.from({ length: 30 }, (_, i) => ({
        subject: `file:${String(i).padStart(2, '0')}`,
        userEmail: i % 2 ? 'ada@example.com' : 'bob_100%@example.com',
        kind: i % 3 ? 'orphan' : 'trashed',
        reason: 'gone',
        proposedAction: 'quarantine',
      })),
      NOW,
    );
    const page = await store.findings.list({ engine: 'demo', kind: 'orphan', sort: 'subject', direction: 'asc', limit: 5, offset: 5 });
    expect(page.total).toBe(20);
    expect(page.items.map((f) => f.subject)).toEqual(['file:08', 'file:10', 'file:11', 'file:13', 'file:14']);
    // Unescaped, '%' and '_' would match all 30 rows; taken literally only bob's 15 have them.
    const percent = await store.findings.list({ search: '%', sort: 'createdAt', direction: 'desc', limit: 50, offset: 0 });
    expect(percent.total).toBe(15);
    const underscore = await store.findings.list({ search: '_', sort: 'createdAt', direction: 'desc', limit: 50, offset: 0 });
    expect(underscore.total).toBe(15);
    expect(await store.findings.countOpen('demo')).toBe(30);
  });

  it('a finding update merges into its details and/or sets its status, only for the engine named', async () => {
    const { id: runId } = await store.runs.insertQueued({ engine: 'demo', scope: 'all', trigger: 'manual', params: {}, ownerPid: 1, now: NOW });
    await store.findings.insertMany(runId, 'demo', [{ subject: 'file:1', kind: 'orphan', reason: 'gone', proposedAction: 'quarantine', details: { fileRowId: '1', size: 5 } }], NOW);
    await store.findings.insertMany(runId, 'other', [{ subject: 'file:1', kind: 'orphan', reason: 'gone', proposedAction: 'quarantine' }], NOW);
    const [mine, theirs] = (await store.findings.bySubjects('demo', ['file:1'])).concat(await store.findings.bySubjects('other', ['file:1']));
    const later = '2026-11-24T10:00:00.000Z';
    expect(await store.findings.update([mine!.id, theirs!.id], { status: 'quarantined', details: { purgeAfter: 'then', size: null } }, later, 'demo')).toBe(1);
    expect((await store.findings.byIds([mine!.id]))[0]).toMatchObject({ status: 'quarantined', details: { fileRowId: '1', purgeAfter: 'then' }, updatedAt: later });
    expect((await store.findings.byIds([mine!.id]))[0]?.details).not.toHaveProperty('size');
    expect((await store.findings.byIds([theirs!.id]))[0]).toMatchObject({ status: 'open', details: null });
    // Details alone keep the status; a finding without details gets them.
    await store.findings.update([theirs!.id], { details: { purgedAt: later } }, later);
    expect((await store.findings.byIds([theirs!.id]))[0]).toMatchObject({ status: 'open', details: { purgedAt: later } });
    expect(await store.findings.bySubjects('demo', ['file:1', 'file:2'], 'open')).toEqual([]);
  });

  it('the audit log appends and lists newest first with before and after images', async () => {
    await store.audit.append({ at: NOW, actor: 'manual', engine: 'demo', runId: null, action: 'quarantine', subject: 'file:1', before: { id: 1 }, after: null });
    await store.audit.append({ at: NOW, actor: 'cli', engine: 'demo', runId: null, action: 'restore', subject: 'file:1', before: null, after: { id: 1 } });
    const page = await store.audit.list({ limit: 10, offset: 0 });
    expect(page.items.map((e) => e.action)).toEqual(['restore', 'quarantine']);
    expect(page.items[1]?.before).toEqual({ id: 1 });
    expect((await store.audit.list({ actor: 'cli', limit: 10, offset: 0 })).total).toBe(1);
  });

  it('settings start at the defaults, persist changes and ignore corrupt stored values', async () => {
    expect(await store.settings.get()).toEqual(DEFAULT_SETTINGS);
    expect(await store.settings.update({ theme: 'dark', findingsRetentionDays: 7 }, NOW)).toMatchObject({ theme: 'dark', findingsRetentionDays: 7 });
    rawSqlite(store).prepare(`UPDATE settings SET value_json = '"purple"' WHERE key = 'theme'`).run();
    expect(await store.settings.get()).toMatchObject({ theme: 'system', findingsRetentionDays: 7 });
  });
});
