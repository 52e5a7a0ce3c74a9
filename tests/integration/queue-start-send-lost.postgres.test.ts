import { describe, expect, it } from 'vitest';
import { useTeamStartWorld } from '../helpers/team-start-world';

/*
 * A team-mode start whose hand-over to the queue lost its connection (CI run of stop 32: the CLI said "could not
 * finish" with exit 1 while its run went on and succeeded). The send may have committed before its answer was
 * lost, so the start's give-up ends the run only while it is still queued and the queue's, and a start that
 * cannot tell (the give-up lost its connection too) hands the caller the run to wait for instead of an error:
 * its job runs it, or a worker's stranded check ends it.
 */
const world = useTeamStartWorld('send_lost');

/** The error pg gives a statement whose backend was terminated: a connection loss. */
function terminated(): Error {
  return Object.assign(new Error('terminating connection due to administrator command'), { code: '57P01' });
}

async function stateOf(runId: number): Promise<{ state: string; code: string | null; jobs: number }> {
  const { db } = world();
  const run = (await db.query<{ state: string; code: string | null }>(`SELECT state, error_json::json->>'code' AS code FROM runs WHERE id = $1`, [runId])).rows[0]!;
  const jobs = (await db.query<{ n: string }>(`SELECT count(*) AS n FROM pgboss.job WHERE (data->>'runId')::bigint = $1`, [runId])).rows[0]!.n;
  return { ...run, jobs: Number(jobs) };
}

async function endAll(): Promise<void> {
  const { db } = world();
  await db.query(`UPDATE runs SET state = 'cancelled', finished_at = now()::text WHERE state IN ('queued', 'running')`);
  await db.query(`DELETE FROM pgboss.job`);
}

describe('a team-mode start whose send lost its connection', () => {
  it('send never committed, give-up reached the store: the run ends failed and the start throws', async () => {
    const { app } = world();
    let sent: number | undefined;
    const failed = await app.runs
      .startInQueue('demo', { items: 1 }, 'cli', async (run) => {
        sent = run.runId;
        throw terminated();
      })
      .then(
        () => 'returned',
        (error: Error) => error.message,
      );
    expect(failed).toMatch(/terminating connection/);
    expect(await stateOf(sent!)).toEqual({ state: 'failed', code: 'queue-refused', jobs: 0 });
    await endAll();
  });

  it('send committed and a worker adopted the run before the give-up: the give-up leaves it, the caller gets the run', async () => {
    const { app, db, queue } = world();
    const started = await app.runs.startInQueue('demo', { items: 1 }, 'cli', async (run) => {
      await queue.enqueueQueuedRun(run as never);
      // A worker takes it in the instant between the lost answer and the give-up.
      await db.query(`UPDATE runs SET state = 'running', owner_id = 'worker-elsewhere', owner_host = 'w' WHERE id = $1`, [run.runId]);
      throw terminated();
    });
    expect(started.notice).toMatch(/store connection was lost/);
    expect(await stateOf(started.runId)).toEqual({ state: 'running', code: null, jobs: 1 });
    await endAll();
  });

  it('send committed and the give-up lost its connection too: the run stays queued for its job, and the caller gets it', async () => {
    const { app, db, proxy, queue } = world();
    const started = await app.runs.startInQueue('demo', { items: 1 }, 'cli', async (run) => {
      await queue.enqueueQueuedRun(run as never);
      // The give-up's UPDATE runs; its connection goes before the COMMIT, so the transaction rolls back.
      proxy.cutAfterAnswer('UPDATE runs SET state');
      throw terminated();
    });
    expect(proxy.cuts).toBeGreaterThanOrEqual(1);
    expect(started).toMatchObject({ alreadyRunning: false, notice: expect.stringMatching(/it runs if its job was queued/) });
    expect(await stateOf(started.runId)).toEqual({ state: 'queued', code: null, jobs: 1 });
    // Said on the run as well, where the console shows it, not only to the caller.
    const events = (await db.query<{ message: string }>(`SELECT message FROM run_events WHERE run_id = $1 ORDER BY id`, [started.runId])).rows.map((row) => row.message);
    expect(events.at(-1)).toMatch(/handed to the queue as the store connection was lost/);
    await endAll();
  });

  it('send never committed and the give-up lost its connection: the queued run no job carries is ended by the stranded check', async () => {
    const { app, proxy } = world();
    const cutsBefore = proxy.cuts;
    const started = await app.runs.startInQueue('demo', { items: 1 }, 'cli', async () => {
      proxy.cutAfterAnswer('UPDATE runs SET state');
      throw terminated();
    });
    expect(proxy.cuts).toBe(cutsBefore + 1);
    expect(await stateOf(started.runId)).toEqual({ state: 'queued', code: null, jobs: 0 });
    // What a worker's beat does once it has seen the run uncarried for its grace.
    expect(await app.runs.failStranded(started.runId, 'demo', 'no job carries it')).toBe(true);
    expect(await stateOf(started.runId)).toEqual({ state: 'failed', code: 'dead-letter', jobs: 0 });
    // The waiter the caller started gets that end, not an error.
    expect(await app.runs.waitFor(started.runId)).toMatchObject({ state: 'failed' });
  });

  it('a refusal of the send that is not a connection loss is the answer, even when the give-up lost its connection', async () => {
    const { app, proxy } = world();
    let sent: number | undefined;
    await expect(
      app.runs.startInQueue('demo', { items: 1 }, 'cli', async (run) => {
        sent = run.runId;
        proxy.cutAfterAnswer('UPDATE runs SET state');
        throw new Error('queue refused: the engine has no queue');
      }),
    ).rejects.toThrow(/the engine has no queue/);
    // Left queued with no job: the stranded check's to end (as above).
    expect(await stateOf(sent!)).toEqual({ state: 'queued', code: null, jobs: 0 });
    await endAll();
  });
});
