import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createSyncwarden, type Syncwarden } from '../../core/app/app';
import { EngineRegistry, type Engine } from '../../core/engines/engine';
import { Count, engineResult } from '../../core/engines/engine-result';
import { makeTempDir } from '../helpers/temp-dir';

/**
 * s26i (outside reviewer): RunManager.start inserts the run owned by this process (insertQueued), then awaits
 * runEvents.append and emitRun (two more store round trips: real I/O on a PostgreSQL store, or a busy one), and
 * only then puts the run in `active`. A heartbeat that fires in that window sweeps (recovery.ts
 * whyOwnerIsGone): own owner id and isLocal(id) false -> "this process lost track of it" -> interrupted. The
 * run a person just started, in a live process, is killed before its engine ever runs: the start answers
 * { runId, alreadyRunning: false } and the run ends `interrupted`.
 *
 * The store round trip is slowed to 300 ms (a busy or distant store); the heartbeat is 50 ms as in the
 * lease tests. Nothing here stalls the owner: its event loop is free the whole time.
 */
const Params = z.strictObject({ mode: z.literal('check').default('check') });
const quick: Engine<z.infer<typeof Params>> = {
  id: 'quick',
  title: 'Quick',
  description: 'returns at once',
  phases: [{ id: 'work', label: 'Working', weight: 1 }],
  params: Params,
  scopeOf: () => 'all',
  modes: { check: { result: engineResult({ items: Count }), description: 'check' } },
  async run() {
    return { items: 0 };
  },
};

describe('s26i: a run being started by a live process is swept as lost', () => {
  const dir = makeTempDir();
  const open: Syncwarden[] = [];
  afterEach(async () => {
    for (const app of open.splice(0)) await app.close();
    dir.remove();
  });

  it('a slow store round trip between the insert and `active` does not interrupt the new run', { timeout: 20_000 }, async () => {
    const app = await createSyncwarden({ dataDir: dir.path, host: 'browser', engines: new EngineRegistry([quick]), heartbeatMs: 50 });
    open.push(app);
    const events = app.store.runEvents;
    const append = events.append.bind(events);
    events.append = (async (...args: Parameters<typeof append>) => {
      await new Promise((resolve) => setTimeout(resolve, 300));
      return await append(...args);
    }) as typeof events.append;
    const started = await app.runs.start('quick', {}, 'manual');
    expect(started.alreadyRunning).toBe(false);
    const ended = await app.runs.waitFor(started.runId);
    console.log(`run ${started.runId} ended ${ended?.state}: ${JSON.stringify(ended?.error)}`);
    expect(ended?.state).toBe('succeeded');
  });
});
