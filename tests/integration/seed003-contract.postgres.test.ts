import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dispatch } from '../../core/app/dispatch';
import type { CronDetection, CronMigrateResult } from '../../core/api/cron-migration';
import { PG_PASSWORD, usePostgres } from '../helpers/postgres';
import { createTestApp, type TestApp } from '../helpers/test-app';

const FIXTURE = readFileSync(join(__dirname, '../fixtures/seed-003/auto-sync.sql'), 'utf8');
const server = usePostgres();

/** The Schedules page's methods over the fixture: detect, migrate with a confirmed count, undo, and the audit log. */
describe('schedules.cron.* (contract) on a product running the seed-003 pattern', () => {
  let app: TestApp;
  let admin: pg.Client;
  const call = async <T>(method: string, input: unknown): Promise<T> => {
    const answer = await dispatch(app.handlers, method, input, { actor: 'manual' });
    if (!answer.ok) throw Object.assign(new Error(answer.error.message), { code: answer.error.code });
    return answer.result as T;
  };

  beforeAll(async () => {
    admin = new pg.Client({ connectionString: server().url() });
    await admin.connect();
    await admin.query(FIXTURE);
    await admin.query(`SELECT enable_auto_sync('u-' || g, 30) FROM generate_series(1, 40) g`);
    await admin.query(`SELECT cron.schedule('nightly-vacuum', '0 3 * * *', 'VACUUM')`);
    app = await createTestApp();
    await app.connections.create({ kind: 'appdb', name: 'Product', config: { driver: 'postgres', url: `postgres://postgres@127.0.0.1:${server().port}/postgres` }, secrets: { password: PG_PASSWORD } } as never);
  }, 60_000);
  afterAll(async () => {
    await app?.dispose();
    await admin?.end();
  });

  it('detects, refuses a stale confirmation, migrates, undoes; both steps in the audit log', async () => {
    const found = await call<CronDetection>('schedules.cron.detect', { limit: 5 });
    expect(found).toMatchObject({ present: true, total: 40, matched: 40, unmatched: 0, filtered: 40, migration: null });
    expect(found.users).toHaveLength(5);
    expect(found.users[0]).toMatchObject({ userId: 'u-1', schedule: '*/30 * * * *', command: `SELECT run_auto_sync('u-1')`, matched: true, lastRuns: [] });

    await expect(call('schedules.cron.migrate', { expectJobs: 39 })).rejects.toMatchObject({ code: 'conflict', message: expect.stringMatching(/now has 40 .* not the 39 you confirmed/) });
    expect(Number((await admin.query(`SELECT count(*) AS n FROM cron.job`)).rows[0]?.n)).toBe(41);

    const before = (await admin.query<{ j: string }>(`SELECT row_to_json(j)::text AS j FROM cron.job j ORDER BY jobid`)).rows;
    const migrated = await call<CronMigrateResult>('schedules.cron.migrate', { expectJobs: 40 });
    expect(migrated).toMatchObject({ migrated: 40, leftAlone: 0, migration: { state: 'migrated', jobs: 40, schedules: 40 } });
    expect((await admin.query(`SELECT jobname FROM cron.job`)).rows).toEqual([{ jobname: 'nightly-vacuum' }]);
    const list = await call<{ total: number; schedules: { engine: string; scope: unknown; trigger: unknown; enabled: boolean }[] }>('schedules.list', { origin: 'console' });
    expect(list.total).toBe(40);
    // Seed 003's auto-sync is the mail import (its descriptor says so): one per-user schedule each, same interval.
    expect(list.schedules.find((s) => JSON.stringify(s.scope) === JSON.stringify({ kind: 'user', userId: 'u-7' }))).toMatchObject({ engine: 'mail-import', trigger: { kind: 'interval', minutes: 30 }, enabled: true });
    expect(new Set(list.schedules.map((s) => s.engine))).toEqual(new Set(['mail-import']));
    expect(await call<CronDetection>('schedules.cron.detect', {})).toMatchObject({ present: true, matched: 0, unmatched: 40, migration: { id: migrated.migration.id, state: 'migrated' } });

    await call('schedules.cron.undo', { id: migrated.migration.id });
    expect((await admin.query<{ j: string }>(`SELECT row_to_json(j)::text AS j FROM cron.job j ORDER BY jobid`)).rows).toEqual(before);
    expect((await call<{ total: number }>('schedules.list', { origin: 'console' })).total).toBe(0);
    const audit = await call<{ items: { action: string; subject: string }[] }>('audit.list', { limit: 10 });
    expect(audit.items.map((e) => e.action)).toEqual(['schedules.cron-undo', 'schedules.cron-migrate']);
    await expect(call('schedules.cron.undo', { id: migrated.migration.id })).rejects.toMatchObject({ code: 'conflict' });
  });
});
