import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createSyncwarden, type Syncwarden } from '../../core/app/app';
import { EngineRegistry, type Engine } from '../../core/engines/engine';
import { Count, engineResult } from '../../core/engines/engine-result';
import { makeTempDir } from '../helpers/temp-dir';

/**
 * s26l (outside reviewer): the sweep's isLocal (run-manager.ts recoveryOptions) checks active.has(runId) and the
 * named claim BEFORE awaiting runs.get(runId) for created_at, and only the unnamed-claim test after it. A start
 * whose INSERT committed just before the sweep read activeOwners names its claim, enters `active` and releases
 * the claim while the sweep awaits that read: afterwards holds(runId, createdAt) finds no claim, active is not
 * looked at again, and the LIVE run is interrupted ("this process lost track of it").
 */
const Params = z.strictObject({ mode: z.literal('check').default('check'), scope: z.string().default('all') });
const slow: Engine<z.infer<typeof Params>> = {
  id: 'slow',
  title: 'Slow',
  description: 'works 1.5 s',
  phases: [{ id: 'work', label: 'Working', weight: 1 }],
  params: Params,
  scopeOf: (p) => p.scope,
  modes: { check: { result: engineResult({ items: Count }), description: 'check' } },
  async run() {
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    return { items: 1 };
  },
};

describe('s26l: a sweep awaiting created_at interrupts a run that just became active', () => {
  const dir = makeTempDir();
  const open: Syncwarden[] = [];
  afterEach(async () => {
    for (const app of open.splice(0)) await app.close();
    dir.remove();
  });

  it('a live run started during a sweep ends succeeded, not interrupted', { timeout: 20_000 }, async () => {
    const app = await createSyncwarden({ dataDir: dir.path, host: 'browser', engines: new EngineRegistry([slow]), heartbeatMs: 2_000 });
    open.push(app);
    const runs = app.store.runs;
    // A store round trip: the INSERT has committed, its answer takes 150 ms to come back; a read sent in that
    // window (the sweep's runs.get for created_at) answers 400 ms later (a busy or distant store).
    let window = false;
    let startDone = (): void => undefined;
    const startReturned = new Promise<void>((resolve) => (startDone = resolve));
    const sweeps: Promise<number[]>[] = [];
    const insert = runs.insertQueued.bind(runs);
    runs.insertQueued = (async (...args: Parameters<typeof insert>) => {
      const result = await insert(...args);
      window = true;
      // A beat's sweep lands here (with the default heartbeat, at most one per beat; waitFor sweeps too).
      sweeps.push(app.runs.sweep());
      await new Promise((resolve) => setTimeout(resolve, 150));
      window = false;
      return result;
    }) as typeof runs.insertQueued;
    const get = runs.get.bind(runs);
    runs.get = (async (id: number) => {
      const slowRead = window;
      const row = await get(id);
      // The read's answer arrives just as the start has returned (its claim released, the run in `active`).
      if (slowRead) await startReturned;
      return row;
    }) as typeof runs.get;

    const started = await app.runs.start('slow', { scope: 'all' }, 'manual');
    startDone();
    expect(started.alreadyRunning).toBe(false);
    const swept = await Promise.all(sweeps);
    const ended = await app.runs.waitFor(started.runId);
    console.log(`sweep interrupted: ${JSON.stringify(swept)}`);
    console.log(`run ${started.runId}: ${ended?.state} ${JSON.stringify(ended?.error ?? null)}`);
    expect(ended?.state).toBe('succeeded');
  });
});
