import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { CallResult } from '../../core/api/errors';
import type { MethodName } from '../../core/api/names';
import { methods } from '../../core/api/contract';
import { canonicalDdl } from '../../core/appdb/ddl';
import { openSqliteAppDb } from '../../core/appdb/sqlite.adapter';
import { dispatch } from '../../core/app/dispatch';
import { createTestApp, type TestApp } from '../helpers/test-app';
import { until } from '../helpers/wait';

/**
 * The schedules contract through the one handler table, with the real store,
 * run manager (demo engine) and a real SQLite product database for the
 * per-user schedules. The scheduler itself is not started: these are the
 * console's calls, which work whether the host runs schedules or not.
 */
describe('schedules through the contract', () => {
  let app: TestApp;
  beforeEach(async () => {
    app = await createTestApp();
  });
  afterEach(async () => app.dispose());

  const call = (method: MethodName, input: unknown = {}): Promise<CallResult<unknown>> => dispatch(app.handlers, method, input, { actor: 'manual' });
  const ok = async <M extends MethodName>(method: M, input: unknown = {}) => {
    const response = await call(method, input);
    if (!response.ok) throw new Error(`${method}: ${response.error.code} ${response.error.message}`);
    return methods[method].output.parse(response.result) as ReturnType<(typeof methods)[M]['output']['parse']>;
  };

  it('an invalid trigger is refused with a clear message and the failing field, and nothing is stored', async () => {
    const bad = await call('schedules.create', { engine: 'demo', trigger: { kind: 'cron', expression: '61 * * * *' } });
    expect(bad).toMatchObject({
      ok: false,
      error: { code: 'invalid-input', message: 'Invalid schedule: Invalid cron expression "61 * * * *": minute: 61 is not a valid expression for minute.', details: { issues: [{ path: ['trigger', 'expression'] }] } },
    });
    expect(await call('schedules.create', { engine: 'nope', trigger: { kind: 'interval', minutes: 30 } })).toMatchObject({ ok: false, error: { details: { issues: [{ path: ['engine'] }] } } });
    expect(await call('schedules.create', { engine: 'demo', trigger: { kind: 'interval', minutes: 0 } })).toMatchObject({ ok: false, error: { code: 'invalid-input' } });
    expect(await call('schedules.create', { engine: 'demo', trigger: { kind: 'interval', minutes: 30 }, params: { items: 'many' } })).toMatchObject({
      ok: false,
      error: { message: 'Invalid schedule: the demo engine refuses these parameters: items: Invalid input: expected number, received string.', details: { issues: [{ path: ['params', 'items'] }] } },
    });
    expect(await call('schedules.create', { engine: 'sheet-import', trigger: { kind: 'interval', minutes: 30 } })).toMatchObject({ ok: false, error: { details: { issues: [{ path: ['scope'] }] } } });
    expect((await ok('schedules.list')).schedules).toEqual([]);
  });

  it('create, run now (trigger schedule), skip while active, disable, delete', async () => {
    const created = await ok('schedules.create', { engine: 'demo', trigger: { kind: 'interval', minutes: 30 }, timeZone: 'UTC', params: { items: 2000 } });
    expect(created).toMatchObject({ origin: 'console', triggerText: 'every 30 minutes', enabled: true, updatedBy: 'manual', lastRun: null, nextRunAt: expect.any(String) });

    const first = await ok('schedules.runNow', { id: created.id });
    expect(first.alreadyRunning).toBe(false);
    const run = await app.runs.waitFor(first.runId);
    expect(run).toMatchObject({ trigger: 'schedule', state: 'succeeded', engine: 'demo' });
    const listed = (await ok('schedules.list')).schedules[0];
    expect(listed).toMatchObject({ lastRun: { runId: first.runId, state: 'succeeded' }, lastFiring: { outcome: 'started', runId: first.runId } });

    // A long run is active: the next firing of the same scope is recorded as skipped, and nothing new starts.
    const long = await ok('runs.start', { engine: 'demo', params: { items: 5_000_000, delayMsPerPage: 5 } });
    const second = await ok('schedules.runNow', { id: created.id });
    expect(second).toEqual({ runId: long.runId, alreadyRunning: true });
    expect((await app.store.schedules.firings(created.id)).map((f) => f.outcome)).toEqual(['skipped', 'started']);
    await ok('runs.cancel', { id: long.runId });
    await until(async () => (await app.store.runs.get(long.runId))?.state === 'cancelled', 10_000, 'cancelled');

    expect(await ok('schedules.setEnabled', { id: created.id, enabled: false })).toMatchObject({ enabled: false, nextRunAt: null });
    expect(await ok('schedules.delete', { id: created.id })).toEqual({ id: created.id, deleted: true });
    expect(await ok('schedules.delete', { id: created.id })).toEqual({ id: created.id, deleted: false });
  });

  it('per-user schedules come from the product database, are read-only here, and mail settings are listed', async () => {
    const path = join(app.dataDir, 'product.db');
    const db = openSqliteAppDb({ path, create: true });
    for (const sql of canonicalDdl('sqlite')) await db.execute(sql);
    await db.execute(`INSERT INTO users (id, email) VALUES ('u1', 'ada@example.com'), ('u2', 'bob@example.com')`);
    await db.execute(`INSERT INTO mail_settings (user_id, enabled, interval_minutes, history_id) VALUES ('u1', 1, 15, '777'), ('u2', 0, 30, NULL)`);
    await db.execute(`INSERT INTO storage_accounts (id, user_id, provider) VALUES ('a1', 'u1', 'google'), ('a2', 'u1', 'dropbox'), ('a3', 'u2', 'google')`);
    await db.execute(`INSERT INTO user_sync_settings (user_id, auto_sync, delete_after_sync, sync_interval_minutes) VALUES ('u2', 0, 1, 60)`);
    await db.close();
    await ok('connections.create', { kind: 'appdb', name: 'Product', config: { driver: 'sqlite', path } });

    await app.scheduler.refreshAppDb();
    const { schedules } = await ok('schedules.list');
    const byKey = (engine: string, userId: string) => schedules.find((s) => s.engine === engine && s.scope.kind === 'user' && s.scope.userId === userId);
    expect(byKey('mail-import', 'u1')).toMatchObject({ origin: 'app-db', enabled: true, trigger: { kind: 'interval', minutes: 15 }, triggerText: 'every 15 minutes' });
    expect(byKey('mail-import', 'u2')).toMatchObject({ enabled: false, nextRunAt: null });
    // No user_sync_settings row: auto-sync on, every 6 hours; u2 turned it off (one schedule per user, not per account).
    expect(byKey('storage-orphans', 'u1')).toMatchObject({ enabled: true, trigger: { minutes: 360 }, autoRepair: false });
    expect(byKey('storage-orphans', 'u2')).toMatchObject({ enabled: false, trigger: { minutes: 60 }, autoRepair: true });
    expect(schedules).toHaveLength(4);
    // The page filters: console or product schedules, text, a slice with the total.
    expect(await ok('schedules.list', { origin: 'console' })).toMatchObject({ schedules: [], total: 0 });
    const page = await ok('schedules.list', { origin: 'app-db', search: 'u2', limit: 1 });
    expect(page.total).toBe(2);
    expect(page.schedules).toHaveLength(1);
    expect(page.schedules[0]?.scope).toEqual({ kind: 'user', userId: 'u2' });
    expect((await ok('schedules.list', { search: '50%_' })).total).toBe(0);

    const u1 = byKey('mail-import', 'u1')!;
    expect(await call('schedules.setEnabled', { id: u1.id, enabled: false })).toMatchObject({ ok: false, error: { code: 'conflict', message: /product database/ } });
    expect(await call('schedules.delete', { id: u1.id })).toMatchObject({ ok: false, error: { code: 'conflict' } });

    // Another process changes a setting: the open connection's data_version moves and the next read sees it.
    const product = openSqliteAppDb({ path });
    await product.execute(`UPDATE mail_settings SET enabled = 0 WHERE user_id = 'u1'`);
    await product.execute(`INSERT INTO storage_accounts (id, user_id, provider) VALUES ('a4', 'u3', 'dropbox')`);
    await product.close();
    await app.scheduler.refreshAppDb();
    const after = (await ok('schedules.list')).schedules;
    expect(after.find((s) => s.engine === 'mail-import' && s.scope.kind === 'user' && s.scope.userId === 'u1')).toMatchObject({ id: u1.id, enabled: false });
    expect(after.filter((s) => s.engine === 'storage-orphans').map((s) => (s.scope.kind === 'user' ? s.scope.userId : '')).sort()).toEqual(['u1', 'u2', 'u3']);

    const mail = await ok('mail.settings', { limit: 10 });
    expect(mail).toMatchObject({ total: 2, items: [
      { userId: 'u1', email: 'ada@example.com', enabled: false, intervalMinutes: 15, historyId: '777', lastImportAt: null },
      { userId: 'u2', email: 'bob@example.com', enabled: false, intervalMinutes: 30, historyId: null },
    ] });
  });

  it('pause and resume report the scheduler status; describe validates as typed', async () => {
    expect(await ok('schedules.pause', { minutes: 60 })).toMatchObject({ state: 'paused', pausedIndefinitely: false, pausedUntil: expect.any(String) });
    expect(await ok('schedules.list')).toMatchObject({ pausedIndefinitely: false, pausedUntil: expect.any(String) });
    expect(await ok('schedules.pause', { minutes: null })).toMatchObject({ state: 'paused', pausedIndefinitely: true });
    expect(await ok('schedules.resume')).toMatchObject({ state: 'idle', pausedUntil: null, pausedIndefinitely: false });
    expect(await ok('schedules.describe', { trigger: { kind: 'interval', minutes: 120 } })).toMatchObject({ valid: true, text: 'every 2 hours', next: [expect.any(String), expect.any(String), expect.any(String)] });
    expect(await ok('schedules.describe', { trigger: { kind: 'cron', expression: '0 25 * * *' }, timeZone: 'UTC' })).toMatchObject({ valid: false, error: /hour/ });
  });

  it('runs.stats lists recent runs with duration, filtered by trigger', async () => {
    const manual = await ok('runs.start', { engine: 'demo', params: { items: 1000, scope: 'a' } });
    await app.runs.waitFor(manual.runId);
    const scheduled = await app.runs.start('demo', { items: 1000, scope: 'b' }, 'schedule');
    await app.runs.waitFor(scheduled.runId);
    const all = await ok('runs.stats', {});
    expect(all.runs.map((r) => [r.id, r.trigger, r.state])).toEqual([[manual.runId, 'manual', 'succeeded'], [scheduled.runId, 'schedule', 'succeeded']]);
    expect(all.runs[0]?.durationMs).toBeGreaterThanOrEqual(0);
    expect((await ok('runs.stats', { days: 1, trigger: 'schedule' })).runs.map((r) => r.id)).toEqual([scheduled.runId]);
  });
});
