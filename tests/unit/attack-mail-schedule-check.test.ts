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
  beforeEach(() => {
    app = createTestApp({ engines: createEngineRegistry() });
  });
  afterEach(async () => app.dispose());

  const call = (method: MethodName, input: unknown = {}): Promise<CallResult<unknown>> => dispatch(app.handlers, method, input, { actor: 'manual' });

  it('stays a check when the schedule says check; a schedule without a mode imports', async () => {
    const created = await call('schedules.create', { engine: 'mail-import', scope: { kind: 'user', userId: 'u1' }, trigger: { kind: 'interval', minutes: 30 }, params: { mode: 'check' } });
    expect(created).toMatchObject({ ok: true });
    const context = { store: app.store };
    const check = runParamsFor({ engine: 'mail-import', scope: { kind: 'user', userId: 'u1' }, params: { mode: 'check' }, autoRepair: false }, app.engines, context);
    expect(check).toMatchObject({ mode: 'check', user: 'u1' });
    const plain = runParamsFor({ engine: 'mail-import', scope: { kind: 'user', userId: 'u1' }, params: {}, autoRepair: false }, app.engines, context);
    expect(plain).toMatchObject({ mode: 'import', user: 'u1' });
  });
});
