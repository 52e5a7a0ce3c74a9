import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSyncwarden, type Syncwarden } from '../../core/app/app';
import { RunQueue } from '../../core/queue/run-queue';
import { PG_PASSWORD, usePostgres } from '../helpers/postgres';
import { makeTempDir } from '../helpers/temp-dir';
import { until } from '../helpers/wait';
import { startWorkerProcess as startWorker } from '../helpers/worker-process';

/**
 * Attack (#20 review): two real `syncwarden worker` processes take 24 runs while every database connection
 * but the test's own is killed (pg_terminate_backend) at random moments for ~12 s. Afterwards: both workers
 * still alive, every scope has exactly one succeeded run, no run left queued/running, no job left in the queue.
 */
const server = usePostgres();
const dir = makeTempDir();
let storeUrl = '';
let app: Syncwarden;
let queue: RunQueue;
let admin: pg.Client;

beforeAll(async () => {
  await server().createDatabase('team');
  storeUrl = `postgres://postgres@127.0.0.1:${server().port}/team`;
  process.env.PGPASSWORD = PG_PASSWORD;
  app = await createSyncwarden({ dataDir: dir.path, host: 'browser', withDemoEngine: true, store: storeUrl });
  queue = new RunQueue({ connectionString: server().url('team'), timing: { heartbeatSeconds: 10, retryDelaySeconds: 1, retryDelayMaxSeconds: 2, retryLimit: 5 }, superviseIntervalSeconds: 2 });
  await queue.start();
  await queue.ensureEngine('demo');
  admin = new pg.Client({ connectionString: server().url('team'), application_name: 'attack-admin' });
  await admin.connect();
}, 60_000);

afterAll(async () => {
  await admin?.end();
  await queue?.stop({ graceful: false, timeoutMs: 1_000 });
  await app?.close();
  dir.remove();
});

const startWorkerProcess = () => startWorker({ dataDir: dir.path, store: storeUrl, engines: ['demo'], concurrency: 3, drainTimeoutSeconds: 20 });

describe('attack: database connections killed at random while two workers run jobs', () => {
  it('nothing lost, nothing doubled, nothing stuck, no worker crashed', async () => {
    const workers = [startWorkerProcess(), startWorkerProcess()];
    for (const w of workers) await w.started();
    const send = async (run: { runId: number; engine: string; scope: string }) => void (await queue.enqueueQueuedRun(run));
    const scopes = Array.from({ length: 24 }, (_, i) => `chaos-${i}`);
    for (const scope of scopes) await app.runs.startInQueue('demo', { items: 20, pageSize: 2, delayMsPerPage: 150, scope }, 'manual', send);

    let kills = 0;
    const chaosEnd = Date.now() + 12_000;
    while (Date.now() < chaosEnd) {
      await new Promise((resolve) => setTimeout(resolve, 300 + Math.floor(Math.random() * 900)));
      const killed = await admin.query(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = 'team' AND pid <> pg_backend_pid() AND backend_type = 'client backend'`);
      kills += killed.rowCount ?? 0;
    }
    expect(kills).toBeGreaterThan(10);

    const summary = async () =>
      (await admin.query<{ scope: string; state: string; n: string }>(`SELECT scope, state, count(*) AS n FROM runs WHERE scope LIKE 'chaos-%' GROUP BY scope, state ORDER BY scope`)).rows;
    await until(
      async () => (await summary()).filter((r) => r.state === 'succeeded').length === scopes.length && !(await summary()).some((r) => r.state === 'queued' || r.state === 'running'),
      150_000,
      'every scope succeeded, none active',
    ).catch(async (error: unknown) => {
      const jobs = await admin.query(`SELECT state, count(*) FROM pgboss.job WHERE name = 'sw.run.demo' GROUP BY state`);
      const odd = await admin.query(
        `SELECT r.id, r.scope, r.state, r.error_json, (SELECT string_agg(e.message, ' / ' ORDER BY e.id) FROM run_events e WHERE e.run_id = r.id) AS events
           FROM runs r WHERE r.scope IN (SELECT scope FROM runs WHERE scope LIKE 'chaos-%' GROUP BY scope HAVING count(*) FILTER (WHERE state = 'succeeded') <> 1) ORDER BY r.id`,
      );
      throw new Error(`${String(error)}\nodd ${JSON.stringify(odd.rows, null, 1)}\nruns ${JSON.stringify(await summary())}\njobs ${JSON.stringify(jobs.rows)}\n${workers.map((w) => `exit ${String(w.child.exitCode)} ${w.out().slice(Math.max(0, w.out().indexOf('node:events') - 200), w.out().indexOf('node:events') + 4000)}`).join('\n----\n')}`);
    });
    const rows = await summary();
    expect(rows.filter((r) => r.state === 'succeeded').every((r) => r.n === '1')).toBe(true);
    await until(async () => (await admin.query(`SELECT 1 FROM pgboss.job WHERE name = 'sw.run.demo' AND state < 'completed'`)).rowCount === 0, 60_000, 'no job left');
    expect((await admin.query(`SELECT 1 FROM pgboss.job WHERE name = 'sw.dead.demo'`)).rowCount).toBe(0);
    for (const w of workers) expect(w.child.exitCode).toBe(null);
    for (const w of workers) w.child.kill('SIGTERM');
    for (const w of workers) expect((await w.exited)[0]).toBe(0);
  }, 300_000);
});
