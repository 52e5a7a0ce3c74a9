import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createSyncwarden, type Syncwarden } from '../../core/app/app';
import { EngineRegistry, type Engine } from '../../core/engines/engine';
import { Count, engineResult } from '../../core/engines/engine-result';
import { makeTempDir } from '../helpers/temp-dir';
import { until } from '../helpers/wait';

/**
 * s26f (outside reviewer): a live owner that stalls past its lease (a SIGSTOP, a laptop lid, a long GC, a
 * synchronous step) has its run interrupted by another process, which may then start the same scope again.
 * The stale owner's state writes are refused (run-manager.ts move(..., owned)), but its FINDINGS are not:
 * BufferedFindingSink.flush -> findings.insertMany has no owner check, and execute() flushes the buffer
 * both on return and in its catch (the abort of the lost lease). So findings of an interrupted run land
 * after a newer, complete check of the same scope ended and superseded everything else: the console shows
 * open findings the latest check did not find, and an open finding the new run wrote is taken over
 * (ON CONFLICT ... run_id = excluded.run_id) by the interrupted run.
 *
 * The stall is modelled by an engine that holds at a gate the test opens (the process's event loop does
 * nothing for the run meanwhile); the judge is a second host that sees the owner as gone, as in
 * tests/unit/run-leases.test.ts ("a live owner whose run was interrupted behind its back").
 */
const gates: Array<() => void> = [];
const Params = z.strictObject({
  mode: z.literal('check').default('check'),
  subjects: z.array(z.string()).max(10),
  hold: z.boolean().default(false),
});
const stallEngine: Engine<z.infer<typeof Params>> = {
  id: 'stall',
  title: 'Stall',
  description: 'adds findings, then (hold) stalls until the test lets it go',
  phases: [{ id: 'work', label: 'Working', weight: 1 }],
  params: Params,
  scopeOf: () => 'all',
  modes: { check: { result: engineResult({ items: Count }), description: 'check' } },
  async run(params, context) {
    for (const subject of params.subjects) {
      await context.findings.add({ subject, kind: 'drift', reason: `${subject} differs`, proposedAction: 'none', details: { by: context.runId } });
    }
    // The stall: nothing of this run moves until it is over (a stopped process does not look at its signal either).
    if (params.hold) await new Promise<void>((resolve) => gates.push(resolve));
    return { items: params.subjects.length };
  },
};

describe('s26f: a stale owner (stalled past its lease) writes findings after its run was interrupted', () => {
  const dir = makeTempDir();
  const open: Syncwarden[] = [];
  const host = async (options: Partial<Parameters<typeof createSyncwarden>[0]> = {}) => {
    const app = await createSyncwarden({ dataDir: dir.path, host: 'browser', engines: new EngineRegistry([stallEngine]), heartbeatMs: 50, ...options });
    open.push(app);
    return app;
  };
  afterEach(async () => {
    for (const release of gates.splice(0)) release();
    for (const app of open.splice(0)) await app.close();
    dir.remove();
  });

  it('the interrupted run\'s buffered findings never land over the newer complete check of the same scope', async () => {
    const owner = await host();
    const stale = await owner.runs.start('stall', { subjects: ['user:a', 'user:b'], hold: true }, 'manual');
    await until(async () => (await owner.store.runs.get(stale.runId))?.state === 'running' && gates.length === 1, 5_000, 'the owner holds');

    // Another process judges the owner gone (its lease lapsed while it stalled) and interrupts the run.
    const judge = await host({ isProcessAlive: () => false });
    await until(async () => (await judge.store.runs.get(stale.runId))?.state === 'interrupted', 5_000, 'the judge interrupts');

    // The scope is free again: a fresh, complete check runs there and finds only user:a.
    const fresh = await judge.runs.start('stall', { subjects: ['user:a'] }, 'manual');
    expect(fresh.alreadyRunning).toBe(false);
    expect((await judge.runs.waitFor(fresh.runId))?.state).toBe('succeeded');
    const before = (await judge.store.findings.open('stall')).map((f) => ({ subject: f.subject, runId: f.runId }));
    expect(before).toEqual([{ subject: 'user:a', runId: fresh.runId }]);

    // The stalled owner wakes up: its run is long interrupted (its state writes are refused) ...
    gates.splice(0).forEach((release) => release());
    const ended = await owner.runs.waitFor(stale.runId);
    expect(ended?.state).toBe('interrupted');
    await until(async () => owner.runs.activeRunIds().length === 0, 5_000, 'the owner let go');

    // ... and so must its findings be: what is open is what the newest complete check found, and only that.
    const after = (await judge.store.findings.open('stall')).map((f) => ({ subject: f.subject, runId: f.runId }));
    expect(after).toEqual([{ subject: 'user:a', runId: fresh.runId }]);
  });
});
