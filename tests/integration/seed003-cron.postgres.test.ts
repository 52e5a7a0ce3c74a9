import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AppDbAdapter } from '../../core/appdb/adapter';
import { openPostgresAppDb } from '../../core/appdb/postgres.adapter';
import { openStore, type Store } from '../../core/store/store';
import { detectSeed003, latestCronRuns } from '../../core/team/seed003/detect';
import { latestMigration } from '../../core/team/seed003/journal';
import { migrateSeed003, resumeSeed003, undoSeed003, type CronMigrationDeps } from '../../core/team/seed003/migrate';
import { usePostgres } from '../helpers/postgres';
import { makeTempDir } from '../helpers/temp-dir';

const FIXTURE = readFileSync(join(__dirname, '../fixtures/seed-003/auto-sync.sql'), 'utf8');
/** Ids a product may hold: quotes, backslashes, SQL, non-ASCII, spaces. Each must come back exactly. */
const HOSTILE = [`o'brien`, 'back\\slash', `"; DROP TABLE auto_sync_jobs; --`, 'émile-ünïcode', 'two words', `it''s`];
const PLAIN = Array.from({ length: 20 }, (_, i) => `u-${String(i).padStart(3, '0')}`);

const server = usePostgres();

describe('the seed-003 pattern: per-user pg_cron jobs detected, migrated to console schedules and back', () => {
  let admin: pg.Client;
  let product: AppDbAdapter;
  let dir: ReturnType<typeof makeTempDir>;
  let store: Store;
  let clock = 0;

  const cronJobs = async () => (await admin.query<{ j: string }>(`SELECT row_to_json(j)::text AS j FROM cron.job j ORDER BY jobid`)).rows.map((r) => r.j);
  const deps = (extra: Partial<CronMigrationDeps> = {}): CronMigrationDeps => ({
    store: store.db,
    product,
    productName: 'product',
    engine: 'mail-import',
    by: 'admin@example.com',
    actor: 'manual',
    now: () => new Date(Date.UTC(2026, 11, 2, 12, 0, clock++)).toISOString(),
    ...extra,
  });
  const consoleSchedules = async () => store.db.all<{ id: number; scope_json: string; trigger_json: string; enabled: number }>(`SELECT id, scope_json, trigger_json, enabled FROM schedules ORDER BY id`);

  beforeEach(async () => {
    admin = new pg.Client({ connectionString: server().url() });
    await admin.connect();
    await admin.query(`SELECT cron.unschedule(jobid) FROM cron.job`).catch(() => undefined);
    await admin.query(`DROP TABLE IF EXISTS auto_sync_jobs, auto_sync_runs; TRUNCATE cron.job_run_details`).catch(() => undefined);
    await admin.query(FIXTURE);
    for (const user of [...PLAIN, ...HOSTILE]) await admin.query(`SELECT enable_auto_sync($1, 30)`, [user]);
    await admin.query(`SELECT enable_auto_sync('hourly', 60)`);
    // Left alone: a job whose command does more than the one call, one that syncs another user, a user with auto-sync off.
    await admin.query(`SELECT enable_auto_sync('tampered', 30)`);
    await admin.query(`SELECT cron.alter_job(cron_job_id, command := 'SELECT run_auto_sync(''tampered''); DELETE FROM auto_sync_runs') FROM auto_sync_jobs WHERE user_id = 'tampered'`);
    await admin.query(`SELECT enable_auto_sync('impostor', 30)`);
    await admin.query(`SELECT cron.alter_job(cron_job_id, command := 'SELECT run_auto_sync(''u-001'')') FROM auto_sync_jobs WHERE user_id = 'impostor'`);
    await admin.query(`INSERT INTO auto_sync_jobs (user_id, cron_job_id, interval_minutes, enabled) VALUES ('off-user', NULL, 30, false)`);
    // Not the product's auto-sync at all.
    await admin.query(`SELECT cron.schedule('nightly-vacuum', '0 3 * * *', 'VACUUM')`);
    // A paused user: its schedule is created disabled.
    await admin.query(`SELECT cron.alter_job(cron_job_id, active := false) FROM auto_sync_jobs WHERE user_id = 'u-019'`);
    product = openPostgresAppDb({ connectionString: server().url() });
    dir = makeTempDir();
    store = await openStore(dir.path);
  });
  afterEach(async () => {
    await store.close();
    dir.remove();
    await product.close();
    await admin.end();
  });

  it('lists every per-user job with its runs, reads hostile ids exactly and leaves jobs that are not the pattern alone', async () => {
    const u000 = (await admin.query<{ id: string }>(`SELECT cron_job_id::text AS id FROM auto_sync_jobs WHERE user_id = 'u-000'`)).rows[0]?.id as string;
    await admin.query(
      `INSERT INTO cron.job_run_details (jobid, runid, job_pid, database, username, command, status, return_message, start_time, end_time)
       VALUES ($1, 901, 1, 'postgres', 'postgres', 'x', 'succeeded', 'SELECT 1', '2026-12-02T11:00:00Z', '2026-12-02T11:00:01Z'),
              ($1, 902, 1, 'postgres', 'postgres', 'x', 'failed', 'ERROR: token revoked', '2026-12-02T11:30:00Z', '2026-12-02T11:30:01Z')`,
      [u000],
    );
    const detection = await detectSeed003(product);
    if (!detection.present) throw new Error(detection.reason);
    expect(detection).toMatchObject({ total: 30, matched: 27, unmatched: 3 });
    const byUser = new Map(detection.users.map((u) => [u.userId, u]));
    for (const id of HOSTILE) expect(byUser.get(id), id).toMatchObject({ matched: true, trigger: { kind: 'interval', minutes: 30 } });
    expect(byUser.get('hourly')).toMatchObject({ matched: true, trigger: { kind: 'interval', minutes: 60 }, job: { schedule: '0 */1 * * *' } });
    expect(byUser.get('tampered')).toMatchObject({ matched: false, reason: expect.stringMatching(/not a plain run_auto_sync/) });
    expect(byUser.get('impostor')).toMatchObject({ matched: false, reason: expect.stringMatching(/another user/) });
    expect(byUser.get('off-user')).toMatchObject({ matched: false, jobId: null });
    expect(detection.users.some((u) => u.job?.command === 'VACUUM')).toBe(false);

    const runs = await latestCronRuns(product, [u000]);
    expect(runs.get(u000)).toEqual([
      { runId: '902', status: 'failed', message: 'ERROR: token revoked', startedAt: '2026-12-02T11:30:00.000Z', endedAt: '2026-12-02T11:30:01.000Z' },
      { runId: '901', status: 'succeeded', message: 'SELECT 1', startedAt: '2026-12-02T11:00:00.000Z', endedAt: '2026-12-02T11:00:01.000Z' },
    ]);
  });

  it('says what is missing when the database has no pg_cron or no auto-sync table', async () => {
    await admin.query(`DROP TABLE auto_sync_jobs`);
    expect(await detectSeed003(product)).toEqual({ present: false, reason: expect.stringMatching(/no auto_sync_jobs table/) });
    await admin.query(`CREATE DATABASE nocron`);
    const other = openPostgresAppDb({ connectionString: server().url('nocron') });
    try {
      expect(await detectSeed003(other)).toEqual({ present: false, reason: expect.stringMatching(/pg_cron is not installed in this database/) });
    } finally {
      await other.close();
      await admin.query(`DROP DATABASE nocron`);
    }
  });

  it('migrates in one step and undoes it: cron.job comes back byte for byte, the schedules go, both steps audited', async () => {
    const before = await cronJobs();
    const result = await migrateSeed003(deps());
    expect(result).toMatchObject({ migrated: 27, alreadyScheduled: 0, leftAlone: 3, migration: { state: 'migrated' } });

    const remaining = (await admin.query<{ jobname: string }>(`SELECT jobname FROM cron.job ORDER BY jobname`)).rows.map((r) => r.jobname);
    expect(remaining).toEqual(['auto-sync-impostor', 'auto-sync-tampered', 'nightly-vacuum']);
    const schedules = await consoleSchedules();
    expect(schedules).toHaveLength(27);
    const scopes = schedules.map((s) => (JSON.parse(s.scope_json) as { userId: string }).userId);
    expect(new Set(scopes)).toEqual(new Set([...PLAIN, ...HOSTILE, 'hourly']));
    expect(schedules.filter((s) => s.enabled === 0).map((s) => (JSON.parse(s.scope_json) as { userId: string }).userId)).toEqual(['u-019']);
    expect(JSON.parse(schedules.find((s) => s.scope_json.includes('hourly'))?.trigger_json ?? '')).toEqual({ kind: 'interval', minutes: 60 });

    const undone = await undoSeed003(deps());
    expect(undone.state).toBe('undone');
    expect(await cronJobs()).toEqual(before);
    expect(await consoleSchedules()).toEqual([]);
    const audit = await store.db.all(`SELECT action, subject, actor FROM audit_log ORDER BY id`);
    expect(audit).toEqual([
      { action: 'schedules.cron-migrate', subject: `cron-migration:${undone.id}`, actor: 'manual' },
      { action: 'schedules.cron-undo', subject: `cron-migration:${undone.id}`, actor: 'manual' },
    ]);
    // Undone means undone: a second undo is refused rather than re-inserting twice.
    await expect(undoSeed003(deps())).rejects.toMatchObject({ code: 'not-migrated' });
  });

  it('a job changed between reading and removing: nothing is removed, the schedules created are gone again', async () => {
    const before = await cronJobs();
    const failing = deps({
      checkpoint: async (step) => {
        if (step === 'schedules-created') await admin.query(`SELECT cron.alter_job(cron_job_id, schedule := '*/5 * * * *') FROM auto_sync_jobs WHERE user_id = 'u-007'`);
      },
    });
    await expect(migrateSeed003(failing)).rejects.toMatchObject({ code: 'changed' });
    const after = await cronJobs();
    expect(after).toHaveLength(before.length);
    expect(after.filter((j, i) => j !== before[i])).toHaveLength(1); // only the admin's own change
    expect(await consoleSchedules()).toEqual([]);
    expect(await latestMigration(store.db)).toMatchObject({ state: 'failed', message: expect.stringMatching(/left as they were/) });
    // The next attempt reads afresh and succeeds.
    await expect(migrateSeed003(deps())).resolves.toMatchObject({ migrated: 27 });
  });

  it('the product connection killed inside its transaction: every cron job stays, no schedule is left behind; a retry works', async () => {
    const before = await cronJobs();
    // The server kills the migrating connection at its DELETE, mid-transaction (as a failover or an admin would).
    await admin.query(`CREATE FUNCTION kill_me() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN PERFORM pg_terminate_backend(pg_backend_pid()); RETURN NULL; END $$`);
    await admin.query(`CREATE TRIGGER kill_me BEFORE DELETE ON cron.job FOR EACH STATEMENT EXECUTE FUNCTION kill_me()`);
    try {
      await expect(migrateSeed003(deps())).rejects.toMatchObject({ code: 'failed', message: expect.stringMatching(/nothing changed in the product: .*terminat/i) });
    } finally {
      await admin.query(`DROP TRIGGER kill_me ON cron.job; DROP FUNCTION kill_me()`);
    }
    expect(await cronJobs()).toEqual(before);
    expect(await consoleSchedules()).toEqual([]);
    await expect(migrateSeed003(deps())).resolves.toMatchObject({ migrated: 27 });
  });

  it('the store cannot take the journal (a disk error, a locked store): the product is not touched', async () => {
    const before = await cronJobs();
    await store.db.exec(`CREATE TRIGGER no_schedules BEFORE INSERT ON schedules BEGIN SELECT RAISE(ABORT, 'disk I/O error'); END`);
    await expect(migrateSeed003(deps())).rejects.toThrow(/disk I\/O error/);
    expect(await cronJobs()).toEqual(before);
    expect(await latestMigration(store.db)).toBeUndefined();
  });

  it('a crash after the product committed is finished by resume; a crash in an undo is rolled back by resume', async () => {
    const before = await cronJobs();
    const crash = new Error('process killed');
    await expect(migrateSeed003(deps({ checkpoint: async (step) => { if (step === 'product-committed') throw crash; } }))).rejects.toBe(crash);
    expect(await latestMigration(store.db)).toMatchObject({ state: 'preparing' });
    expect((await consoleSchedules()).every((s) => s.enabled === 0)).toBe(true); // neither fires twice: the jobs are gone, the schedules not yet on
    await expect(migrateSeed003(deps())).rejects.toMatchObject({ code: 'in-progress' });
    expect(await resumeSeed003(deps())).toMatchObject({ state: 'migrated' });
    expect((await consoleSchedules()).filter((s) => s.enabled === 1)).toHaveLength(26);

    await expect(undoSeed003(deps({ checkpoint: async (step) => { if (step === 'undo-disabled') throw crash; } }))).rejects.toBe(crash);
    expect(await latestMigration(store.db)).toMatchObject({ state: 'undoing' });
    expect(await resumeSeed003(deps())).toMatchObject({ state: 'migrated', message: expect.stringMatching(/schedules back on/) });
    expect((await consoleSchedules()).filter((s) => s.enabled === 1)).toHaveLength(26);

    await expect(undoSeed003(deps({ checkpoint: async (step) => { if (step === 'undo-product-committed') throw crash; } }))).rejects.toBe(crash);
    expect(await resumeSeed003(deps())).toMatchObject({ state: 'undone' });
    expect(await cronJobs()).toEqual(before);
    expect(await consoleSchedules()).toEqual([]);
  });
});
