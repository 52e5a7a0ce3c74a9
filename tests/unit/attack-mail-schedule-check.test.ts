import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { CallResult } from '../../core/api/errors';
import type { MethodName } from '../../core/api/names';
import { dispatch } from '../../core/app/dispatch';
import { createEngineRegistry } from '../../core/engines/registry';
import { runParamsFor } from '../../core/scheduler/run-params';
import { createTestApp, type TestApp } from '../helpers/test-app';

/**
 * Outside review (issue 17): mail-import gained a `check` that must write
 * nothing, but its schedule policy stamped `mode: 'import'` over every
 * scheduled run's params. A schedule the admin created to preview each hour
 * (params `{ mode: 'check' }`, accepted by schedules.create) imported mail,
 * moved cursors and flagged users instead.
 */
describe('attack: a scheduled mail-import check', () => {
  let app: TestApp;
  beforeEach(async () => {
    app = await createTestApp({ engines: createEngineRegistry() });
  });
  afterEach(async () => app.dispose());

  const call = (method: MethodName, input: unknown = {}): Promise<CallResult<unknown>> => dispatch(app.handlers, method, input, { actor: 'manual' });

  it('stays a check when the schedule says check; a schedule without a mode imports', async () => {
    const created = await call('schedules.create', { engine: 'mail-import', scope: { kind: 'user', userId: 'u1' }, trigger: { kind: 'interval', minutes: 30 }, params: { mode: 'check' } });
    expect(created).toMatchObject({ ok: true });
    const context = { store: app.store };
    const check = await runParamsFor({ engine: 'mail-import', scope: { kind: 'user', userId: 'u1' }, params: { mode: 'check' }, autoRepair: false }, app.engines, context);
    expect(check).toMatchObject({ mode: 'check', user: 'u1' });
    const plain = await runParamsFor({ engine: 'mail-import', scope: { kind: 'user', userId: 'u1' }, params: {}, autoRepair: false }, app.engines, context);
    expect(plain).toMatchObject({ mode: 'import', user: 'u1' });
  });
});

/**
 * Outside review (issue 17): a schedule's user scope holds a user id (the
 * CLI's `schedules add --user` now resolves an email to the id), but the
 * identity engine's `user` param is an email. A user-scoped identity schedule
 * was accepted and every firing checked "nobody": `succeeded`, status
 * `unknown`, no finding, whatever drifted.
 */
describe('attack: a user-scoped identity schedule', () => {
  let app: TestApp;
  beforeEach(async () => {
    app = await createTestApp({ engines: createEngineRegistry() });
  });
  afterEach(async () => app.dispose());

  it('is refused with what to do instead of checking nobody every hour', async () => {
    const trigger = { kind: 'interval', minutes: 60 };
    const refused = await dispatch(app.handlers, 'schedules.create', { engine: 'identity', scope: { kind: 'user', userId: '7f3c2a10-uuid-ada' }, trigger }, { actor: 'manual' });
    expect(refused).toMatchObject({ ok: false, error: { code: 'invalid-input', details: { issues: [{ path: ['scope'] }] } } });
    expect(await dispatch(app.handlers, 'schedules.create', { engine: 'identity', trigger }, { actor: 'manual' })).toMatchObject({ ok: true });
    // One saved before the rule fails its firings with what to do, instead of checking nobody.
    const saved = { engine: 'identity', scope: { kind: 'user' as const, userId: '7f3c2a10-uuid-ada' }, params: {}, autoRepair: false };
    await expect(runParamsFor(saved, app.engines, { store: app.store })).rejects.toThrow('Edit or delete this schedule.');
  });

  it('media-import (whose user is an email too) refuses a user scope the same way, naming itself', async () => {
    const trigger = { kind: 'interval', minutes: 60 };
    const refused = await dispatch(app.handlers, 'schedules.create', { engine: 'media-import', scope: { kind: 'user', userId: 'u-ada' }, trigger }, { actor: 'manual' });
    expect(refused).toMatchObject({ ok: false, error: { code: 'invalid-input', details: { issues: [{ path: ['scope'] }] } } });
    expect(JSON.stringify(refused)).toContain('a media-import schedule checks every user');
    expect(await dispatch(app.handlers, 'schedules.create', { engine: 'media-import', trigger }, { actor: 'manual' })).toMatchObject({ ok: true });
  });
});
