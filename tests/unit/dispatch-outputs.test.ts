import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { dispatch, outputChecksByDefault } from '../../core/app/dispatch';
import type { HandlerTable } from '../../core/engines/engine-policies';
import { createTestApp, type TestApp } from '../helpers/test-app';

describe('dispatch checks handler outputs against the contract (development and tests)', () => {
  let app: TestApp;

  beforeEach(async () => {
    app = await createTestApp();
  });
  afterEach(() => app.dispose());

  /** The app's table with one handler answering what the contract does not allow. */
  function withBrokenSettings(): HandlerTable {
    return { ...app.handlers, 'settings.get': (() => ({ theme: 42 })) as unknown as HandlerTable['settings.get'] };
  }

  it('is on in tests and development, off in production, and SYNCWARDEN_CHECK_OUTPUTS decides when set', () => {
    expect(outputChecksByDefault()).toBe(true); // vitest sets NODE_ENV=test
    expect(outputChecksByDefault({ NODE_ENV: 'test' })).toBe(true);
    expect(outputChecksByDefault({ NODE_ENV: 'development' })).toBe(true);
    expect(outputChecksByDefault({ NODE_ENV: 'production' })).toBe(false);
    expect(outputChecksByDefault({})).toBe(false);
    expect(outputChecksByDefault({ NODE_ENV: 'production', SYNCWARDEN_CHECK_OUTPUTS: '1' })).toBe(true);
    expect(outputChecksByDefault({ NODE_ENV: 'test', SYNCWARDEN_CHECK_OUTPUTS: '0' })).toBe(false);
  });

  it('an output that does not match is an internal error naming the paths, never passed on', async () => {
    const answer = await dispatch(withBrokenSettings(), 'settings.get', {}, { actor: 'manual' });
    expect(answer.ok).toBe(false);
    if (answer.ok) return;
    expect(answer.error.code).toBe('internal');
    expect(answer.error.message).toContain('settings.get');
    const issues = (answer.error.details as { issues: { path: string[] }[] }).issues;
    expect(issues.length).toBeGreaterThan(0);
  });

  it('with the check off the handler’s answer passes as before', async () => {
    const answer = await dispatch(withBrokenSettings(), 'settings.get', {}, { actor: 'manual' }, undefined, { checkOutputs: false });
    expect(answer).toEqual({ ok: true, result: { theme: 42 } });
  });

  it('a matching output is the handler’s own value, unchanged by the check', async () => {
    const own = await app.handlers['settings.get']({}, { actor: 'manual' });
    const answer = await dispatch(app.handlers, 'settings.get', {}, { actor: 'manual' }, undefined, { checkOutputs: true });
    expect(answer).toEqual({ ok: true, result: own });
  });
});
