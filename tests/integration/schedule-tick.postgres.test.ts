import pg from 'pg';
import { PgBoss } from 'pg-boss';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { installScheduleTick, runScheduleTick, tickJobName, uninstallScheduleTick } from '../../core/team/install-tick';
import { runQueueName } from '../../core/queue/queue-config';
import { RunQueue } from '../../core/queue/run-queue';
import { openStore } from '../../core/store/store';
import { PG_PASSWORD, startPostgres, usePostgres } from '../helpers/postgres';

const server = usePostgres();
const QUEUE = runQueueName('mail-import');

/**
 * The store lives in its own database ("store"), not in cron.database_name ("postgres"): the tick job is
 * installed with cron.schedule_in_database, as on a server whose pg_cron serves several databases.
 */
describe('schedules fired by PostgreSQL: one pg_cron tick enqueues the due per-user jobs', () => {
  let storeUrl: string;
  let db: pg.Client;

  const iso = (ms: number) => new Date(ms).toISOString();
  const addSchedule = async (s: { user: string; dueAt: string | null; minutes?: number; cron?: string; enabled?: boolean; engine?: string }) => {
    const trigger = s.cron ? { kind: 'cron', expression: s.cron } : { kind: 'interval', minutes: s.minutes ?? 30 };
    const engine = s.engine ?? 'mail-import';
    const row = await db.query<{ id: string }>(
      `INSERT INTO schedules (origin, source_key, engine, scope_json, trigger_json, time_zone, enabled, params_json, created_at, updated_by, updated_at, next_run_at, run_scope, run_params_json)
       VALUES ('app-db', $1, $2, $3, $4, 'UTC', $5, '{}', '2026-12-01T00:00:00.000Z', 'app-db', '2026-12-01T00:00:00.000Z', $6, $7, $8) RETURNING id`,
      [`${engine}:${s.user}`, engine, JSON.stringify({ kind: 'user', userId: s.user }), JSON.stringify(trigger), s.enabled === false ? 0 : 1, s.dueAt, `user:${s.user}`, JSON.stringify({ user: s.user, mode: 'import' })],
    );
    return Number(row.rows[0]?.id);
  };
  const jobs = async () => (await db.query<{ data: { runId: number; scope: string }; singleton_key: string; state: string }>(`SELECT data, singleton_key, state FROM pgboss.job WHERE name = $1 ORDER BY created_on`, [QUEUE])).rows;
  const schedule = async (id: number) => (await db.query<{ next_run_at: string | null; last_due_at: string | null; last_outcome: string | null; last_message: string | null; failures: number }>(`SELECT next_run_at, last_due_at, last_outcome, last_message, failures::integer AS failures FROM schedules WHERE id = $1`, [id])).rows[0];

  beforeAll(async () => {
    storeUrl = await server().createDatabase('store');
    db = new pg.Client({ connectionString: storeUrl });
    await db.connect();
    // A real PostgreSQL store: the runner applies migration 15 (columns, journal, syncwarden_enqueue_due).
    await (await openStore(`postgres://postgres@127.0.0.1:${server().port}/store`, { password: PG_PASSWORD })).close();
    // The queue as the queue module creates it (RunQueue.ensureEngine: exclusive policy, dead letter, retries).
    const queue = new RunQueue({ connectionString: storeUrl });
    await queue.start();
    await queue.ensureEngine('mail-import');
    await queue.stop({ graceful: false, timeoutMs: 1000 });
  }, 60_000);
  afterAll(async () => db?.end());
  beforeEach(async () => {
    await db.query(`DELETE FROM pgboss.job; DELETE FROM schedule_firings; DELETE FROM schedules; DELETE FROM run_events; DELETE FROM runs`);
  });

  it('fires the due schedules once, respects single flight, catches up once, leaves the rest', async () => {
    const now = Date.now();
    const onTime = await addSchedule({ user: `o'brien`, dueAt: iso(now - 30_000) });
    const missed = await addSchedule({ user: 'missed', dueAt: iso(now - 3 * 3600_000 - 17_000) }); // six slots missed
    const busy = await addSchedule({ user: 'busy', dueAt: iso(now - 10_000) });
    const off = await addSchedule({ user: 'off', dueAt: iso(now - 10_000), enabled: false });
    const later = await addSchedule({ user: 'later', dueAt: iso(now + 600_000) });
    const cron = await addSchedule({ user: 'cron', dueAt: iso(now - 5_000), cron: '0 2 * * *' });
    const noQueue = await addSchedule({ user: 'nq', dueAt: iso(now - 5_000), engine: 'no-such-engine' });
    const active = await db.query<{ id: string }>(`INSERT INTO runs (engine, scope, state, trigger, owner_pid, heartbeat_at, created_at) VALUES ('mail-import', 'user:busy', 'running', 'manual', 1, 'x', 'x') RETURNING id`);

    expect(await runScheduleTick(storeUrl)).toBe(3);
    const queued = await jobs();
    expect(queued.map((j) => j.data.scope).sort()).toEqual(['user:cron', 'user:missed', `user:o'brien`]);
    expect(queued.every((j) => j.state === 'created' && j.singleton_key === `mail-import:${j.data.scope}`)).toBe(true);
    // Each job names a queued run of the schedule's engine and scope: the worker runs that run.
    const runs = (await db.query<{ id: string; scope: string; state: string; trigger: string }>(`SELECT id, scope, state, trigger FROM runs WHERE state = 'queued' ORDER BY scope`)).rows;
    expect(runs.map((r) => [r.scope, r.trigger])).toEqual([['user:cron', 'schedule'], ['user:missed', 'schedule'], [`user:o'brien`, 'schedule']]);
    expect(new Set(queued.map((j) => String(j.data.runId)))).toEqual(new Set(runs.map((r) => r.id)));
    expect(queued.map((j) => Object.keys(j.data).sort())).toEqual(queued.map(() => ['engine', 'runId', 'scope']));
    // The queue owns a waiting run (host 'queue', a 14-day lease): no console's sweep interrupts it.
    const owners = (await db.query<{ owner_host: string; owner_id: string; lease_expires_at: string }>(`SELECT owner_host, owner_id, lease_expires_at FROM runs WHERE state = 'queued'`)).rows;
    expect(owners.every((o) => o.owner_host === 'queue' && o.owner_id === 'queue:mail-import' && Date.parse(o.lease_expires_at) > now + 13 * 24 * 3600_000)).toBe(true);
    expect(Number((await db.query(`SELECT count(*) AS n FROM run_events WHERE message LIKE 'queued by schedule%'`)).rows[0]?.n)).toBe(3);

    // Interval slots advance by whole intervals from the due slot (the per-user offset is kept).
    const a = await schedule(onTime);
    expect(a).toMatchObject({ last_outcome: 'started', next_run_at: iso(now - 30_000 + 30 * 60_000) });
    // Six missed slots fire once; the next slot is the first one half an interval past now (the desktop's catch-up).
    const m = await schedule(missed);
    expect(m?.last_outcome).toBe('started');
    const next = Date.parse(m?.next_run_at ?? '');
    expect(next).toBeGreaterThan(now + 15 * 60_000);
    expect(next).toBeLessThanOrEqual(now + 45 * 60_000 + 5000);
    expect((next - (now - 3 * 3600_000 - 17_000)) % (30 * 60_000)).toBe(0);
    expect(await schedule(busy)).toMatchObject({ last_outcome: 'skipped', last_message: `run ${active.rows[0]?.id} of the same engine and scope was still active` });
    expect(await schedule(off)).toMatchObject({ last_outcome: null });
    expect(await schedule(later)).toMatchObject({ last_outcome: null });
    expect(await schedule(cron)).toMatchObject({ last_outcome: 'started', next_run_at: null }); // the JS side computes a cron slot
    expect(await schedule(noQueue)).toMatchObject({ last_outcome: 'failed', failures: 1, last_message: expect.stringMatching(/job queue sw\.run\.no-such-engine does not exist/) });
    expect(Number((await db.query(`SELECT count(*) AS n FROM runs WHERE engine = 'no-such-engine'`)).rows[0]?.n)).toBe(0);

    // Nothing is due any more: a second tick enqueues nothing.
    expect(await runScheduleTick(storeUrl)).toBe(0);
    expect(await jobs()).toHaveLength(3);
    // pg-boss itself takes the job the SQL enqueued.
    const boss = new PgBoss({ connectionString: storeUrl, supervise: false, schedule: false });
    await boss.start();
    try {
      const [job] = await boss.fetch<{ runId: number }>(QUEUE);
      expect(job?.data.runId).toBeGreaterThan(0);
    } finally {
      await boss.stop({ graceful: false });
    }
  });

  it('two overlapping ticks share the due schedules: no job and no run doubled', async () => {
    const now = Date.now();
    for (let i = 0; i < 200; i++) await addSchedule({ user: `user-${i}`, dueAt: iso(now - 1000 - i) });
    const other = new pg.Client({ connectionString: storeUrl });
    await other.connect();
    try {
      await db.query('BEGIN');
      const first = Number((await db.query<{ n: number }>(`SELECT syncwarden_enqueue_due(120) AS n`)).rows[0]?.n);
      // The second tick runs while the first still holds its 120 rows: it takes the other 80 and skips the locked ones.
      const second = Number((await other.query<{ n: number }>(`SELECT syncwarden_enqueue_due(500) AS n`)).rows[0]?.n);
      await db.query('COMMIT');
      expect([first, second]).toEqual([120, 80]);
      const third = await runScheduleTick(storeUrl);
      expect(third).toBe(0);
    } finally {
      await other.end();
    }
    const queued = await jobs();
    expect(queued).toHaveLength(200);
    expect(new Set(queued.map((j) => j.data.scope)).size).toBe(200);
    expect(Number((await db.query(`SELECT count(*) AS n FROM runs`)).rows[0]?.n)).toBe(200);
  });

  it('a real pg_cron tick (schedule_in_database) enqueues the due jobs at the next minute, and two overlapping tick jobs do not double them', async () => {
    const now = Date.now();
    for (let i = 0; i < 50; i++) await addSchedule({ user: `tick-${i}`, dueAt: iso(now - 60_000 - i) });
    const installed = await installScheduleTick(storeUrl);
    expect(installed).toMatchObject({ installed: true, jobName: tickJobName('store'), cronDatabase: 'postgres', storeDatabase: 'store' });
    // Installing again replaces, never adds a second tick.
    const again = await installScheduleTick(storeUrl);
    const cron = new pg.Client({ connectionString: server().url('postgres') });
    await cron.connect();
    try {
      expect((await cron.query(`SELECT database, schedule, command FROM cron.job WHERE jobname = $1`, [tickJobName('store')])).rows).toEqual([
        { database: 'store', schedule: '* * * * *', command: 'SELECT syncwarden_enqueue_due(2000)' },
      ]);
      // A second, overlapping tick (another console's install, a manual schedule): both fire at the same boundary.
      await cron.query(`SELECT cron.schedule_in_database('overlap', '* * * * *', 'SELECT syncwarden_enqueue_due(2000)', 'store')`);
      const deadline = Date.now() + 70_000;
      let ran: { status: string; jobid: string }[] = [];
      while (Date.now() < deadline) {
        ran = (await cron.query<{ status: string; jobid: string }>(`SELECT status, jobid::text AS jobid FROM cron.job_run_details WHERE database = 'store' AND status IN ('succeeded','failed')`)).rows;
        if (ran.length >= 2) break;
        await new Promise((resolve) => setTimeout(resolve, 1000));
      }
      expect(ran.map((r) => r.status)).toEqual(['succeeded', 'succeeded']);
      expect(ran.some((r) => r.jobid === (again.installed ? again.jobId : ''))).toBe(true);
    } finally {
      await cron.query(`SELECT cron.unschedule('overlap')`).catch(() => undefined);
      await cron.end();
    }
    const queued = await jobs();
    expect(queued).toHaveLength(50);
    expect(new Set(queued.map((j) => j.data.scope)).size).toBe(50);
    expect(await uninstallScheduleTick(storeUrl)).toBe(true);
  }, 90_000);
});

describe('schedules install-tick on a server without pg_cron loaded', () => {
  it('says pg_cron is not loaded, how to load it, and how to tick without it; installs nothing', async () => {
    const bare = await startPostgres({ preloadCron: false });
    try {
      const result = await installScheduleTick(bare.url());
      expect(result).toEqual({ installed: false, reason: expect.stringMatching(/pg_cron is installed but not loaded: add it to shared_preload_libraries .*`syncwarden schedules tick --store/) });
      const client = new pg.Client({ connectionString: bare.url() });
      await client.connect();
      try {
        expect((await client.query(`SELECT to_regclass('cron.job') AS t`)).rows[0]).toEqual({ t: null });
      } finally {
        await client.end();
      }
    } finally {
      await bare.stop();
    }
  }, 60_000);
});
