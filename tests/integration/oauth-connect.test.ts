import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dispatch } from '../../core/app/dispatch';
import type { Connection, OAuthFlow } from '../../core/api/connections';
import { loadDropboxSeed, startDropboxEmulator, type DropboxEmulator } from '../emulators/dropbox/dropbox.emulator';
import { startGoogleEmulator, type GoogleEmulator } from '../emulators/google';
import { account, seedWith, TEST_CLIENT, googleOAuthConnection } from '../emulators/google/test-support';
import { answerConsent, isClosed } from '../helpers/consent-browser';
import { MemorySecretStore } from '../helpers/memory.secret-store';
import { oauthCalls } from '../helpers/oauth-calls';
import { createTestApp, type TestApp } from '../helpers/test-app';

/**
 * Connect (RFC 8252) end to end: the contract, the loopback listener, the
 * SDKs' PKCE support and the emulators' consent pages, token endpoints and
 * revocation. Every path ends with the loopback closed.
 */
describe('Connect an account: loopback + PKCE against the emulators', () => {
  let app: TestApp;
  let google: GoogleEmulator;
  let dropbox: DropboxEmulator;
  const secrets = new MemorySecretStore();
  const dropboxSeed = loadDropboxSeed();
  let googleId: number;
  let dropboxId: number;

  const { call, settle } = oauthCalls(() => app);
  const redirectOf = (flow: OAuthFlow) => new URL(flow.authUrl).searchParams.get('redirect_uri') ?? '';

  beforeAll(async () => {
    app = await createTestApp({ secrets, oauthTimeoutMs: 1500 });
    [google, dropbox] = await Promise.all([startGoogleEmulator(seedWith(account('admin', { email: 'admin@example.com' }))), startDropboxEmulator(dropboxSeed)]);
    googleId = (await call<Connection>('connections.create', googleOAuthConnection(google))).id;
    dropboxId = (await call<Connection>('connections.create', { kind: 'dropbox', name: 'Dropbox', config: { appKey: dropbox.appKey, baseUrl: dropbox.url }, secrets: { appSecret: dropbox.appSecret } })).id;
  });
  afterAll(async () => {
    await Promise.all([google?.close(), dropbox?.close()]);
    await app?.dispose();
  });

  it('Google: the URL carries S256 PKCE and state; Allow stores the refresh token and the address; Disconnect revokes it', async () => {
    const flow = await call<OAuthFlow>('connections.connect', { id: googleId });
    const url = new URL(flow.authUrl);
    expect(url.origin + url.pathname).toBe(google.authUrl);
    expect(url.searchParams.get('code_challenge_method')).toBe('S256');
    expect(url.searchParams.get('code_challenge')).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(url.searchParams.get('state')).toMatch(/^[A-Za-z0-9_-]{32}$/);
    expect(url.searchParams.get('access_type')).toBe('offline');
    expect(redirectOf(flow)).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/oauth\/callback$/);
    expect(flow.opened).toBe(false); // browser mode: no openExternal, the page shows the link

    const landed = await answerConsent(flow.authUrl, 'allow');
    expect(landed).toMatchObject({ status: 200, page: expect.stringContaining('Signed in to Google') });
    const done = await settle(flow.flowId);
    expect(done).toMatchObject({ state: 'connected', email: 'admin@example.com' });
    expect(await isClosed(redirectOf(flow))).toBe(true);

    const [listed] = (await call<Connection[]>('connections.list', {})).filter((c) => c.id === googleId);
    expect(listed?.config.connectedAccount).toMatchObject({ email: 'admin@example.com' });
    expect(listed?.secrets.refreshToken).toEqual({ hasSecret: true });
    const token = secrets.values.get(`connection/${googleId}/refreshToken`);
    expect(google.refreshTokensOf('admin')).toContain(token);
    expect(JSON.stringify(listed)).not.toContain(token);

    const after = await call<Connection>('connections.disconnect', { id: googleId });
    expect(after.config.connectedAccount).toBeUndefined();
    expect(after.secrets.refreshToken).toEqual({ hasSecret: false });
    expect(google.revokedTokens()).toContain(token);
    expect(google.refreshTokensOf('admin')).not.toContain(token);
    expect(secrets.values.has(`connection/${googleId}/refreshToken`)).toBe(false);
  });

  it('Dropbox: PKCE through the SDK, the address from get_current_account, Disconnect through token/revoke', async () => {
    const flow = await call<OAuthFlow>('connections.connect', { id: dropboxId });
    const url = new URL(flow.authUrl);
    expect(url.origin).toBe(dropbox.url);
    expect(url.searchParams.get('code_challenge_method')).toBe('S256');
    expect(url.searchParams.get('token_access_type')).toBe('offline');
    await answerConsent(flow.authUrl, 'allow');
    const done = await settle(flow.flowId);
    const first = dropboxSeed.accounts[0]!;
    expect(done).toMatchObject({ state: 'connected', email: first.email });
    expect(await isClosed(redirectOf(flow))).toBe(true);
    const token = secrets.values.get(`connection/${dropboxId}/refreshToken`) ?? '';
    expect(dropbox.refreshTokensOf(first.accountId)).toContain(token);

    await call<Connection>('connections.disconnect', { id: dropboxId });
    expect(dropbox.revokedTokens()).toContain(token);
    expect(dropbox.refreshTokensOf(first.accountId)).not.toContain(token);
    expect(secrets.values.has(`connection/${dropboxId}/refreshToken`)).toBe(false);
  });

  it('denied consent: a clear failure, nothing stored, the loopback closed', async () => {
    for (const id of [googleId, dropboxId]) {
      const flow = await call<OAuthFlow>('connections.connect', { id });
      const landed = await answerConsent(flow.authUrl, 'deny');
      expect(landed.status).toBe(400);
      const done = await settle(flow.flowId);
      expect(done.state).toBe('failed');
      expect(done.message).toMatch(/Access was denied on (Google|Dropbox)'s consent page/);
      expect(await isClosed(redirectOf(flow))).toBe(true);
      expect(secrets.values.has(`connection/${id}/refreshToken`)).toBe(false);
    }
  });

  it('a redirect with the wrong state is refused before any code is exchanged', async () => {
    const flow = await call<OAuthFlow>('connections.connect', { id: googleId });
    const tokenCalls = google.count('oauth.token');
    const forged = await fetch(`${redirectOf(flow)}?code=4/forged&state=not-this-flow`);
    expect(forged.status).toBe(400);
    const done = await settle(flow.flowId);
    expect(done).toMatchObject({ state: 'failed', message: expect.stringMatching(/did not carry this sign-in's state/) });
    expect(google.count('oauth.token')).toBe(tokenCalls);
    expect(await isClosed(redirectOf(flow))).toBe(true);
  });

  it('PKCE mismatch: a code issued for another challenge is refused by the token endpoint (invalid_grant)', async () => {
    for (const id of [googleId, dropboxId]) {
      const flow = await call<OAuthFlow>('connections.connect', { id });
      // An attacker's challenge in place of ours: the code is bound to it, our verifier cannot redeem it.
      const tampered = new URL(flow.authUrl);
      tampered.searchParams.set('code_challenge', 'x'.repeat(43));
      await answerConsent(tampered.toString(), 'allow');
      const done = await settle(flow.flowId);
      expect(done).toMatchObject({ state: 'failed', message: expect.stringMatching(/invalid_grant.*PKCE verifier/) });
      expect(await isClosed(redirectOf(flow))).toBe(true);
      expect(secrets.values.has(`connection/${id}/refreshToken`)).toBe(false);
    }
  });

  it('the emulators answer a wrong or missing verifier as the real endpoints do', async () => {
    const flow = await call<OAuthFlow>('connections.connect', { id: googleId });
    const consent = await fetch(flow.authUrl);
    const requestId = /name="request" value="([^"]+)"/.exec(await consent.text())?.[1] ?? '';
    await call('connections.connect.cancel', { flowId: flow.flowId });
    const decided = await fetch(`${google.url}/o/oauth2/v2/auth/decision`, { method: 'POST', redirect: 'manual', headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body: `request=${requestId}&decision=allow` });
    const code = new URL(decided.headers.get('location') ?? '').searchParams.get('code') ?? '';
    const exchange = (verifier: string | null) =>
      fetch(google.tokenUrl, {
        method: 'POST',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ ...TEST_CLIENT, client_id: TEST_CLIENT.clientId, client_secret: TEST_CLIENT.clientSecret, code, grant_type: 'authorization_code', redirect_uri: redirectOf(flow), ...(verifier ? { code_verifier: verifier } : {}) }).toString(),
      });
    const wrong = await exchange('w'.repeat(64));
    expect(wrong.status).toBe(400);
    expect(await wrong.json()).toMatchObject({ error: 'invalid_grant' });
    // The code was burnt by the failed attempt: even the right verifier cannot use it now.
    expect((await (await exchange(null)).json()) as object).toMatchObject({ error: 'invalid_grant' });
  });

  it('no answer in time: the flow fails with a clear timeout and the loopback closes', async () => {
    const flow = await call<OAuthFlow>('connections.connect', { id: googleId });
    const done = await settle(flow.flowId);
    expect(done).toMatchObject({ state: 'failed', message: expect.stringMatching(/No answer from Google within 2 s/) });
    expect(await isClosed(redirectOf(flow))).toBe(true);
  });

  it('cancel closes the loopback; a second Connect cancels the first', async () => {
    const first = await call<OAuthFlow>('connections.connect', { id: dropboxId });
    const second = await call<OAuthFlow>('connections.connect', { id: dropboxId });
    expect(await settle(first.flowId)).toMatchObject({ state: 'cancelled' });
    await call('connections.connect.cancel', { flowId: second.flowId });
    expect(await settle(second.flowId)).toMatchObject({ state: 'cancelled', message: 'The Dropbox sign-in was cancelled.' });
    expect(await isClosed(redirectOf(first))).toBe(true);
    expect(await isClosed(redirectOf(second))).toBe(true);
  });

  it('Disconnect when the provider cannot be reached keeps the token and says so', async () => {
    const flow = await call<OAuthFlow>('connections.connect', { id: googleId });
    await answerConsent(flow.authUrl, 'allow');
    expect(await settle(flow.flowId)).toMatchObject({ state: 'connected' });
    google.fault('oauth.revoke', { status: 502, foreign: 'html' });
    const refused = await dispatch(app.handlers, 'connections.disconnect', { id: googleId }, { actor: 'manual' });
    expect(refused).toMatchObject({ ok: false, error: { code: 'unavailable', message: expect.stringMatching(/stays connected/) } });
    expect(secrets.values.has(`connection/${googleId}/refreshToken`)).toBe(true);
    google.clearFaults();
    await call('connections.disconnect', { id: googleId });
    expect(secrets.values.has(`connection/${googleId}/refreshToken`)).toBe(false);
  });
});
