import { afterEach, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../helpers/test-app';

/**
 * Team mode: between adopting a queued run (the store now names this process
 * its owner) and executing it (the run manager then tracks it as active), the
 * worker awaits the store. A heartbeat's sweep in that window used to judge
 * the run "lost track of" and interrupt it; the job then completed with the
 * run undone: a lost job (found by bench/workers.bench.ts, ~1 in 300 jobs).
 */
let app: TestApp | undefined;
afterEach(async () => {
  await app?.dispose();
  app = undefined;
});

describe('a run this worker adopted is its own until it executes', () => {
  it('a sweep between adoptQueued and runAdopted leaves it running, and it then succeeds', async () => {
    app = await createTestApp();
    const { runId } = await app.runs.startInQueue('demo', { items: 3 }, 'manual', async () => undefined);
    expect(await app.runs.adoptQueued(runId)).toMatchObject({ adopted: true });

    expect(await app.runs.sweep()).not.toContain(runId);
    // Adopted, not started: queued under this worker until runAdopted moves it to running.
    expect((await app.store.runs.get(runId))?.state).toBe('queued');

    const run = await app.runs.runAdopted(runId, new AbortController().signal);
    expect(run.state).toBe('succeeded');
  });

  it('a sweep racing the adoption itself (issued while the compare-and-set is in flight) leaves the run alone', async () => {
    app = await createTestApp();
    const { runId } = await app.runs.startInQueue('demo', { items: 3 }, 'manual', async () => undefined);
    const adopting = app.runs.adoptQueued(runId);
    const swept = app.runs.sweep();
    expect(await adopting).toMatchObject({ adopted: true });
    expect(await swept).not.toContain(runId);
    expect((await app.runs.runAdopted(runId, new AbortController().signal)).state).toBe('succeeded');
  });

  it('an adoption never executed stops protecting the run after the lease: the sweep then interrupts it', async () => {
    let now = Date.parse('2026-12-02T12:00:00Z');
    app = await createTestApp({ clock: { now: () => new Date(now) }, leaseMs: 15_000 });
    const { runId } = await app.runs.startInQueue('demo', { items: 3 }, 'manual', async () => undefined);
    expect(await app.runs.adoptQueued(runId)).toMatchObject({ adopted: true });
    now += 16_000;
    expect(await app.runs.sweep()).toContain(runId);
    expect((await app.store.runs.get(runId))?.state).toBe('interrupted');
  });
});
