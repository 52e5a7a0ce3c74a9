import { describe, expect, it } from 'vitest';
import { useTeamStartWorld } from '../helpers/team-start-world';

/*
 * Outside attack (session 13) on 99d7fe3: a connection loss during a team-mode start. The commit's chaos test (store-cli-postgres)
 * accepts exit 1 'unavailable' ("a run may have started, so look at Runs first") and asserts that no run is left
 * queued or running. It kills backends with pg_terminate_backend, which aborts an INSERT in flight. Here the
 * INSERT of the queued run commits and only its answer is lost: startInQueue throws before its try/catch (which
 * would fail a run no job carries), so a queued run owned by 'queue' with a 14-day lease and no pg-boss job is
 * left behind. It holds the (engine, scope) single flight: the next start of the same run joins it
 * (alreadyRunning) and its waiter waits for a run no worker will ever take.
 */
const world = useTeamStartWorld('s13_start');

describe('a team-mode start whose INSERT committed but whose answer was lost (attack s13 on 99d7fe3)', () => {
  it('leaves no queued run that no job carries, and a second start does not join such a run', async () => {
    const { app, db, proxy, queue } = world();
    const send = async (run: { runId: number; engine: string; scope: string }) => void (await queue.enqueueQueuedRun(run as never));
    proxy.cutAfterAnswer('ON CONFLICT (engine, scope) WHERE state');
    const first = await app.runs.startInQueue('demo', { items: 1 }, 'cli', send).then(
      (started) => ({ started }),
      (error: Error) => ({ threw: error.message }),
    );
    expect(proxy.cuts).toBe(1);
    // The start finds the run its lost INSERT committed (its scope's queued run, created by the queue at that
    // instant) and carries on with it: the run gets its job and the start its answer.
    expect(first).toMatchObject({ started: { alreadyRunning: false } });

    const orphans = (
      await db.query<{ id: string }>(
        `SELECT r.id FROM runs r WHERE r.state IN ('queued', 'running')
           AND NOT EXISTS (SELECT 1 FROM pgboss.job j WHERE (j.data->>'runId')::bigint = r.id)`,
      )
    ).rows.map((r) => Number(r.id));
    // A second start of the same run (the user "tries again", as the 'unavailable' message says).
    const second = await app.runs.startInQueue('demo', { items: 1 }, 'cli', send);
    // Before the fix: one orphan run (queued, owner 'queue', 14-day lease, no job), and the retry joins it.
    expect({ orphans, joinedOrphan: second.alreadyRunning && orphans.includes(second.runId) }).toEqual({ orphans: [], joinedOrphan: false });
  }, 60_000);
});
