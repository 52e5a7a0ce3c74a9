import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { CallResult } from '../../core/api/errors';
import type { MethodName } from '../../core/api/names';
import { dispatch } from '../../core/app/dispatch';
import { EngineRegistry, type Engine, type EngineContext } from '../../core/engines/engine';
import { engineResult } from '../../core/engines/engine-result';
import { identityEngine } from '../../core/engines/identity';
import { makeTempDir } from '../helpers/temp-dir';
import { createTestApp, type TestApp } from '../helpers/test-app';

/**
 * A mode only a person starts (EngineMode.byHand: it undoes what was done) is refused by the shared layers,
 * whatever confirmation the params carry: the schedule form when it is saved, the run manager when a schedule
 * starts it. A toy engine, unknown to core/, declares one, so no shared layer can be naming an engine.
 */
const ToyParams = z.strictObject({ mode: z.enum(['check', 'undo']).default('check'), confirm: z.boolean().optional() });
type ToyParams = z.infer<typeof ToyParams>;

let undone = 0;
const toyEngine: Engine<ToyParams> = {
  id: 'toy',
  title: 'Toy',
  description: 'A test-only engine whose "undo" mode only a person starts.',
  phases: [{ id: 'work', label: 'Working', weight: 1 }],
  params: ToyParams,
  scopeOf: () => 'all',
  modes: {
    check: { result: engineResult({}) },
    undo: { result: engineResult({}), byHand: true },
  },
  run: (params) => {
    if (params.mode === 'undo') undone++;
    return Promise.resolve({ mode: params.mode, itemsFailed: 0 });
  },
};

describe('a mode only a person starts', () => {
  let dir: ReturnType<typeof makeTempDir>;
  let app: TestApp;
  beforeEach(async () => {
    undone = 0;
    dir = makeTempDir();
    app = await createTestApp({ dataDir: join(dir.path, 'console'), engines: new EngineRegistry([toyEngine]) });
  });
  afterEach(async () => {
    await app.dispose();
    dir.remove();
  });

  const call = (method: MethodName, input: unknown = {}): Promise<CallResult<unknown>> => dispatch(app.handlers, method, input, { actor: 'manual' });
  const trigger = { kind: 'interval', minutes: 30 };

  it('a schedule naming it is refused when saved, under params.mode, with the reason', async () => {
    expect(await call('schedules.create', { engine: 'toy', trigger, params: { mode: 'undo', confirm: true } })).toMatchObject({
      ok: false,
      error: { code: 'invalid-input', message: expect.stringMatching(/^Invalid schedule: Toy runs "undo" only when a person starts it/), details: { issues: [{ path: ['params', 'mode'] }] } },
    });
    // The engine's other modes are scheduled as before.
    expect(await call('schedules.create', { engine: 'toy', trigger, params: { mode: 'check' } })).toMatchObject({ ok: true });
  });

  it('a scheduled start of it is refused by the run manager; a person starts it as before', async () => {
    await expect(app.runs.start('toy', { mode: 'undo', confirm: true }, 'schedule')).rejects.toMatchObject({ code: 'invalid-input', message: expect.stringMatching(/A schedule cannot start this run/) });
    expect(undone).toBe(0);
    expect((await app.store.runs.list({ limit: 10, offset: 0 })).items).toEqual([]);
    const started = await app.runs.start('toy', { mode: 'undo' }, 'manual');
    expect(await app.runs.waitFor(started.runId)).toMatchObject({ state: 'succeeded' });
    expect(undone).toBe(1);
    // Its other modes still start from a schedule.
    expect(await app.runs.waitFor((await app.runs.start('toy', { mode: 'check' }, 'schedule')).runId)).toMatchObject({ state: 'succeeded', trigger: 'schedule' });
  });

  it('a schedule stored before the rule fires and starts nothing', async () => {
    const id = await app.store.schedules.insert({ engine: 'toy', scope: { kind: 'all' }, trigger: { kind: 'interval', minutes: 30 }, timeZone: 'UTC', enabled: true, autoRepair: false, params: { mode: 'undo', confirm: true } }, 'test', new Date().toISOString());
    expect(await call('schedules.runNow', { id })).toMatchObject({ ok: false, error: { code: 'invalid-input' } });
    expect(undone).toBe(0);
  });
});

describe('the identity engine itself', () => {
  it('declares its revert byHand and refuses a scheduled revert before it opens anything', async () => {
    expect(identityEngine.modes?.revert?.byHand).toBe(true);
    // Resources that throw when touched: the refusal comes first.
    const context = { trigger: 'schedule', resources: new Proxy({}, { get: () => { throw new Error('touched a resource'); } }) } as unknown as EngineContext;
    const controls = { signal: new AbortController().signal, progress: {} } as never;
    await expect(identityEngine.run({ mode: 'revert', revertRunId: 1, confirmDestructive: true }, context, controls)).rejects.toThrow(/only when a person starts it/);
  });
});
