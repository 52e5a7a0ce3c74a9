import { describe, expect, it } from 'vitest';
import { CALLBACK_PATH, openLoopback } from '../../core/connections/oauth/loopback';
import { isClosed } from '../helpers/consent-browser';

/** The loopback listener of Connect (RFC 8252 §7.3): one answer, then closed, whatever the answer. */
describe('openLoopback', () => {
  const open = (extra: { timeoutMs?: number; signal?: AbortSignal } = {}) => openLoopback({ state: 'the-state', timeoutMs: extra.timeoutMs ?? 5000, service: 'Google', ...(extra.signal ? { signal: extra.signal } : {}) });

  it('listens on 127.0.0.1 at an OS-chosen port, resolves the code for the right state, then closes', async () => {
    const loopback = await open();
    expect(loopback.redirectUri).toMatch(new RegExp(`^http://127\\.0\\.0\\.1:\\d+${CALLBACK_PATH}$`));
    const origin = new URL(loopback.redirectUri).origin;
    // Other paths (a favicon, a scan) are 404 and do not end the wait.
    expect((await fetch(`${origin}/favicon.ico`)).status).toBe(404);
    const answer = await fetch(`${loopback.redirectUri}?code=4/abc&state=the-state&scope=email`);
    expect(answer.status).toBe(200);
    expect(answer.headers.get('cache-control')).toBe('no-store');
    await expect(loopback.code).resolves.toBe('4/abc');
    await expect.poll(() => loopback.closed).toBe(true);
    expect(await isClosed(loopback.redirectUri)).toBe(true);
  });

  it.each([
    ['wrong state', '?code=4/abc&state=other', 'state-mismatch'],
    ['no state', '?code=4/abc', 'state-mismatch'],
    ['denied consent', '?error=access_denied&state=the-state', 'denied'],
    ['another provider error', '?error=invalid_scope&error_description=bad&state=the-state', 'provider-error'],
    ['no code', '?state=the-state', 'no-code'],
  ])('%s: refused with a clear reason, the page says so, and the listener closes', async (_name, query, reason) => {
    const loopback = await open();
    const answer = await fetch(`${loopback.redirectUri}${query}`);
    expect(answer.status).toBe(400);
    expect(await answer.text()).toContain('sign-in did not complete');
    await expect(loopback.code).rejects.toMatchObject({ name: 'LoopbackError', reason });
    await expect.poll(() => loopback.closed).toBe(true);
  });

  it('a wrong state is judged before the error: a forged "denied" cannot pass for the provider', async () => {
    const loopback = await open();
    await fetch(`${loopback.redirectUri}?error=access_denied&state=forged`);
    await expect(loopback.code).rejects.toMatchObject({ reason: 'state-mismatch' });
  });

  it('times out and closes', async () => {
    const loopback = await open({ timeoutMs: 100 });
    await expect(loopback.code).rejects.toMatchObject({ reason: 'timeout', message: expect.stringMatching(/No answer from Google/) });
    await expect.poll(() => loopback.closed).toBe(true);
  });

  it('cancel (abort) closes it; an already aborted signal never waits', async () => {
    const abort = new AbortController();
    const loopback = await open({ signal: abort.signal });
    abort.abort();
    await expect(loopback.code).rejects.toMatchObject({ reason: 'cancelled' });
    await expect.poll(() => loopback.closed).toBe(true);
    const early = await open({ signal: AbortSignal.abort() });
    await expect(early.code).rejects.toMatchObject({ reason: 'cancelled' });
  });

  it('only the first answer counts: a second redirect finds nobody', async () => {
    const loopback = await open();
    await fetch(`${loopback.redirectUri}?code=first&state=the-state`);
    await expect(loopback.code).resolves.toBe('first');
    expect(await isClosed(`${loopback.redirectUri}?code=second&state=the-state`)).toBe(true);
  });
});
