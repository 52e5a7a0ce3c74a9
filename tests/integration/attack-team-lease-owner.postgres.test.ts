import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createSyncwarden, type Syncwarden } from '../../core/app/app';
import type { Clock } from '../../core/base/clock';
import { runManagerHost } from '../../core/queue/run-manager-host';
import { AttemptSupersededError } from '../../core/queue/run-executor';
import { storePasswordKey } from '../../core/store/store-location';
import { MemorySecretStore } from '../helpers/memory.secret-store';
import { PG_PASSWORD, usePostgres } from '../helpers/postgres';
import { makeTempDir } from '../helpers/temp-dir';
import { until } from '../helpers/wait';

/**
 * Attack (#20 review, leases): two holes of team mode's run leases on a PostgreSQL store.
 * 1. A stale owner (stalled past its lease while a second worker adopted the run) wakes and must not end,
 *    nor write progress into, the second worker's run; its attempt stops without completing anything.
 * 2. A console whose clock runs 60 s fast must not judge a healthy worker's lease lapsed: leases are
 *    stamped and judged by the database's clock.
 */
const server = usePostgres();
let url = '';
const open: Syncwarden[] = [];
const dirs: Array<ReturnType<typeof makeTempDir>> = [];

async function openOn(timing: { heartbeatMs: number; leaseMs: number }, clock?: Clock): Promise<Syncwarden> {
  const dir = makeTempDir();
  dirs.push(dir);
  const secrets = new MemorySecretStore();
  await secrets.set(storePasswordKey(url), PG_PASSWORD);
  const app = await createSyncwarden({ dataDir: dir.path, host: 'cli', withDemoEngine: true, secrets, store: url, ...timing, ...(clock ? { clock } : {}) });
  open.push(app);
  return app;
}

beforeAll(async () => {
  const admin = new URL(await server().createDatabase('attack_lease_owner'));
  admin.password = '';
  url = admin.toString();
}, 60_000);

afterEach(async () => {
  for (const app of open.splice(0)) await app.close();
  for (const dir of dirs.splice(0)) dir.remove();
});

describe('attack: run leases across workers and clocks', () => {
  it('a stale owner that wakes after another worker adopted its run neither ends nor updates it, and its attempt stops quietly', async () => {
    // Neither process beats (the stall is modelled by an hour-long heartbeat): only the lease lapses.
    const stale = await openOn({ heartbeatMs: 3_600_000, leaseMs: 400 });
    const second = await openOn({ heartbeatMs: 3_600_000, leaseMs: 60_000 });
    const params = { items: 30, pageSize: 2, delayMsPerPage: 100, scope: 'stale-owner' };
    const { runId } = await stale.runs.startInQueue('demo', params, 'manual', async () => undefined);
    const hostA = runManagerHost(stale.runs, stale.store);
    expect(await hostA.adopt(runId, { workerId: 'A', attempt: 1 })).toEqual({ adopted: true, previousOwner: null });
    const attemptA = hostA.execute(runId, new AbortController().signal).then(
      () => 'completed' as const,
      (error: unknown) => error,
    );
    await until(async () => (await second.store.runs.get(runId))?.state === 'running', 10_000, 'A runs it');
    await new Promise((resolve) => setTimeout(resolve, 700)); // A's lease (400 ms) lapses; A keeps working
    const hostB = runManagerHost(second.runs, second.store);
    expect(await hostB.adopt(runId, { workerId: 'B', attempt: 2 })).toEqual({ adopted: true, previousOwner: stale.runs.owner.id });
    const attemptB = hostB.execute(runId, new AbortController().signal).then(() => 'completed' as const, (error: unknown) => error);

    // A finishes its copy first (it started earlier): none of its writes land, and its attempt does not complete.
    const outcomeA = await attemptA;
    expect(outcomeA).toBeInstanceOf(AttemptSupersededError);
    const mid = await second.store.runs.get(runId);
    expect(mid?.state).toBe('running');
    expect(await second.store.runs.ownerOf(runId)).toBe(second.runs.owner.id);

    expect(await attemptB).toBe('completed');
    const run = await second.store.runs.get(runId);
    expect(run?.state).toBe('succeeded');
    const ends = (await second.store.runEvents.list(runId)).filter((e) => e.kind === 'state' && /^(succeeded|partial|cancelled|failed|interrupted)/.test(e.message));
    expect(ends.map((e) => e.message)).toEqual(['succeeded']);
  }, 60_000);

  it('a console whose clock runs 60 s fast does not interrupt a healthy worker’s run', async () => {
    const worker = await openOn({ heartbeatMs: 100, leaseMs: 1_500 });
    const skew: Clock = { now: () => new Date(Date.now() + 60_000) };
    const fastConsole = await openOn({ heartbeatMs: 100, leaseMs: 1_500 }, skew);
    const params = { items: 30, pageSize: 2, delayMsPerPage: 150, scope: 'skewed-console' };
    const { runId } = await worker.runs.startInQueue('demo', params, 'manual', async () => undefined);
    const host = runManagerHost(worker.runs, worker.store);
    expect((await host.adopt(runId, { workerId: 'W', attempt: 1 })).adopted).toBe(true);
    const attempt = host.execute(runId, new AbortController().signal).then(() => 'completed' as const, (error: unknown) => error);
    // The console sweeps every 100 ms through the whole run (~2 s); by its own clock every lease is a minute old.
    await until(async () => (await fastConsole.store.runs.get(runId))?.state === 'running', 10_000, 'the worker runs it');
    expect(await fastConsole.runs.sweep()).toEqual([]);
    expect(await attempt).toBe('completed');
    expect((await fastConsole.store.runs.get(runId))?.state).toBe('succeeded');
    // A lease that really lapsed is still judged lapsed (by the database clock): the check is not just switched off.
    const lapsed = await worker.store.runs.insertQueued({
      engine: 'demo', scope: 'really-lapsed', trigger: 'manual', params: { items: 1, scope: 'really-lapsed' },
      ownerPid: worker.runs.owner.pid, ownerId: 'gone-worker', ownerHost: 'elsewhere', leaseExpiresAt: new Date(Date.now() - 5_000).toISOString(), now: new Date().toISOString(),
    });
    await until(async () => (await fastConsole.store.runs.get(lapsed.id))?.state === 'interrupted', 5_000, 'the lapsed run interrupted');
  }, 60_000);
});
