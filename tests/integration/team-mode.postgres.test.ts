import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TeamDeadLetter, TeamWorker } from '../../core/team/team-status';
import { callApi, openCliApp, type CliApp } from '../../core/cli/context';
import { NO_WORKER_NOTICE } from '../../core/queue/team-mode';
import { RunQueue } from '../../core/queue/run-queue';
import { PG_PASSWORD, usePostgres } from '../helpers/postgres';
import { makeTempDir } from '../helpers/temp-dir';
import { until } from '../helpers/wait';
import { startWorkerProcess } from '../helpers/worker-process';

/**
 * Team mode wired end to end: a console opened on a PostgreSQL store (as `serve`, the CLI and the desktop open
 * it, through openCliApp) queues its runs, says so when no worker is alive, a real `syncwarden worker` process
 * executes them, and a dead letter retried from the console's team.retryDeadLetter is finished by the worker.
 */
const server = usePostgres();
const dir = makeTempDir();
let storeUrl = '';
let app: CliApp;
let sql: pg.Client;

async function call<T>(method: Parameters<typeof callApi>[1], input: unknown): Promise<T> {
  const result = await callApi(app, method, input);
  if (!result.ok) throw new Error(`${method}: ${JSON.stringify(result.error)}`);
  return result.result as T;
}

beforeAll(async () => {
  await server().createDatabase('team');
  storeUrl = `postgres://postgres@127.0.0.1:${server().port}/team`;
  process.env.PGPASSWORD = PG_PASSWORD;
  // The demo queue made first with no retries, so a failing job goes to the dead letters at once
  // (queue policies are fixed when a queue is created; the console's ensureEngine then finds it).
  const setup = new RunQueue({ connectionString: server().url('team'), timing: { retryLimit: 0 } });
  await setup.start();
  await setup.ensureEngine('demo');
  await setup.stop({ graceful: false, timeoutMs: 1_000 });
  app = await openCliApp({ dataDir: dir.path, store: storeUrl, withDemoEngine: true }, 'browser');
  sql = new pg.Client({ connectionString: server().url('team') });
  await sql.connect();
}, 90_000);

afterAll(async () => {
  await sql?.end();
  await app?.dispose();
  dir.remove();
});

const startWorker = () => startWorkerProcess({ dataDir: dir.path, store: storeUrl, engines: ['demo'], concurrency: 2, drainTimeoutSeconds: 10 });

describe('team mode on a PostgreSQL store', () => {
  it('queues runs, says when no worker runs, a worker process executes them; a dead letter retried from the console is finished', async () => {
    expect(app.team).toBeDefined();
    // No worker yet: queued, and the admin is told why it waits.
    const first = await call<{ runId: number; alreadyRunning: boolean; notice?: string }>('runs.start', { engine: 'demo', params: { items: 10, pageSize: 2, delayMsPerPage: 50, scope: 'ok' } });
    expect(first.notice).toBe(NO_WORKER_NOTICE);
    expect((await app.store.runs.get(first.runId))?.state).toBe('queued');
    expect((await app.store.runEvents.list(first.runId)).map((e) => e.message)).toContain(NO_WORKER_NOTICE);
    // A second start of the same scope joins, never doubles.
    expect(await call('runs.start', { engine: 'demo', params: { items: 10, pageSize: 2, delayMsPerPage: 50, scope: 'ok' } })).toMatchObject({ runId: first.runId, alreadyRunning: true });

    // A run whose attempt will be refused: "owned" by a console elsewhere with a live lease, so the job fails
    // its only attempt and goes to the dead letters.
    const doomed = await call<{ runId: number }>('runs.start', { engine: 'demo', params: { items: 6, pageSize: 2, scope: 'dead' } });
    await sql.query(`UPDATE runs SET state = 'running', owner_id = 'elsewhere', owner_host = 'elsewhere-host', owner_pid = 1, lease_expires_at = $2 WHERE id = $1`, [
      doomed.runId,
      new Date(Date.now() + 3_600_000).toISOString(),
    ]);

    const worker = startWorker();
    try {
      await worker.started();
      await until(async () => (await app.store.runs.get(first.runId))?.state === 'succeeded', 60_000, 'the worker ran the queued run');
      const workers = await call<TeamWorker[]>('team.workers', {});
      expect(workers.filter((w) => w.alive)).toHaveLength(1);
      // With a worker alive, no notice.
      const second = await call<{ runId: number; notice?: string }>('runs.start', { engine: 'demo', params: { items: 4, pageSize: 2, scope: 'ok2' } });
      expect(second.notice).toBeUndefined();
      await until(async () => (await app.store.runs.get(second.runId))?.state === 'succeeded', 60_000, 'second run done');

      const deadOf = async () => (await call<{ items: TeamDeadLetter[] }>('team.deadLetters', { limit: 10, offset: 0 })).items.find((d) => d.runId === doomed.runId);
      await until(async () => (await deadOf()) !== undefined, 60_000, 'the refused job is a dead letter');
      const dead = await deadOf();
      // The other console "lets go" (its lease lapses): the sweep ends that run, the admin retries the dead letter.
      await sql.query(`UPDATE runs SET lease_expires_at = $2 WHERE id = $1`, [doomed.runId, new Date(Date.now() - 60_000).toISOString()]);
      await until(async () => !['queued', 'running'].includes((await app.store.runs.get(doomed.runId))?.state ?? ''), 30_000, 'the doomed run ended');
      expect(await call('team.retryDeadLetter', { jobId: dead?.jobId })).toEqual({ jobId: dead?.jobId, retried: true });
      const retriedRun = async () => (await app.store.runs.list({ limit: 20, offset: 0 })).items.find((r) => r.id > doomed.runId && r.scope === 'dead');
      await until(async () => (await retriedRun())?.state === 'succeeded', 60_000, 'the worker finished the retried job as a new run');
      const messages = (await app.store.runEvents.list((await retriedRun())?.id ?? 0)).map((e) => e.message);
      expect(messages).toContain(`retry of run ${doomed.runId} (dead letter put back in the queue)`);
      expect((await deadOf())).toBeUndefined();
    } finally {
      expect(await worker.stop()).toBe(0);
    }
  }, 240_000);
});
