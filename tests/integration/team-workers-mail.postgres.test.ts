import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSyncwarden, type Syncwarden } from '../../core/app/app';
import { openPostgresAppDb } from '../../core/appdb/postgres.adapter';
import { initCanonicalSchema } from '../../core/appdb/ddl';
import type { AppDbAdapter } from '../../core/appdb/adapter';
import { RunQueue } from '../../core/queue/run-queue';
import { startTeamMode } from '../../core/queue/team-mode';
import { EnvSecretStore } from '../../core/secrets/env.secret-store';
import { connectionNameSecretKey } from '../../core/secrets/secret-store';
import { startGoogleEmulator, type GoogleEmulator } from '../emulators/google';
import { account, seedWith, TEST_CLIENT } from '../emulators/google/test-support';
import { MemorySecretStore } from '../helpers/memory.secret-store';
import { PG_PASSWORD, usePostgres } from '../helpers/postgres';
import { makeTempDir } from '../helpers/temp-dir';
import { until, untilEvery } from '../helpers/wait';
import { startWorkerProcess } from '../helpers/worker-process';
import { inbox } from './mail-import.setup';

/**
 * Issue #20's test: three `syncwarden worker` processes share per-user mail-import jobs of the real engine
 * against the Gmail emulator (over HTTP, from other processes), queued by a console in team mode, with no job
 * lost and no duplicate row in the product database; then the same with one worker SIGKILLed mid-run.
 *
 * Size: the issue says 10,000 jobs. Measured here (2 shared cores, console enqueuing serially, 3 workers x
 * concurrency 4, no emulator latency): 400 jobs in 21.5 s (18.6 jobs/s) alone, 1,000 in 127.5 s (7.8 jobs/s)
 * while a build ran beside it: 10,000 would take ~9 to 20 minutes, so the 10,000-job run belongs to
 * `npm run bench -- workers`, and this test runs 1,000 (146 s under that load; about a minute on a quiet
 * machine, extrapolated from the 400-job rate).
 * SYNCWARDEN_TEAM_JOBS=10000 runs the full size here.
 */
const JOBS = Number(process.env.SYNCWARDEN_TEAM_JOBS ?? 1000);
const KILL_JOBS = Math.min(JOBS, 200);
/** Bounds that grow with the size asked for (10,000 jobs on a loaded 2-core machine run at 8-20 jobs/s). */
const DONE_WITHIN_MS = Math.max(240_000, JOBS * 200);
const TEST_TIMEOUT_MS = DONE_WITHIN_MS + 160_000;
const MESSAGES = 2;

const server = usePostgres();
const dir = makeTempDir();
let storeUrl = '';
let productUrl = '';
let emulator: GoogleEmulator;
let product: AppDbAdapter;
let app: Syncwarden;
let sql: pg.Client;
const users = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => `${prefix}${i}`);

beforeAll(async () => {
  await server().createDatabase('team');
  await server().createDatabase('product');
  storeUrl = `postgres://postgres@127.0.0.1:${server().port}/team`;
  productUrl = `postgres://postgres@127.0.0.1:${server().port}/product`;
  process.env.PGPASSWORD = PG_PASSWORD;
  const ids = [...users('a', JOBS), ...users('k', KILL_JOBS)];
  emulator = await startGoogleEmulator(seedWith(...ids.map((id) => account(id, { mailbox: { historyId: 1000, messages: inbox(id, MESSAGES) } }))));
  product = openPostgresAppDb({ connectionString: productUrl, password: PG_PASSWORD });
  await initCanonicalSchema(product);
  for (const id of ids) {
    await product.execute('INSERT INTO users (id, email) VALUES (?, ?)', [`u-${id}`, `${id}@example.com`]);
    await product.execute('INSERT INTO mail_settings (user_id, enabled, interval_minutes) VALUES (?, ?, 30)', [`u-${id}`, true]);
    await product.execute(`INSERT INTO storage_accounts (id, user_id, provider, refresh_token) VALUES (?, ?, 'google', ?)`, [`sa-${id}`, `u-${id}`, `1//refresh-${id}`]);
  }
  // A 10 s job lease (pg-boss's minimum) and quick retries, so a killed worker's job comes back within the test.
  const setup = new RunQueue({ connectionString: server().url('team'), timing: { heartbeatSeconds: 10, retryDelaySeconds: 1 } });
  await setup.start();
  await setup.ensureEngine('mail-import');
  await setup.stop({ graceful: false, timeoutMs: 1_000 });
  // The console: team mode as the hosts wire it; its secrets in memory (this machine's keychain).
  app = await createSyncwarden({
    dataDir: dir.path,
    host: 'browser',
    store: storeUrl,
    secrets: new MemorySecretStore(),
    teamMode: ({ url, password, store, log }) => startTeamMode({ url, ...(password === undefined ? {} : { password }), db: store.db, log }),
  });
  await app.connections.create({ kind: 'appdb', name: 'Product', config: { driver: 'postgres', url: productUrl, sslMode: 'disable' }, secrets: { password: PG_PASSWORD } });
  await app.connections.create({ kind: 'google', name: 'Google', config: { clientId: TEST_CLIENT.clientId, rootUrl: emulator.rootUrl, tokenUrl: emulator.tokenUrl }, secrets: { clientSecret: TEST_CLIENT.clientSecret } });
  sql = new pg.Client({ connectionString: server().url('team') });
  await sql.connect();
}, 300_000);

afterAll(async () => {
  await sql?.end();
  await app?.close();
  await product?.close();
  await emulator?.close();
  dir.remove();
});

/** A worker on "another machine": its own data dir, the connections' secrets from its environment. */
function startWorker(tag: string) {
  const workerDir = makeTempDir(`sw-worker-${tag}-`);
  const env = {
    SYNCWARDEN_SECRETS: 'env',
    [EnvSecretStore.variableFor(connectionNameSecretKey('Product', 'password'))]: PG_PASSWORD,
    [EnvSecretStore.variableFor(connectionNameSecretKey('Google', 'clientSecret'))]: TEST_CLIENT.clientSecret,
  };
  const worker = startWorkerProcess({ dataDir: workerDir.path, store: storeUrl, engines: ['mail-import'], concurrency: 4, drainTimeoutSeconds: 10, withDemoEngine: false, env });
  return { ...worker, remove: () => workerDir.remove() };
}

async function count(query: string, params: unknown[] = []): Promise<number> {
  const { rows } = await sql.query<{ n: string }>(query, params);
  return Number(rows[0]?.n ?? 0);
}

async function productCount(query: string, params: string[] = []): Promise<number> {
  const rows = await product.query<{ n: string | number }>(query, params);
  return Number(rows[0]?.n ?? 0);
}

/** Runs still queued or running for the prefix's users, plus jobs still waiting, retrying or active. */
async function pending(prefix: string): Promise<number> {
  const runs = await count(`SELECT count(*) AS n FROM runs WHERE scope LIKE $1 AND state IN ('queued','running')`, [`user:u-${prefix}%`]);
  const jobs = await count(`SELECT count(*) AS n FROM pgboss.job WHERE name = 'sw.run.mail-import' AND state IN ('created','retry','active')`);
  return runs + jobs;
}

/**
 * The workers' start and the console's queuing side by side: the jobs wait in the queue until the workers poll it.
 * A worker that fails to start still fails the test, once the queuing ended.
 */
async function startedWhileQueuing(workers: readonly { started(timeoutMs?: number, what?: string): Promise<void> }[], ids: string[]): Promise<void> {
  const started = Promise.all(workers.map((w) => w.started(90_000, 'three workers started')));
  started.catch(() => undefined); // awaited below, after the queuing
  await enqueue(ids);
  await started;
}

/** Queues one import per user from the console; returns the run ids. */
async function enqueue(ids: string[]): Promise<number[]> {
  const runIds: number[] = [];
  for (const id of ids) runIds.push((await app.runs.start('mail-import', { mode: 'import', user: `u-${id}` }, 'schedule')).runId);
  return runIds;
}

/** The invariants: every user's job done once (one succeeded run per scope, nothing left), every row once. */
async function expectAllDoneOnce(prefix: string, n: number): Promise<void> {
  const like = `user:u-${prefix}%`;
  expect(await count(`SELECT count(*) AS n FROM runs WHERE scope LIKE $1 AND state IN ('queued','running')`, [like])).toBe(0);
  const others = await sql.query<{ id: number; scope: string; state: string; error: unknown }>(`SELECT id, scope, state, error_json AS error FROM runs WHERE scope LIKE $1 AND state <> 'succeeded' ORDER BY id`, [like]);
  expect(await count(`SELECT count(DISTINCT scope) AS n FROM runs WHERE scope LIKE $1 AND state = 'succeeded'`, [like]), JSON.stringify(others.rows.slice(0, 5))).toBe(n);
  expect(await count(`SELECT count(*) AS n FROM (SELECT scope FROM runs WHERE scope LIKE $1 AND state = 'succeeded' GROUP BY scope HAVING count(*) > 1) d`, [like])).toBe(0);
  // No job lost in the queue either: nothing waiting, active or dead.
  expect(await count(`SELECT count(*) AS n FROM pgboss.job WHERE name IN ('sw.run.mail-import','sw.dead.mail-import') AND state IN ('created','retry','active','failed')`)).toBe(0);
  // The product database: every message of every user, no duplicate row.
  expect(await productCount(`SELECT count(*) AS n FROM emails WHERE user_id LIKE ?`, [`u-${prefix}%`])).toBe(n * MESSAGES);
  expect(await productCount(`SELECT count(*) AS n FROM (SELECT user_id, gmail_message_id FROM emails GROUP BY user_id, gmail_message_id HAVING count(*) > 1) d`)).toBe(0);
  expect(await productCount(`SELECT count(DISTINCT user_id) AS n FROM emails WHERE user_id LIKE ?`, [`u-${prefix}%`])).toBe(n);
}

describe('three worker processes share per-user mail-import jobs', () => {
  it(`${JOBS} jobs: none lost, no duplicate row`, async () => {
    const workers = ['w1', 'w2', 'w3'].map(startWorker);
    try {
      const started = Date.now();
      await startedWhileQueuing(workers, users('a', JOBS));
      // Every 250 ms: two counts every 10 ms for a minute took CPU from the workers being waited for.
      await untilEvery(250, async () => (await pending('a')) === 0, DONE_WITHIN_MS, 'every job done');
      const seconds = (Date.now() - started) / 1000;
      process.stdout.write(`team-workers: ${JOBS} jobs in ${seconds.toFixed(1)} s (${(JOBS / seconds).toFixed(1)} jobs/s) with 3 workers, their start included\n`);
      await expectAllDoneOnce('a', JOBS);
      // Shared: each worker took some of them.
      const { rows } = await sql.query<{ owner: string; n: string }>(`SELECT owner_id AS owner, count(*) AS n FROM runs WHERE scope LIKE 'user:u-a%' GROUP BY owner_id`);
      expect(rows.length).toBe(3);
    } finally {
      for (const w of workers) w.child.kill('SIGTERM');
      for (const w of workers) expect((await w.exited)[0]).toBe(0);
      for (const w of workers) w.remove();
    }
  }, TEST_TIMEOUT_MS);

  it(`SIGKILL of one worker mid-run: its jobs retried by the others after the lease; ${KILL_JOBS} jobs, none lost, no duplicate row`, async () => {
    // Slow calls, so jobs are in flight when the worker dies.
    emulator.fault('gmail.messages.list', { status: 200, delayMs: 300, passThrough: true });
    const workers = ['k1', 'k2', 'k3'].map(startWorker);
    const [victim, ...rest] = workers as [ReturnType<typeof startWorker>, ...ReturnType<typeof startWorker>[]];
    try {
      await startedWhileQueuing(workers, users('k', KILL_JOBS));
      await until(async () => (await count(`SELECT count(*) AS n FROM runs WHERE state = 'running' AND owner_pid = $1`, [victim.child.pid])) > 0, 60_000, 'the victim holds a job');
      victim.child.kill('SIGKILL');
      await victim.exited;
      // Done means the queue too: the victim's runs are ended `interrupted` at once (dead pid), their jobs come back after the lease.
      await untilEvery(250, async () => (await pending('k')) === 0, 240_000, 'every job done');
      // The interrupted runs of the victim were continued by another worker (a retried job), never lost.
      const interrupted = await count(`SELECT count(*) AS n FROM runs WHERE scope LIKE 'user:u-k%' AND state = 'interrupted'`);
      expect(interrupted).toBeGreaterThan(0);
      await expectAllDoneOnce('k', KILL_JOBS);
    } finally {
      for (const w of rest) w.child.kill('SIGTERM');
      for (const w of rest) expect((await w.exited)[0]).toBe(0);
      for (const w of workers) w.remove();
    }
  }, 400_000);
});
