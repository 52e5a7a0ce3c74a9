import { spawnSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSyncwarden, type Syncwarden } from '../../core/app/app';
import { PgBossTeamStatus } from '../../core/queue/pgboss-team-status';
import { RunQueue } from '../../core/queue/run-queue';
import { WorkersRepo } from '../../core/queue/workers.repo';
import { compileCacheEnv, runNode } from '../helpers/child-node';
import { PG_PASSWORD, usePostgres } from '../helpers/postgres';
import { makeTempDir } from '../helpers/temp-dir';
import { until } from '../helpers/wait';
import { startWorkerProcess as startWorker, tsxCliArgs } from '../helpers/worker-process';

/** `syncwarden worker` as a real process (the CLI entry under tsx): options, a run taken and finished, SIGTERM drains with 0. */
const server = usePostgres();
const dir = makeTempDir();
let storeUrl = '';
let app: Syncwarden;
let queue: RunQueue;
const cli = (args: string[]) => tsxCliArgs(dir.path, args);

beforeAll(async () => {
  await server().createDatabase('team');
  storeUrl = `postgres://postgres@127.0.0.1:${server().port}/team`;
  // The console on the same team store as the workers (password from PGPASSWORD, as on a server).
  process.env.PGPASSWORD = PG_PASSWORD;
  app = await createSyncwarden({ dataDir: dir.path, host: 'browser', withDemoEngine: true, store: storeUrl });
  // A 10 s job lease (pg-boss's minimum) so a killed worker's job comes back within the test.
  queue = new RunQueue({ connectionString: server().url('team'), timing: { heartbeatSeconds: 10, retryDelaySeconds: 1 }, superviseIntervalSeconds: 2 });
  await queue.start();
  await queue.ensureEngine('demo');
}, 60_000);

afterAll(async () => {
  await queue?.stop({ graceful: false, timeoutMs: 1_000 });
  await app?.close();
  dir.remove();
});

const startWorkerProcess = (drainTimeoutSeconds = 5) =>
  startWorker({ dataDir: dir.path, store: storeUrl, engines: ['demo'], concurrency: 1, drainTimeoutSeconds });

describe('syncwarden worker', () => {
  // Concurrent with the refusals below (they never open the store; this test waits seconds for a job's lease): it
  // comes first, so it starts at once rather than after a refusal made room.
  it.concurrent('SIGKILL of a worker mid-run: the console marks that run interrupted, another worker continues the job as a new run to success', async ({ expect }) => {
    const killed = startWorkerProcess();
    await killed.started(60_000, 'worker A started');
    const send = async (run: { runId: number; engine: string; scope: string }) => void (await queue.enqueueQueuedRun(run));
    // 60 pages of 100 ms: A is killed as soon as it is seen running, 6 s of margin (a run that ended first would never be
    // `interrupted`: the wait below would fail, not pass). The continuation walks them all again, so no longer than that.
    const { runId } = await app.runs.startInQueue('demo', { items: 120, pageSize: 2, delayMsPerPage: 100, scope: 'kill' }, 'manual', send);
    await until(async () => (await app.store.runs.get(runId))?.state === 'running', 30_000, 'worker A took the run');
    await killed.stop('SIGKILL');
    // Same machine, dead pid: the console's sweep ends the run honestly.
    await until(async () => (await app.store.runs.get(runId))?.state === 'interrupted', 10_000, 'run interrupted');
    const rescuer = startWorkerProcess();
    await until(async () => (await app.store.runs.list({ limit: 10, offset: 0 })).items.some((r) => r.id > runId && r.scope === 'kill' && r.state === 'succeeded'), 90_000, 'the job continued as a new run by worker B');
    const next = (await app.store.runs.list({ limit: 10, offset: 0 })).items.find((r) => r.id > runId && r.scope === 'kill');
    const messages = (await app.store.runEvents.list(next?.id ?? 0)).map((e) => e.message);
    expect(messages).toContainEqual(expect.stringMatching(new RegExp(`^attempt 2 on .+ continues run ${runId}, interrupted when its worker was lost$`)));
    expect(await rescuer.stop()).toBe(0);
  }, 180_000);

  // Side by side (each its own process, nothing shared): CLI start-ups are most of their time. Sharing the CPU, one
  // may take several times its 1-2 s alone: the child's own 60 s bound is the test's too.
  it.concurrent.for<[string[], RegExp]>([
    [['worker'], /needs the team store/],
    [['worker', '--store', '/tmp/some-dir'], /PostgreSQL team store/],
    [['worker', '--store', 'postgres://postgres:secret@127.0.0.1:5432/team'], /leave the password out/],
    [['worker', '--store', 'postgres://postgres@127.0.0.1:5432/team', '--engines', 'demo,nope'], /unknown engine\(s\): nope/],
    [['worker', '--store', 'postgres://postgres@127.0.0.1:5432/team', '--concurrency', '0'], /positive whole number/],
    [['schedules', 'tick'], /the schedule tick needs the team store/],
    [['schedules', 'install-tick', '--store', '/tmp/some-dir'], /PostgreSQL team store/],
    [['schedules', 'tick', '--store', 'postgres://postgres:secret@127.0.0.1:5432/team'], /leave the password out/],
  ])('refuses %j with exit 2', { timeout: 60_000 }, async ([args, message], { expect }) => {
    const result = await runNode(cli(args), { timeoutMs: 60_000, env: { ...process.env, SYNCWARDEN_STORE: '', ...compileCacheEnv() } });
    expect(result.status).toBe(2);
    expect(result.stderr + result.stdout).toMatch(message);
  });

  it('takes a run started by a console, finishes it, and drains on SIGTERM with exit 0', async () => {
    const worker = startWorkerProcess(20);
    await worker.started();
    const send = async (run: { runId: number; engine: string; scope: string }) => void (await queue.enqueueQueuedRun(run));
    const { runId } = await app.runs.startInQueue('demo', { items: 20, pageSize: 2, delayMsPerPage: 300 }, 'cli', send);
    await until(async () => (await app.store.runs.get(runId))?.state === 'running', 30_000, 'the worker took the run');
    expect(await worker.stop()).toBe(0);
    // Drained: the run it held finished rather than being cut off.
    expect((await app.store.runs.get(runId))?.state).toBe('succeeded');
    expect(worker.out()).toContain('"worker.stopped"');
    const team = new PgBossTeamStatus({ queue, workers: new WorkersRepo(app.store.db) });
    const [row] = await team.workers();
    expect(row).toMatchObject({ engines: ['demo'], concurrency: 1, draining: true, alive: false });
  }, 120_000);

  it('`schedules tick` fills a new cron schedule\'s slot and enqueues it once due; a worker fills the slots of schedules it finds and runs the job', async () => {
    const cronSchedule = (scope: string) => ({
      engine: 'demo',
      scope: { kind: 'all' as const },
      // Once a year (1 January, 00:00 UTC): a slot never comes due by itself during the test. Every minute raced
      // the clock: a tick that filled the slot just before a minute began found it due in the same pass (CI, once).
      trigger: { kind: 'cron' as const, expression: '0 0 1 1 *' },
      timeZone: 'UTC',
      enabled: true,
      autoRepair: false,
      params: { items: 4, pageSize: 2, scope },
    });
    const slotOf = async (id: number) => (await app.store.db.get<{ next_run_at: string | null }>(`SELECT next_run_at FROM schedules WHERE id = ?`, [id]))?.next_run_at ?? null;
    const now = new Date().toISOString();
    const ticked = await app.store.schedules.insert(cronSchedule('tick-cli'), 'manual', now);
    const tick = () => {
      const result = spawnSync(process.execPath, cli(['--json', 'schedules', 'tick', '--store', storeUrl]), { encoding: 'utf8', timeout: 60_000, env: { ...process.env, ...compileCacheEnv() } });
      expect(result.status, result.stderr).toBe(0);
      return JSON.parse(result.stdout.trim().split('\n').at(-1) ?? '') as { filled: number; invalid: number; enqueued: number };
    };
    // A new cron schedule has no slot yet (SQL cannot compute a cron slot): the tick fills it, nothing is due.
    expect(tick()).toMatchObject({ filled: 1, invalid: 0, enqueued: 0 });
    const slot = await slotOf(ticked);
    expect(Date.parse(slot ?? '')).toBe(Date.UTC(new Date(now).getUTCFullYear() + 1, 0, 1));
    // Its minute comes (moved into the past here rather than waiting): the next tick enqueues it, once.
    await app.store.db.run(`UPDATE schedules SET next_run_at = ? WHERE id = ?`, [new Date(Date.now() - 1000).toISOString(), ticked]);
    expect(tick()).toMatchObject({ enqueued: 1 });
    expect(tick()).toMatchObject({ enqueued: 0 });
    const queued = (await app.store.runs.list({ limit: 20, offset: 0 })).items.filter((r) => r.scope === 'tick-cli');
    expect(queued.map((r) => [r.state, r.trigger])).toEqual([['queued', 'schedule']]);

    // A schedule added while no tick runs: the worker's own fill (at its start, then every 30 s) gives it a slot.
    const filledByWorker = await app.store.schedules.insert(cronSchedule('tick-worker'), 'manual', new Date().toISOString());
    expect(await slotOf(filledByWorker)).toBeNull();
    const worker = startWorkerProcess();
    await worker.started();
    await until(async () => (await slotOf(filledByWorker)) !== null, 30_000, 'the worker filled the new schedule\'s slot');
    // And it runs the job the tick enqueued.
    await until(async () => (await app.store.runs.get(queued[0]?.id ?? 0))?.state === 'succeeded', 60_000, 'the worker ran the scheduled run');
    expect(await worker.stop()).toBe(0);
  }, 180_000);
});
