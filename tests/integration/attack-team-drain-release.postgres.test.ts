import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSyncwarden, type Syncwarden } from '../../core/app/app';
import { RunQueue } from '../../core/queue/run-queue';
import { PG_PASSWORD, usePostgres } from '../helpers/postgres';
import { makeTempDir } from '../helpers/temp-dir';
import { until } from '../helpers/wait';
import { startWorkerProcess as startWorker } from '../helpers/worker-process';

/**
 * Attack (#20 review): `syncwarden worker` (the real CLI process, the real run manager) gets SIGTERM while a
 * run is longer than its --drain-timeout. docs/team-queue.md: "jobs still running then are failed back to the
 * queue and retried elsewhere". The retry must do the work: the scope ends with a run that succeeded, not
 * with a `cancelled` run and a completed job that nobody does.
 */
const server = usePostgres();
const dir = makeTempDir();
let storeUrl = '';
let app: Syncwarden;
let queue: RunQueue;

beforeAll(async () => {
  await server().createDatabase('team');
  storeUrl = `postgres://postgres@127.0.0.1:${server().port}/team`;
  process.env.PGPASSWORD = PG_PASSWORD;
  app = await createSyncwarden({ dataDir: dir.path, host: 'browser', withDemoEngine: true, store: storeUrl });
  // Short retry delay so the released job comes back within the test (the queue is created with it).
  queue = new RunQueue({ connectionString: server().url('team'), timing: { heartbeatSeconds: 10, retryDelaySeconds: 1, retryDelayMaxSeconds: 2 }, superviseIntervalSeconds: 2 });
  await queue.start();
  await queue.ensureEngine('demo');
}, 60_000);

afterAll(async () => {
  await queue?.stop({ graceful: false, timeoutMs: 1_000 });
  await app?.close();
  dir.remove();
});

const startWorkerProcess = (drainTimeoutSeconds: number) => startWorker({ dataDir: dir.path, store: storeUrl, engines: ['demo'], concurrency: 1, drainTimeoutSeconds });

describe('attack: SIGTERM past the drain deadline', () => {
  it('the released run is done by the next worker: the scope ends succeeded, nothing lost', async () => {
    const first = startWorkerProcess(1);
    await first.started(60_000, 'worker A started');
    const send = async (run: { runId: number; engine: string; scope: string }) => void (await queue.enqueueQueuedRun(run));
    const { runId } = await app.runs.startInQueue('demo', { items: 200, pageSize: 2, delayMsPerPage: 100, scope: 'drain-release' }, 'manual', send);
    await until(async () => (await app.store.runs.get(runId))?.state === 'running', 30_000, 'worker A took the run');
    expect(await first.stop()).toBe(0);

    const rescuer = startWorkerProcess(30);
    try {
      await until(
        async () => (await app.store.runs.list({ scope: 'drain-release', limit: 10, offset: 0 })).items.some((r) => r.state === 'succeeded'),
        60_000,
        "the released job's work done by worker B",
      ).catch(async (error: unknown) => {
        const seen = (await app.store.runs.list({ scope: 'drain-release', limit: 10, offset: 0 })).items.map((r) => `${r.id}:${r.state}:${r.error?.message ?? ''}`);
        throw new Error(`${String(error)}; runs ${seen.join(' | ')}`);
      });
      const runs = (await app.store.runs.list({ scope: 'drain-release', limit: 10, offset: 0 })).items;
      // The released run says what happened to it: interrupted (nobody cancelled it), and the job was retried.
      expect(runs.find((r) => r.id === runId)).toMatchObject({ state: 'interrupted' });
      // Never two of them succeeded or active at once.
      expect(runs.filter((r) => r.state === 'succeeded')).toHaveLength(1);
      expect(runs.filter((r) => r.state === 'running' || r.state === 'queued')).toHaveLength(0);
    } finally {
      await rescuer.stop();
    }
  }, 180_000);
});
