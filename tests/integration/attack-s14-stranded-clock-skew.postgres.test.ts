import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createSyncwarden, type Syncwarden } from '../../core/app/app';
import type { Clock } from '../../core/base/clock';
import { QueueWorker } from '../../core/queue/queue-worker';
import { runHostExecutor } from '../../core/queue/run-host-executor';
import { runManagerHost } from '../../core/queue/run-manager-host';
import { RunQueue } from '../../core/queue/run-queue';
import { WorkersRepo } from '../../core/queue/workers.repo';
import { storePasswordKey } from '../../core/store/store-location';
import { MemorySecretStore } from '../helpers/memory.secret-store';
import { PG_PASSWORD, usePostgres } from '../helpers/postgres';
import { makeTempDir } from '../helpers/temp-dir';

/*
 * Fixed: a worker now ends a run it has itself seen without a job for the whole grace, on its own monotonic clock
 * (run-host-executor.ts endStranded): no clock of another machine is compared. What the attack found:
 *
 * Attack s14 (stranded queued runs): the worker's check ends a queued run "created before now − strandedAfterMs".
 * `created_at` is stamped by the clock of the console that started the run (RunManager.startInQueue: this.nowIso()),
 * `now` is the worker's own clock (QueueWorker.endStranded: this.now()). b5069f7 says the default 60 s is "longer
 * than ... the clocks of two machines differ", but nothing bounds that difference: leases were moved to the
 * database's clock for exactly this reason (attack-team-lease-owner: "a console whose clock runs 60 s fast").
 *
 * With the console's clock 90 s slow, every run it starts is "stranded" from its first instant: a worker beat that
 * lands between the INSERT and the send (here the send takes a second: a slow round trip to the queue) ends the
 * run failed with "no job in the queue carries this run any more ... Start it again", although the start is about to
 * send its job. The job then arrives, finds its run failed and completes: the run never ran, the CLI that waits for
 * it exits 4 with a reason that is not true, and the start returned success.
 *
 * Everything is real: PostgreSQL store, pg-boss queue, the worker's QueueWorker with its default strandedAfterMs.
 */
const server = usePostgres();
let base = '';
let url = '';
const open: Syncwarden[] = [];
const queues: RunQueue[] = [];
const workers: QueueWorker[] = [];
const dirs: Array<ReturnType<typeof makeTempDir>> = [];

async function openOn(clock?: Clock): Promise<Syncwarden> {
  const dir = makeTempDir();
  dirs.push(dir);
  const secrets = new MemorySecretStore();
  await secrets.set(storePasswordKey(url), PG_PASSWORD);
  const app = await createSyncwarden({ dataDir: dir.path, host: 'cli', withDemoEngine: true, secrets, store: url, heartbeatMs: 500, ...(clock ? { clock } : {}) });
  open.push(app);
  return app;
}

async function startWorker(app: Syncwarden, now?: () => Date): Promise<QueueWorker> {
  const queue = new RunQueue({ connectionString: base, superviseIntervalSeconds: 2 });
  const worker = new QueueWorker({
    queue,
    workers: new WorkersRepo(app.store.db),
    executor: runHostExecutor(runManagerHost(app.runs, app.store)),
    engines: ['demo'],
    concurrency: 2,
    heartbeatMs: 200,
    pollingIntervalSeconds: 0.5,
    ...(now ? { now } : {}),
    // strandedAfterMs: the default (60 s), as `syncwarden worker` runs it.
  });
  await worker.start();
  workers.push(worker);
  return worker;
}

async function consoleQueue(): Promise<RunQueue> {
  const queue = new RunQueue({ connectionString: base, superviseIntervalSeconds: 2 });
  await queue.start();
  queues.push(queue);
  return queue;
}

const settle = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

beforeAll(async () => {
  base = await server().createDatabase('attack_s14_skew');
  const admin = new URL(base);
  admin.password = '';
  url = admin.toString();
}, 60_000);

afterEach(async () => {
  for (const worker of workers.splice(0)) await worker.drain(2_000);
  for (const queue of queues.splice(0)) await queue.stop({ graceful: false, timeoutMs: 2_000 });
  for (const app of open.splice(0)) await app.close();
  for (const dir of dirs.splice(0)) dir.remove();
});

describe('attack s14: the stranded-run check judges a console’s timestamp by a worker’s clock', () => {
  it('a console whose clock runs 90 s slow: its run is ended as stranded while its start is still sending the job', async () => {
    const workerApp = await openOn();
    await startWorker(workerApp);
    const slow: Clock = { now: () => new Date(Date.now() - 90_000) };
    const console_ = await openOn(slow);
    const queue = await consoleQueue();
    const send = async (run: { runId: number; engine: string; scope: string }) => {
      await settle(1_000); // the round trips of a send (a slow network, a queue starting on first use)
      await queue.enqueueQueuedRun(run);
    };
    const { runId } = await console_.runs.startInQueue('demo', { items: 3, scope: 'slow-console' }, 'manual', send);
    const ended = await console_.runs.waitFor(runId);
    expect(ended?.error?.message ?? '').not.toMatch(/no job in the queue carries this run/);
    expect(ended?.state).toBe('succeeded');
  }, 60_000);

  it('a worker whose clock runs 90 s fast: the same, for a console with the right time', async () => {
    const workerApp = await openOn();
    await startWorker(workerApp, () => new Date(Date.now() + 90_000));
    const console_ = await openOn();
    const queue = await consoleQueue();
    const send = async (run: { runId: number; engine: string; scope: string }) => {
      await settle(1_000);
      await queue.enqueueQueuedRun(run);
    };
    const { runId } = await console_.runs.startInQueue('demo', { items: 3, scope: 'fast-worker' }, 'manual', send);
    const ended = await console_.runs.waitFor(runId);
    expect(ended?.error?.message ?? '').not.toMatch(/no job in the queue carries this run/);
    expect(ended?.state).toBe('succeeded');
  }, 60_000);

  it('held: two workers ending the same stranded run (PostgreSQL store) write one failure, one event', async () => {
    const a = await openOn();
    const b = await openOn();
    const { runId } = await a.runs.startInQueue('demo', { items: 3, scope: 'two-enders' }, 'manual', async () => undefined);
    const none = async () => ({ keys: new Set<string>(), runIds: new Set<number>() });
    const [ea, eb] = [runHostExecutor(runManagerHost(a.runs, a.store)), runHostExecutor(runManagerHost(b.runs, b.store))];
    // Each has seen the run without a job before (its first check); the grace is over at the second.
    await Promise.all([ea.endStranded!(1_000, none, 0), eb.endStranded!(1_000, none, 0)]);
    const [x, y] = await Promise.all([ea.endStranded!(1_000, none, 5_000), eb.endStranded!(1_000, none, 5_000)]);
    expect([...x, ...y]).toEqual([runId]);
    const failures = (await a.store.runEvents.list(runId)).filter((e) => e.kind === 'state' && e.message === 'failed');
    expect(failures).toHaveLength(1);
  }, 30_000);

  it('held: with clocks that agree, a send that takes a second is not cut short', async () => {
    const workerApp = await openOn();
    await startWorker(workerApp);
    const console_ = await openOn();
    const queue = await consoleQueue();
    const send = async (run: { runId: number; engine: string; scope: string }) => {
      await settle(1_000);
      await queue.enqueueQueuedRun(run);
    };
    const { runId } = await console_.runs.startInQueue('demo', { items: 3, scope: 'same-clock' }, 'manual', send);
    expect((await console_.runs.waitFor(runId))?.state).toBe('succeeded');
  }, 60_000);
});
