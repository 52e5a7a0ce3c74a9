import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSyncwarden, type Syncwarden } from '../../core/app/app';
import { PgBossTeamStatus } from '../../core/queue/pgboss-team-status';
import { QueueWorker } from '../../core/queue/queue-worker';
import { runJobKey, runQueueName } from '../../core/queue/queue-config';
import { runHostExecutor } from '../../core/queue/run-host-executor';
import { runManagerHost } from '../../core/queue/run-manager-host';
import { RunQueue } from '../../core/queue/run-queue';
import { WorkersRepo } from '../../core/queue/workers.repo';
import { usePostgres } from '../helpers/postgres';
import { makeTempDir } from '../helpers/temp-dir';
import { until } from '../helpers/wait';

/**
 * The real run manager behind the queue: a console starts a run in team mode
 * (queued row owned by the queue + a pg-boss job), a worker's run manager
 * adopts and executes it through the engine registry (demo engine), progress
 * and the end land in the store. The store here is the SQLite one (the
 * PostgreSQL store is the pgstore branch's); the queue is real PostgreSQL.
 */
const server = usePostgres();

/** A console and a worker process (two apps over one store) with a real queue between them. */
interface Team {
  dataDir: string;
  console_: Syncwarden;
  workerApp: Syncwarden;
  queue: RunQueue;
  workerQueue: RunQueue;
  worker: QueueWorker;
  close(): Promise<void>;
}

/**
 * heartbeatMs is the apps' run-manager beat, and with it how often each of them sweeps runs whose owner's
 * lease lapsed (a lease is six beats).
 */
async function startTeam(database: string, heartbeatMs: number, strandedAfterMs?: number): Promise<Team> {
  const dir = makeTempDir();
  const url = await server().createDatabase(database);
  const console_ = await createSyncwarden({ dataDir: dir.path, host: 'browser', withDemoEngine: true, heartbeatMs });
  const workerApp = await createSyncwarden({ dataDir: dir.path, host: 'cli', withDemoEngine: true, heartbeatMs });
  const queue = new RunQueue({ connectionString: url, superviseIntervalSeconds: 2 });
  await queue.start();
  const workerQueue = new RunQueue({ connectionString: url, superviseIntervalSeconds: 2 });
  const worker = new QueueWorker({
    queue: workerQueue,
    workers: new WorkersRepo(workerApp.store.db),
    executor: runHostExecutor(runManagerHost(workerApp.runs, workerApp.store)),
    engines: ['demo'],
    concurrency: 2,
    heartbeatMs: 200,
    pollingIntervalSeconds: 0.5,
    ...(strandedAfterMs === undefined ? {} : { strandedAfterMs }),
  });
  await worker.start();
  return {
    dataDir: dir.path,
    console_,
    workerApp,
    queue,
    workerQueue,
    worker,
    async close() {
      await worker.drain(2_000);
      await queue.stop({ graceful: false, timeoutMs: 1_000 });
      await workerApp.close();
      await console_.close();
      dir.remove();
    },
  };
}

describe('team mode: a run is a job the run manager of a worker executes', () => {
  let team: Team;
  let console_: Syncwarden;
  let queue: RunQueue;
  let worker: QueueWorker;
  beforeAll(async () => {
    team = await startTeam('queue_runs', 100);
    ({ console_, queue, worker } = team);
  }, 60_000);
  afterAll(async () => await team?.close());

  it('with a team queue, every start (console call, CLI, schedule: they all go through runs.start) queues the run for a worker', async () => {
    const sent: Array<{ runId: number; engine: string; scope: string }> = [];
    const teamConsole = await createSyncwarden({ dataDir: team.dataDir, host: 'browser', withDemoEngine: true, teamQueue: async (run) => void sent.push(run) });
    try {
      const { runId } = await teamConsole.runs.start('demo', { items: 5, scope: 'team-start' }, 'schedule');
      expect(sent).toEqual([{ runId, engine: 'demo', scope: expect.any(String) as string }]);
      expect((await teamConsole.store.runs.get(runId))?.state).toBe('queued');
      expect(teamConsole.runs.activeRunIds()).toEqual([]); // not executed here
      await teamConsole.store.runs.transition(runId, ['queued'], 'cancelled', { finishedAt: new Date().toISOString() }, new Date().toISOString());
    } finally {
      await teamConsole.close();
    }
  });

  it('a console starts a run, a worker adopts it through the registry, the console sees its progress and its end', async () => {
    const send = async (run: { runId: number; engine: string; scope: string }) => void (await queue.enqueueQueuedRun(run));
    const started = await console_.runs.startInQueue('demo', { items: 40, pageSize: 2, delayMsPerPage: 150 }, 'manual', send);
    expect(started.alreadyRunning).toBe(false);
    // A second request for the same engine+scope joins it: one run, one job.
    expect(await console_.runs.startInQueue('demo', { items: 40, pageSize: 2, delayMsPerPage: 150 }, 'manual', send)).toEqual({ runId: started.runId, alreadyRunning: true });
    await until(async () => (await console_.store.runs.get(started.runId))?.state === 'running', 20_000, 'the worker took the run');
    await until(async () => ((await console_.store.runs.get(started.runId))?.progress?.percent ?? 0) > 0, 20_000, 'progress visible from the console');
    const finished = await console_.runs.waitFor(started.runId);
    expect(finished?.state).toBe('succeeded');
    const events = await console_.store.runEvents.list(started.runId);
    expect(events.map((e) => e.message)).toEqual(expect.arrayContaining(['queued by manual (team mode: waiting for a worker)', 'running', 'succeeded']));
    const team = new PgBossTeamStatus({ queue, workers: new WorkersRepo(console_.store.db) });
    expect((await team.workers()).find((w) => w.id === worker.id)).toMatchObject({ alive: true, engines: ['demo'], concurrency: 2 });
    await until(async () => (await team.depth()).find((d) => d.engine === 'demo')?.active === 0, 10_000, 'job completed');
  }, 60_000);

  it('a queued run waiting for a worker longer than a process lease is not swept: the queue owns it, not the console that started it', async () => {
    const { runId } = await console_.runs.startInQueue('demo', { items: 3, scope: 'waits' }, 'manual', async () => undefined);
    await new Promise((resolve) => setTimeout(resolve, 1_500)); // 15 beats, 2.5 leases of 600 ms
    expect((await console_.store.runs.get(runId))?.state).toBe('queued');
    await console_.store.runs.transition(runId, ['queued'], 'cancelled', { finishedAt: new Date().toISOString() }, new Date().toISOString());
  });
});

/**
 * A lapsed lease is judged the same way by a sweep (the run ends `interrupted`, and the job's next attempt continues
 * it in a new run: worker-cli.postgres.test.ts) and by the next attempt's adoption. Here the apps beat once a minute,
 * so no sweep races the attempt, and the adoption path is the one taken every time.
 */
describe('team mode: a run whose worker was lost, with no sweep in between', () => {
  let team: Team;
  beforeAll(async () => {
    team = await startTeam('queue_runs_adopt', 60_000);
  }, 60_000);
  afterAll(async () => await team?.close());

  it('is adopted by the next attempt once its lease lapsed, with the lost worker named', async () => {
    const { console_, workerQueue } = team;
    const { runId } = await console_.runs.startInQueue('demo', { items: 3 }, 'manual', async () => undefined);
    // Left running by a worker that vanished, its lease already over.
    await console_.store.db.run(`UPDATE runs SET state = 'running', owner_id = 'gone-host/1/x', owner_host = 'gone-host', lease_expires_at = ? WHERE id = ?`, [
      new Date(Date.now() - 1_000).toISOString(),
      runId,
    ]);
    await workerQueue.enqueueQueuedRun({ runId, engine: 'demo', scope: (await console_.store.runs.get(runId))?.scope ?? '' });
    await until(async () => (await console_.store.runs.get(runId))?.state === 'succeeded', 20_000, 'the run finished by the new attempt');
    const messages = (await console_.store.runEvents.list(runId)).map((e) => e.message);
    expect(messages).toContainEqual(expect.stringMatching(/^attempt 1 on .+; worker gone-host\/1\/x lost$/));
  }, 60_000);
});

/**
 * Invariant: a queued run the queue holds is carried by a live job until it ends. A job that failed for the last
 * time while the store could not be reached (its give-up lost), or a start that stopped between its INSERT and its
 * send, breaks it: the run would wait for ever, hold its scope's single flight (every new start joins it) and a
 * waiting CLI would never return. A worker finds such runs on its beat and ends them failed, saying why.
 */
describe('team mode: a queued run no job carries any more', () => {
  let team: Team;
  beforeAll(async () => {
    team = await startTeam('queue_runs_stranded', 100, 400);
  }, 60_000);
  afterAll(async () => await team?.close());

  it('a start that never sent its job: the run ends failed within a few beats, and a new start of the scope is a new run', async () => {
    const { console_ } = team;
    const { runId } = await console_.runs.startInQueue('demo', { items: 3, scope: 'never-sent' }, 'manual', async () => undefined);
    const ended = await console_.runs.waitFor(runId);
    expect(ended).toMatchObject({ state: 'failed', error: { code: 'dead-letter', message: expect.stringContaining('no job in the queue carries this run') } });
    const send = async (run: { runId: number; engine: string; scope: string }) => void (await team.queue.enqueueQueuedRun(run));
    const again = await console_.runs.startInQueue('demo', { items: 3, scope: 'never-sent' }, 'manual', send);
    expect(again).toMatchObject({ alreadyRunning: false });
    expect(again.runId).not.toBe(runId);
    expect((await console_.runs.waitFor(again.runId))?.state).toBe('succeeded');
  }, 30_000);

  it('a job that died with its give-up lost: the run ends failed; a run whose job still waits is left queued', async () => {
    const { console_, queue } = team;
    const hold = async (run: { runId: number; engine: string; scope: string }) => {
      // A job no worker may take yet (it starts in an hour): live, so its run is carried.
      const id = await queue.boss.send(runQueueName(run.engine), { ...run }, { singletonKey: runJobKey(run.engine, run.scope), startAfter: 3_600 });
      jobs.set(run.runId, id ?? '');
    };
    const jobs = new Map<number, string>();
    const dying = await console_.runs.startInQueue('demo', { items: 3, scope: 'job-dies' }, 'manual', hold);
    const waiting = await console_.runs.startInQueue('demo', { items: 3, scope: 'job-waits' }, 'manual', hold);
    // The job fails for the last time; the worker's give-up never reached the store.
    await queue.reads.query(`UPDATE pgboss.job SET state = 'failed', completed_on = now() WHERE id = $1`, [jobs.get(dying.runId)]);
    expect((await console_.runs.waitFor(dying.runId))?.state).toBe('failed');
    // Many beats later the carried run is still waiting for its worker.
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect((await console_.store.runs.get(waiting.runId))?.state).toBe('queued');
    expect(await team.worker.endStranded()).toEqual([]);
    await queue.reads.query(`DELETE FROM pgboss.job WHERE id = $1`, [jobs.get(waiting.runId)]);
    await console_.store.runs.transition(waiting.runId, ['queued'], 'cancelled', { finishedAt: new Date().toISOString() }, new Date().toISOString());
  }, 30_000);
});
