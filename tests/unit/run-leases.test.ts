import { afterEach, describe, expect, it } from 'vitest';
import { createSyncwarden, type Syncwarden } from '../../core/app/app';
import { isProcessAlive } from '../../core/runs/recovery';
import { startCrashChild } from '../helpers/crash-runner';
import { makeTempDir } from '../helpers/temp-dir';
import { until } from '../helpers/wait';

/**
 * Leases: a run whose process died must not stay `running` in a console that
 * is up. The host here is the same createSyncwarden that serve, the daemon
 * and the desktop app run, with a short beat so the test stays fast.
 */
describe('run leases', () => {
  const dir = makeTempDir();
  const open: Syncwarden[] = [];
  const host = async (options: Partial<Parameters<typeof createSyncwarden>[0]> = {}) => {
    const app = await createSyncwarden({ dataDir: dir.path, host: 'browser', withDemoEngine: true, heartbeatMs: 50, ...options });
    open.push(app);
    return app;
  };
  afterEach(async () => {
    for (const app of open.splice(0)) await app.close();
    dir.remove();
  });

  it('a SIGKILLed CLI run is interrupted by a host that is already up, and the scope starts again', async () => {
    const crashed = await startCrashChild(dir.path);
    const app = await host();
    const finished: number[] = [];
    app.events.subscribe((event, payload) => event === 'run.finished' && finished.push((payload as { id: number }).id));
    expect(app.recovered).toEqual([]);
    expect(await app.runs.start('demo', { items: 1_000_000 }, 'manual')).toEqual({ runId: crashed.runId, alreadyRunning: true });

    await crashed.kill();
    const killedAt = Date.now();
    await until(async () => (await app.store.runs.get(crashed.runId))?.state === 'interrupted', 5_000, 'the dead run interrupted');
    // Same machine, dead pid: no need to wait for the 15 s lease.
    expect(Date.now() - killedAt).toBeLessThan(3_000);
    expect((await app.store.runs.get(crashed.runId))?.error?.message).toMatch(/owning process stopped/);
    expect(finished).toContain(crashed.runId);
    const again = await app.runs.start('demo', { items: 1 }, 'manual');
    expect(again.alreadyRunning).toBe(false);
    expect((await app.runs.waitFor(again.runId))?.state).toBe('succeeded');
  });

  it('when the pid looks alive (reused, or another machine) the run is interrupted once its lease runs out', async () => {
    const crashed = await startCrashChild(dir.path, { heartbeatMs: 100, leaseMs: 1_500 });
    const app = await host({ isProcessAlive: () => true });
    await crashed.kill();
    expect(isProcessAlive(crashed.child.pid as number)).toBe(false);
    const killedAt = Date.now();
    // Not before the lease ends: a slow owner keeps its run.
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect((await app.store.runs.get(crashed.runId))?.state).toBe('running');
    await until(async () => (await app.store.runs.get(crashed.runId))?.state === 'interrupted', 6_000, 'the run interrupted after its lease');
    expect(Date.now() - killedAt).toBeGreaterThanOrEqual(1_000);
    expect((await app.store.runs.get(crashed.runId))?.error?.message).toMatch(/lease/);
    expect((await app.runs.start('demo', { items: 1 }, 'manual')).alreadyRunning).toBe(false);
  });

  it('cancel of a run whose owner is dead ends it at once instead of leaving a request nobody reads', async () => {
    const crashed = await startCrashChild(dir.path);
    // A host whose sweep would not run before the cancel: a long beat.
    const app = await host({ heartbeatMs: 60_000 });
    await crashed.kill();
    expect(await app.runs.cancel(crashed.runId)).toEqual({ id: crashed.runId, state: 'interrupted', cancelRequested: false });
    expect((await app.store.runs.get(crashed.runId))?.finishedAt).not.toBeNull();
    expect((await app.runs.start('demo', { items: 1 }, 'manual')).alreadyRunning).toBe(false);
  });

  it('a live owner whose run was interrupted behind its back (a stall past its lease) stops working on it', async () => {
    const owner = await host();
    const { runId } = await owner.runs.start('demo', { items: 10_000_000, delayMsPerPage: 5 }, 'manual');
    await until(async () => (await owner.store.runs.get(runId))?.state === 'running');
    // Another process that believes the owner is dead (what a lease expiry looks like to it).
    const judge = await host({ isProcessAlive: () => false });
    await until(async () => (await judge.store.runs.get(runId))?.state === 'interrupted', 5_000, 'the judge interrupts');
    const ended = await owner.runs.waitFor(runId);
    // The owner noticed on its next beat and stopped; its own end never overwrote the interrupted state.
    expect(ended?.state).toBe('interrupted');
    expect(owner.runs.activeRunIds()).not.toContain(runId);
  });

  it('a process never judges its own live runs by their lease (a wall-clock jump is not a death)', async () => {
    let offset = 0;
    const app = await host({ clock: { now: () => new Date(Date.now() + offset) }, isProcessAlive: () => true });
    const { runId } = await app.runs.start('demo', { items: 10_000_000, delayMsPerPage: 5 }, 'manual');
    await until(async () => (await app.store.runs.get(runId))?.state === 'running');
    offset = 60 * 60 * 1000;
    expect(await app.runs.sweep()).toEqual([]);
    expect((await app.store.runs.get(runId))?.state).toBe('running');
    await app.runs.cancel(runId);
    expect((await app.runs.waitFor(runId))?.state).toBe('cancelled');
  });

  it('waitFor a run of another process polls until it ends', async () => {
    const owner = await host();
    const waiter = await host();
    const { runId } = await owner.runs.start('demo', { items: 3_000, pageSize: 100, delayMsPerPage: 20 }, 'manual');
    const run = await waiter.runs.waitFor(runId);
    expect(run?.state).toBe('succeeded');
  });
});
