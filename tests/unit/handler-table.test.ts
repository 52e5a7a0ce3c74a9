/**
 * The one handler table (core/app/handler-table.ts): the console's own methods
 * plus each registered engine's `handlers(host)`. Every contract method has
 * exactly one handler; a second claim is refused when the table is built (at
 * start-up); a method of an engine that is not registered answers a clear error.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { METHOD_NAMES } from '../../core/api/names';
import { dispatch } from '../../core/app/dispatch';
import { assembleHandlerTable, claims } from '../../core/app/handler-table';
import { createHandlers, ownHandlers } from '../../core/app/handlers';
import { demoEngine } from '../../core/engines/demo/demo.engine';
import { EngineRegistry, type Engine } from '../../core/engines/engine';
import { BUILTIN_ENGINES, createEngineRegistry } from '../../core/engines/registry';
import { createTestApp, type TestApp } from '../helpers/test-app';

/** A toy engine whose only interesting part is the contract methods it claims. */
function toy(id: string, handlers: Engine['handlers']): Engine {
  return {
    id,
    title: id,
    description: 'test engine',
    phases: [{ id: 'work', label: 'Working', weight: 1 }],
    params: z.strictObject({}),
    scopeOf: () => 'all',
    run: () => Promise.resolve({}),
    handlers,
  };
}

const overview = () => ({ checkedAt: null, users: [], budget: null, findings: { open: 0, byKind: {} } });

describe('the handler table', () => {
  let app: TestApp;
  beforeEach(async () => {
    app = await createTestApp();
  });
  afterEach(async () => {
    await app.dispose();
  });

  it('with the builtin registry, every contract method has exactly one handler and nothing else is claimed', () => {
    const registry = createEngineRegistry();
    const parts = [['the console', ownHandlers(app)] as const, ...registry.list().map((e) => [`the ${e.id} engine`, e.handlers?.(app) ?? {}] as const)];
    const owners = claims(parts);
    for (const method of METHOD_NAMES) expect({ method, owners: owners.get(method)?.length }).toEqual({ method, owners: 1 });
    expect([...owners.keys()].sort()).toEqual([...METHOD_NAMES].sort());
    // Engine methods come from engines: each builtin engine with a page answers at least one.
    expect(registry.list().filter((e) => Object.keys(e.handlers?.(app) ?? {}).length > 0).map((e) => e.id).sort()).toEqual(BUILTIN_ENGINES.map((e) => e.id).sort());
    const table = createHandlers({ ...app, engines: registry });
    expect(METHOD_NAMES.filter((m) => typeof table[m] !== 'function')).toEqual([]);
  });

  it('refuses two engines claiming the same method when the table is built, naming both', () => {
    const one = toy('one', () => ({ 'media.overview': overview }));
    const two = toy('two', () => ({ 'media.overview': overview }));
    expect(() => createHandlers({ ...app, engines: new EngineRegistry([one, two]) })).toThrow(/media\.overview is claimed by the one engine and by the two engine/);
  });

  it('refuses an engine claiming one of the console’s own methods', () => {
    const greedy = toy('greedy', () => ({ 'runs.start': () => ({ runId: 1, alreadyRunning: false }) }));
    expect(() => assembleHandlerTable({ own: ownHandlers(app), engines: [greedy], host: app })).toThrow(/runs\.start is claimed by the console and by the greedy engine/);
  });

  it('a method of an engine that is not registered answers unknown-method naming the engine; the rest still works', async () => {
    const handlers = createHandlers({ ...app, engines: new EngineRegistry([demoEngine]) });
    const call = (method: string, input: unknown = {}) => dispatch(handlers, method, input, { actor: 'manual' });
    expect(await call('media.overview')).toEqual({
      ok: false,
      error: { code: 'unknown-method', message: 'media.overview belongs to the media-import engine, which this console does not run.', details: { method: 'media.overview', engine: 'media-import' } },
    });
    expect(await call('mail.settings', { limit: 10, offset: 0 })).toMatchObject({ ok: false, error: { code: 'unknown-method', details: { engine: 'mail-import' } } });
    expect(await call('runs.list', { limit: 5, offset: 0 })).toMatchObject({ ok: true });
  });

  it('a toy engine registered alone serves its method through the same dispatch', async () => {
    const handlers = createHandlers({ ...app, engines: new EngineRegistry([toy('toy', () => ({ 'media.overview': overview }))]) });
    expect(await dispatch(handlers, 'media.overview', {}, { actor: 'manual' })).toEqual({ ok: true, result: overview() });
  });
});
