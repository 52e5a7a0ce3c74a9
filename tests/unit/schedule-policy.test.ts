import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { CallResult } from '../../core/api/errors';
import type { MethodName } from '../../core/api/names';
import { SheetSourceSpecSchema } from '../../core/api/sheets';
import type { AppDbAdapter } from '../../core/appdb/adapter';
import { openSqliteAppDb } from '../../core/appdb/sqlite.adapter';
import { dispatch } from '../../core/app/dispatch';
import { demoEngine } from '../../core/engines/demo/demo.engine';
import { EngineRegistry, type Engine } from '../../core/engines/engine';
import type { EngineSchedulePolicy, PerUserSetting } from '../../core/engines/engine-policies';
import { createEngineRegistry } from '../../core/engines/registry';
import { readDerivedSchedules } from '../../core/scheduler/app-db-schedules';
import { runParamsFor } from '../../core/scheduler/run-params';
import { SheetSourcesRepository } from '../../core/store/sheet-sources.repo';
import { makeTempDir } from '../helpers/temp-dir';
import { createTestApp, type TestApp } from '../helpers/test-app';

/**
 * The schedule policy is the engine's own (issue 17): the scheduler, the
 * per-user derivation and the schedules handlers read it from the registry.
 * A toy engine defined here, unknown to core/, is scheduled through its
 * descriptor alone.
 */
const ToyParams = z.strictObject({
  mode: z.enum(['check', 'repair']).default('check'),
  user: z.string().optional(),
  autoRepair: z.boolean().optional(),
  /** Set by the toy's policy on every scheduled run: proof that the policy was asked. */
  scheduled: z.literal(true).optional(),
});
type ToyParams = z.infer<typeof ToyParams>;

/** The toy's per-user settings live in its own product table: (user_id, on, every). */
async function toySettingsPage(db: AppDbAdapter, _mapping: unknown, after: string | null, limit: number): Promise<PerUserSetting[]> {
  const rows = await db.query<{ user_id: string; on_: number; every: unknown }>(
    `SELECT user_id, on_, every FROM toy_settings ${after === null ? '' : 'WHERE user_id > ?'} ORDER BY user_id LIMIT ${limit}`,
    after === null ? [] : [after],
  );
  return rows.map((row) => ({ userId: row.user_id, enabled: row.on_ === 1, intervalMinutes: row.every, autoRepair: row.user_id.endsWith('9') }));
}

const toySchedule: EngineSchedulePolicy = {
  autoRepair: true,
  paramsFor: (base) => ({ ...base, scheduled: true }),
  validate: (schedule) => (schedule.scope.kind === 'provider' ? { path: ['scope'], message: 'the toy has no providers' } : null),
  perUser: { page: toySettingsPage, defaultIntervalMinutes: 45 },
};

const toyEngine: Engine<ToyParams> = {
  id: 'toy',
  title: 'Toy',
  description: 'A test-only engine with check and repair.',
  phases: [{ id: 'work', label: 'Working', weight: 1 }],
  params: ToyParams,
  scopeOf: (params) => `${params.mode}:${params.user ?? 'all'}`,
  run: (params) => Promise.resolve({ mode: params.mode, itemsFailed: 0 }),
  schedule: toySchedule,
};

describe('schedule policies from the registry', () => {
  let dir: ReturnType<typeof makeTempDir>;
  let app: TestApp;
  beforeEach(async () => {
    dir = makeTempDir();
    app = await createTestApp({ dataDir: join(dir.path, 'console'), engines: new EngineRegistry([toyEngine, demoEngine]) });
  });
  afterEach(async () => {
    await app.dispose();
    dir.remove();
  });

  const call = (method: MethodName, input: unknown = {}): Promise<CallResult<unknown>> => dispatch(app.handlers, method, input, { actor: 'manual' });

  async function productDb(users: number): Promise<string> {
    const path = join(dir.path, 'product.db');
    const db = openSqliteAppDb({ path, create: true });
    await db.execute('CREATE TABLE toy_settings (user_id TEXT PRIMARY KEY, on_ INTEGER, every INTEGER)');
    // Two keyset pages (2,000 rows each) and a third partial one; some intervals are nonsense (0, null).
    const rows = Array.from({ length: users }, (_, i) => [`u${String(i).padStart(5, '0')}`, i % 3 === 0 ? 0 : 1, i % 7 === 0 ? 0 : i % 11 === 0 ? null : 15]);
    await db.executeMany('INSERT INTO toy_settings (user_id, on_, every) VALUES (?, ?, ?)', rows);
    await db.close();
    return path;
  }

  it('a scheduled run of a toy engine gets the params its policy makes: scope, its own additions and autoRepair', async () => {
    const engines = new EngineRegistry([toyEngine, demoEngine]);
    const context = { store: app.store };
    expect(await runParamsFor({ engine: 'toy', scope: { kind: 'user', userId: 'u1' }, params: { mode: 'repair' }, autoRepair: true }, engines, context)).toEqual({
      mode: 'repair',
      user: 'u1',
      scheduled: true,
      autoRepair: true,
    });
    // An engine without a policy (the demo) gets the schedule's params and scope only: no autoRepair its params would refuse.
    expect(await runParamsFor({ engine: 'demo', scope: { kind: 'user', userId: 'u1' }, params: { items: 5 }, autoRepair: true }, engines, context)).toEqual({ items: 5, user: 'u1' });
  });

  it('per-user schedules come from the toy policy, paged by user id, nonsense intervals set to its default', async () => {
    const path = await productDb(4_500);
    const db = openSqliteAppDb({ path });
    try {
      const derived = await readDerivedSchedules(db, {} as never, new EngineRegistry([toyEngine, demoEngine]));
      expect(derived).toHaveLength(4_500);
      expect(new Set(derived.map((d) => d.sourceKey)).size).toBe(4_500);
      expect(derived[1]).toEqual({
        sourceKey: 'toy:u00001',
        engine: 'toy',
        scope: { kind: 'user', userId: 'u00001' },
        trigger: { kind: 'interval', minutes: 15 },
        timeZone: 'UTC',
        enabled: true,
        autoRepair: false,
        params: {},
      });
      expect(derived[0]).toMatchObject({ enabled: false, trigger: { minutes: 45 } }); // every = 0
      expect(derived[11]).toMatchObject({ trigger: { minutes: 45 } }); // every = null
      expect(derived[9]).toMatchObject({ autoRepair: true });
    } finally {
      await db.close();
    }
  });

  it('the app schedules, validates and runs the toy engine through its descriptor alone', async () => {
    await app.connections.create({ kind: 'appdb', name: 'Product', config: { driver: 'sqlite', path: await productDb(3) }, secrets: {} });
    await app.scheduler.refreshAppDb();
    const listed = await call('schedules.list', { origin: 'app-db' });
    expect(listed).toMatchObject({ ok: true, result: { total: 3 } });

    const refused = await call('schedules.create', { engine: 'toy', scope: { kind: 'provider', userId: 'u1', provider: 'google' }, trigger: { kind: 'interval', minutes: 30 } });
    expect(refused).toMatchObject({ ok: false, error: { code: 'invalid-input', message: 'Invalid schedule: the toy has no providers.', details: { issues: [{ path: ['scope'] }] } } });

    const created = await call('schedules.create', { engine: 'toy', scope: { kind: 'user', userId: 'u1' }, trigger: { kind: 'interval', minutes: 30 }, autoRepair: true });
    if (!created.ok) throw new Error(created.error.message);
    const started = await call('schedules.runNow', { id: (created.result as { id: number }).id });
    if (!started.ok) throw new Error(started.error.message);
    const run = await app.runs.waitFor((started.result as { runId: number }).runId);
    expect(run).toMatchObject({ engine: 'toy', trigger: 'schedule', state: 'succeeded', params: { mode: 'check', user: 'u1', scheduled: true, autoRepair: true } });
  });
});

describe('the sheet-import schedule policy', () => {
  let app: TestApp;
  beforeEach(async () => {
    app = await createTestApp({ engines: createEngineRegistry() });
  });
  afterEach(async () => app.dispose());

  const call = (method: MethodName, input: unknown = {}): Promise<CallResult<unknown>> => dispatch(app.handlers, method, input, { actor: 'manual' });
  const spec = SheetSourceSpecSchema.parse({ name: 'Prices', spreadsheetId: 'sheet-1', storageAccountId: 'acc-1', targetTable: 'prices', columns: [{ header: 'SKU', column: 'sku' }] });

  it('a source scope is required and must name a source; a firing snapshots the source, or fails once it is gone', async () => {
    const sources = new SheetSourcesRepository(app.store.db);
    const trigger = { kind: 'interval', minutes: 30 };
    expect(await call('schedules.create', { engine: 'sheet-import', trigger })).toMatchObject({
      ok: false,
      error: { message: 'Invalid schedule: a sheet-import schedule imports one source: choose it.', details: { issues: [{ path: ['scope'] }] } },
    });
    expect(await call('schedules.create', { engine: 'sheet-import', scope: { kind: 'source', sourceId: 99 }, trigger })).toMatchObject({
      ok: false,
      error: { message: 'Invalid schedule: there is no sheet source 99.', details: { issues: [{ path: ['scope', 'sourceId'] }] } },
    });

    const sourceId = await sources.insert(spec, new Date().toISOString());
    const context = { store: app.store };
    const schedule = { engine: 'sheet-import', scope: { kind: 'source' as const, sourceId }, params: {}, autoRepair: true };
    expect(await runParamsFor(schedule, app.engines, context)).toEqual({ sourceId, source: spec });

    const created = await call('schedules.create', { engine: 'sheet-import', scope: { kind: 'source', sourceId }, trigger });
    if (!created.ok) throw new Error(created.error.message);
    await sources.delete(sourceId);
    await expect(runParamsFor(schedule, app.engines, context)).rejects.toThrow(`Sheet source ${sourceId} no longer exists: edit or delete this schedule.`);
    expect(await call('schedules.runNow', { id: (created.result as { id: number }).id })).toMatchObject({ ok: false });
    // The firing is recorded as failed with what to do.
    expect(await call('schedules.list', { origin: 'console' })).toMatchObject({
      ok: true,
      result: { schedules: [{ lastFiring: { outcome: 'failed', runId: null, message: `Sheet source ${sourceId} no longer exists: edit or delete this schedule.` } }] },
    });
  });
});
