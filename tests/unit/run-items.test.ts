import Database from 'better-sqlite3';
import { join } from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase, schemaVersion } from '../../core/store/database';
import { MIGRATIONS, migrationSql } from '../../core/store/migrations';
import { MAX_ITEM_LINES_PER_RUN } from '../../core/runs/item-log';
import { createTestApp, type TestApp } from '../helpers/test-app';
import { makeTempDir } from '../helpers/temp-dir';

const dir = makeTempDir();
afterAll(() => dir.remove());

describe('migration 10: run item logs', () => {
  it('adds the item log tables to a version-9 store, keeps its runs, and cascades with them', () => {
    const file = join(dir.path, 'console-9.db');
    const old = new Database(file);
    old.pragma('foreign_keys = ON');
    for (const m of MIGRATIONS.filter((m) => m.version <= 9)) old.exec(migrationSql(m, 'sqlite'));
    old.pragma('user_version = 9');
    old.prepare(`INSERT INTO runs (engine, scope, state, trigger, owner_pid, heartbeat_at, created_at) VALUES ('identity','all','succeeded','manual',1,'t','t')`).run();
    old.close();

    const db = openDatabase(file);
    expect(schemaVersion(db)).toBeGreaterThanOrEqual(10);
    expect(db.prepare('SELECT count(*) AS n FROM runs').get()).toEqual({ n: 1 });
    db.prepare(`INSERT INTO run_items (run_id, seq, at, item, action, outcome) VALUES (1, 1, 't', 'ada@example.com', 'create-remote', 'done')`).run();
    db.prepare(`INSERT INTO run_item_counts (run_id, outcome, n) VALUES (1, 'done', 1)`).run();
    expect(() => db.prepare(`INSERT INTO run_items (run_id, seq, at, item, action, outcome) VALUES (1, 2, 't', 'x', 'y', 'great')`).run()).toThrow(/CHECK/);
    const indexes = (db.prepare(`SELECT name FROM sqlite_master WHERE type = 'index'`).all() as { name: string }[]).map((r) => r.name);
    expect(indexes).toEqual(expect.arrayContaining(['runs_by_scope', 'runs_by_state', 'schedule_firings_by_run']));
    db.prepare('DELETE FROM runs WHERE id = 1').run();
    expect(db.prepare('SELECT (SELECT count(*) FROM run_items) + (SELECT count(*) FROM run_item_counts) AS n').get()).toEqual({ n: 0 });
    db.close();
  });

  it('is number 10, right after 9', () => {
    const versions = MIGRATIONS.map((m) => m.version);
    expect(versions.slice(versions.indexOf(9), versions.indexOf(9) + 2)).toEqual([9, 10]);
  });
});

describe('run manager: the per-item log is bounded per run', () => {
  let app: TestApp;
  beforeEach(async () => {
    app = await createTestApp({ progressIntervalMs: 20 });
  });
  afterEach(() => app.dispose());

  it(`keeps the first ${MAX_ITEM_LINES_PER_RUN} lines, counts every line, and says how many were not kept`, async () => {
    const run = await app.runs.waitFor((await app.runs.start('demo', { items: 2500, findingEvery: 1 }, 'cli')).runId);
    expect(run).toMatchObject({ state: 'succeeded', result: { drifted: 2500 } });
    const id = run?.id ?? 0;
    const first = await app.store.runItems.page(id, 1000, 0);
    expect(first).toMatchObject({ total: MAX_ITEM_LINES_PER_RUN, notKept: 2500 - MAX_ITEM_LINES_PER_RUN, counts: { done: 2500 } });
    expect(first.items[0]).toMatchObject({ seq: 1, item: 'item 0', action: 'record', outcome: 'done' });
    expect(first.items.at(-1)).toMatchObject({ seq: MAX_ITEM_LINES_PER_RUN, item: `item ${MAX_ITEM_LINES_PER_RUN - 1}` });
    expect((await app.store.runItems.page(id, 10, MAX_ITEM_LINES_PER_RUN)).items).toEqual([]);
  });

  it('a run that logs nothing has an empty log', async () => {
    const run = await app.runs.waitFor((await app.runs.start('demo', { items: 10, findingEvery: 0 }, 'cli')).runId);
    expect(await app.store.runItems.page(run?.id ?? 0, 50, 0)).toEqual({ items: [], total: 0, limit: 50, offset: 0, notKept: 0, counts: {} });
  });
});

describe('item log (attack): a store that refuses the item log', () => {
  it('never throws into the engine mid-repair (a flush every 250 lines came after committed writes); the failure is reported once', async () => {
    const { BufferedItemLog } = await import('../../core/runs/item-log');
    const failing = { append: () => { throw new Error('SQLITE_FULL: database or disk is full'); } } as unknown as ConstructorParameters<typeof BufferedItemLog>[0];
    const errors: unknown[] = [];
    const log = new BufferedItemLog(failing, 1, () => 't', undefined, undefined, (error) => errors.push(error));
    const logAll = async () => {
      for (let i = 0; i < 600; i++) await log.log({ item: `file:${i}`, action: 'quarantine', outcome: 'done' });
    };
    await expect(logAll()).resolves.toBeUndefined();
    expect(log.count).toBe(600);
    expect(errors).toHaveLength(1);
  });
});
