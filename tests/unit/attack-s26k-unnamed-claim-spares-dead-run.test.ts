import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createSyncwarden, type Syncwarden } from '../../core/app/app';
import { EngineRegistry, type Engine } from '../../core/engines/engine';
import { Count, engineResult } from '../../core/engines/engine-result';
import { makeTempDir } from '../helpers/temp-dir';

/**
 * s26k (outside reviewer): LocalClaims.holds (core/runs/local-claims.ts) treats an UNNAMED claim (a start
 * awaiting its INSERT) as covering EVERY own run, whatever its age. The per-claim TTL bounds one claim, not
 * the protection of a run: as long as starts keep coming on a store whose round trip is not instant
 * (PostgreSQL, distant or busy), some unnamed claim is always open when the beat's sweep asks isLocal, and an
 * own run this process lost track of (execute's bookkeeping refused by the store: run-manager.ts logs "it will
 * be marked interrupted") is spared for ever. Worse, the very starts a person retries against the blocked
 * scope (each answers alreadyRunning with the dead run) are what keep it alive: the scope never frees.
 */
const Params = z.strictObject({ mode: z.literal('check').default('check'), scope: z.string().default('all') });
const quick: Engine<z.infer<typeof Params>> = {
  id: 'quick',
  title: 'Quick',
  description: 'returns at once',
  phases: [{ id: 'work', label: 'Working', weight: 1 }],
  params: Params,
  scopeOf: (p) => p.scope,
  modes: { check: { result: engineResult({ items: Count }), description: 'check' } },
  async run() {
    return { items: 0 };
  },
};

describe('s26k: unnamed start claims spare a dead own run for ever', () => {
  const dir = makeTempDir();
  const open: Syncwarden[] = [];
  afterEach(async () => {
    for (const app of open.splice(0)) await app.close();
    dir.remove();
  });

  it('a dead own run is interrupted within a few leases although starts keep arriving', { timeout: 30_000 }, async () => {
    const app = await createSyncwarden({ dataDir: dir.path, host: 'browser', engines: new EngineRegistry([quick]), heartbeatMs: 50 });
    open.push(app);
    const manager = app.runs as unknown as { owner: { id: string; pid: number; host: string }; lease: { leaseMs: number } };
    // A run this process owns in the store but no longer works on (its execute's final write was refused).
    const now = new Date().toISOString();
    const dead = await app.store.runs.insertQueued({
      engine: 'quick', scope: 'all', trigger: 'manual', params: { mode: 'check', scope: 'all' },
      ownerPid: manager.owner.pid, ownerId: manager.owner.id, ownerHost: manager.owner.host,
      leaseExpiresAt: new Date(Date.now() + 60_000).toISOString(), now,
    });
    expect(dead.alreadyRunning).toBe(false);

    // A store round trip of 200 ms (distant PostgreSQL); the person / a script retries the blocked start.
    const runs = app.store.runs;
    const insert = runs.insertQueued.bind(runs);
    runs.insertQueued = (async (...args: Parameters<typeof insert>) => {
      await new Promise((resolve) => setTimeout(resolve, 200));
      return await insert(...args);
    }) as typeof runs.insertQueued;

    const leaseMs = manager.lease.leaseMs; // 300 ms
    const until = Date.now() + Math.max(3_000, leaseMs * 10);
    const starters = [0, 1].map(async (k) => {
      await new Promise((resolve) => setTimeout(resolve, k * 100));
      let answers = 0;
      while (Date.now() < until && answers < 200) {
        const r = await app.runs.start('quick', { scope: 'all' }, 'manual');
        answers++;
        if (!r.alreadyRunning || r.runId !== dead.id) break;
      }
    });
    await Promise.all(starters);
    const row = await app.store.runs.get(dead.id);
    console.log(`after ${Math.round((Date.now() - until) / 1000 + 3)} s of retried starts (lease ${leaseMs} ms): dead run ${dead.id} is ${row?.state}`);
    expect(row?.state).toBe('interrupted');
  });
  it('control: with no start in flight the same dead run is interrupted within a second', { timeout: 10_000 }, async () => {
    const app = await createSyncwarden({ dataDir: dir.path, host: 'browser', engines: new EngineRegistry([quick]), heartbeatMs: 50 });
    open.push(app);
    const manager = app.runs as unknown as { owner: { id: string; pid: number; host: string } };
    const dead = await app.store.runs.insertQueued({
      engine: 'quick', scope: 'all', trigger: 'manual', params: { mode: 'check', scope: 'all' },
      ownerPid: manager.owner.pid, ownerId: manager.owner.id, ownerHost: manager.owner.host,
      leaseExpiresAt: new Date(Date.now() + 60_000).toISOString(), now: new Date().toISOString(),
    });
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect((await app.store.runs.get(dead.id))?.state).toBe('interrupted');
  });
});
