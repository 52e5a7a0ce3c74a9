import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MAX_ERROR_DETAILS_BYTES, MAX_ERROR_ISSUES, MAX_ERROR_MESSAGE_CHARS } from '../../core/api/error-bounds';
import { ApiError } from '../../core/api/errors';
import { dispatch } from '../../core/app/dispatch';
import type { HandlerTable } from '../../core/engines/engine-policies';
import { createTestApp, type TestApp } from '../helpers/test-app';

/** An error answer is small whatever provoked it (core/api/error-bounds.ts; DESIGN §4.11). */
describe('dispatch: every error answer is bounded, not an echo of the input', () => {
  let app: TestApp;
  beforeEach(async () => {
    app = await createTestApp();
  });
  afterEach(() => app.dispose());
  const size = (answer: unknown) => JSON.stringify(answer).length;

  it('zod naming every unknown key of a 400 KB input answers a few KB, its message cut', async () => {
    const wide = Object.fromEntries(Array.from({ length: 25_000 }, (_, i) => [`key-number-${i}`, 1]));
    const answer = await dispatch(app.handlers, 'app.info', wide, { actor: 'manual' });
    expect(answer).toMatchObject({ ok: false, error: { code: 'invalid-input' } });
    expect(size(answer)).toBeLessThan(8 * 1024);
    if (answer.ok) return;
    expect(answer.error.message.length).toBeLessThanOrEqual(MAX_ERROR_MESSAGE_CHARS);
    expect(answer.error.message.endsWith('…')).toBe(true);
  });

  it('one issue per bad entry of a long list: the first few, and how many were left out', async () => {
    // A bad entry per finding id: zod reports each of the 5,000.
    const answer = await dispatch(app.handlers, 'identity.plan', { findingIds: Array.from({ length: 5_000 }, () => 'x') }, { actor: 'manual' });
    expect(answer.ok).toBe(false);
    if (answer.ok) return;
    const details = answer.error.details as { issues: { path: string[]; message: string }[]; issuesNotShown?: number };
    expect(details.issues).toHaveLength(MAX_ERROR_ISSUES);
    expect(details.issuesNotShown).toBe(5_000 - MAX_ERROR_ISSUES);
    expect(size(answer)).toBeLessThan(8 * 1024);
  });

  it('a handler\'s own refusal is bounded too: its issues cut, oversize details left out', async () => {
    const refusing = (details: unknown): HandlerTable => ({
      ...app.handlers,
      'settings.get': (() => {
        throw new ApiError('invalid-input', 'x'.repeat(100_000), details);
      }) as unknown as HandlerTable['settings.get'],
    });
    const issues = Array.from({ length: 10_000 }, (_, i) => ({ path: ['params', 'k'.repeat(10_000)], code: 'unrecognized_keys', message: `bad ${i} ${'m'.repeat(5_000)}`, keys: ['a'] }));
    const cut = await dispatch(refusing({ issues, hint: 'kept' }), 'settings.get', {}, { actor: 'manual' });
    expect(size(cut)).toBeLessThan(MAX_ERROR_DETAILS_BYTES + 2 * MAX_ERROR_MESSAGE_CHARS);
    expect(cut).toMatchObject({ ok: false, error: { code: 'invalid-input', details: { hint: 'kept', issuesNotShown: 10_000 - MAX_ERROR_ISSUES } } });
    const huge = await dispatch(refusing({ blob: 'b'.repeat(1_000_000) }), 'settings.get', {}, { actor: 'manual' });
    expect(huge).toMatchObject({ ok: false, error: { details: { omitted: expect.stringMatching(/left out/) } } });
    expect(size(huge)).toBeLessThan(4 * 1024);
  });
});
