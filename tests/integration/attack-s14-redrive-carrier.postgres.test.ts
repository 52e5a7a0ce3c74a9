import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PgBossTeamStatus } from '../../core/queue/pgboss-team-status';
import { deadQueueName, runJobKey, runQueueName } from '../../core/queue/queue-config';
import { RunQueue } from '../../core/queue/run-queue';
import { WorkersRepo } from '../../core/queue/workers.repo';
import { usePostgres } from '../helpers/postgres';

/*
 * Attack s14 (stranded queued runs): a dead letter an admin retries (team.retryDeadLetter → pg-boss redrive) runs
 * again as a job whose data still names the old, failed run; its attempt makes a NEW queued run (requeue) and
 * adopts it. If the redriven job had no singleton key, nothing would carry that new run while it waits for a retry
 * (its adoption failed) and the stranded check would fail it under a live job. HOLDS: pg-boss's redrive carries the
 * singleton key over, in the 'created' state and after a failed attempt in 'retry'.
 */
const server = usePostgres();
let queue: RunQueue;

beforeAll(async () => {
  const url = await server().createDatabase('attack_s14_redrive');
  queue = new RunQueue({ connectionString: url, timing: { retryLimit: 0, retryDelaySeconds: 3_600 }, onError: () => undefined });
  await queue.start();
  await queue.ensureEngine('demo');
}, 60_000);
afterAll(async () => await queue?.stop({ graceful: false, timeoutMs: 2_000 }));

describe('attack s14: a redriven dead letter still carries its scope', () => {
  it('held: after retryDeadLetter the live job has the engine:scope key (created, then retry)', async () => {
    const name = runQueueName('demo');
    const key = runJobKey('demo', 'redrive-scope');
    const sent = await queue.boss.send(name, { runId: 41, engine: 'demo', scope: 'redrive-scope' }, { singletonKey: key });
    expect(sent).toBeTruthy();
    const [job] = await queue.boss.fetch(name);
    expect(job?.id).toBe(sent);
    await queue.boss.fail(name, job!.id, { message: 'store gone' });
    const dead = await queue.reads.query<{ id: string }>(`SELECT id FROM pgboss.job WHERE name = $1`, [deadQueueName('demo')]);
    expect(dead.rows).toHaveLength(1);
    expect((await queue.liveCarriers('demo')).keys.has(key)).toBe(false);

    const team = new PgBossTeamStatus({ queue, workers: {} as WorkersRepo });
    expect(await team.retryDeadLetter(dead.rows[0]!.id)).toBe(true);
    let live = await queue.liveCarriers('demo');
    expect(live.keys.has(key)).toBe(true);
    expect(live.runIds.has(41)).toBe(true);

    // Its attempt fails (the requeued run's adoption lost the store): the job waits for a retry, key still there.
    const [again] = await queue.boss.fetch(name);
    expect(again).toBeDefined();
    const retryLimit = (await queue.reads.query<{ retry_limit: number }>(`SELECT retry_limit FROM pgboss.job WHERE id = $1`, [again!.id])).rows[0]?.retry_limit;
    await queue.boss.fail(name, again!.id, { message: 'adopt lost the store' });
    const state = (await queue.reads.query<{ state: string }>(`SELECT state::text AS state FROM pgboss.job WHERE id = $1`, [again!.id])).rows[0]?.state;
    live = await queue.liveCarriers('demo');
    // A redriven job gets "fresh retries" (pgboss-team-status.ts): in 'retry' it carries the key; with none left it is gone.
    if (state === 'retry') expect(live.keys.has(key)).toBe(true);
    expect({ retryLimit, state }).toMatchObject({ state: expect.stringMatching(/^(retry|failed)$/) });
  }, 30_000);
});
