import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dispatch } from '../../core/app/dispatch';
import type { Connection, OAuthFlow } from '../../core/api/connections';
import { loadDropboxSeed, startDropboxEmulator, type DropboxEmulator } from '../emulators/dropbox/dropbox.emulator';
import { startGoogleEmulator, type GoogleEmulator } from '../emulators/google';
import { account, googleOAuthConnection, seedWith } from '../emulators/google/test-support';
import { answerConsent } from '../helpers/consent-browser';
import { MemorySecretStore } from '../helpers/memory.secret-store';
import { oauthCalls } from '../helpers/oauth-calls';
import { createTestApp, type TestApp } from '../helpers/test-app';

/**
 * Foreign 200 answers (a proxy's block page, a captive portal) in place of
 * Google's: Disconnect must never say "revoked" when Google was not the one
 * who answered (the grant stays alive), and Connect must not store an
 * account whose address was a web page.
 */
describe('Connect and Disconnect against a foreign 200 answer', () => {
  let app: TestApp;
  let google: GoogleEmulator;
  let dropbox: DropboxEmulator;
  let dropboxId: number;
  const dropboxSeed = loadDropboxSeed();
  const secrets = new MemorySecretStore();
  let googleId: number;

  const { call, settle } = oauthCalls(() => app);

  beforeAll(async () => {
    app = await createTestApp({ secrets, oauthTimeoutMs: 3000 });
    [google, dropbox] = await Promise.all([startGoogleEmulator(seedWith(account('admin', { email: 'admin@example.com' }))), startDropboxEmulator(dropboxSeed)]);
    dropboxId = (await call<Connection>('connections.create', { kind: 'dropbox', name: 'Dropbox', config: { appKey: dropbox.appKey, baseUrl: dropbox.url }, secrets: { appSecret: dropbox.appSecret } })).id;
    googleId = (await call<Connection>('connections.create', googleOAuthConnection(google))).id;
  });
  afterAll(async () => {
    await Promise.all([google?.close(), dropbox?.close()]);
    await app?.dispose();
  });

  it.each([
    ['an HTML page', { status: 200, foreign: 'html' as const }],
    ['a proxy’s block page', { status: 200, body: '<html><body>Access to this site is blocked by your organisation</body></html>', headers: { 'Content-Type': 'text/html' } }],
  ])('Google revoke answered 200 with %s: not revoked, the token is kept, the words say so', async (_name, fault) => {
    const flow = await call<OAuthFlow>('connections.connect', { id: googleId });
    await answerConsent(flow.authUrl, 'allow');
    expect(await settle(flow.flowId)).toMatchObject({ state: 'connected' });
    const token = secrets.values.get(`connection/${googleId}/refreshToken`) ?? '';
    google.fault('oauth.revoke', fault);
    const answer = await dispatch(app.handlers, 'connections.disconnect', { id: googleId }, { actor: 'manual' });
    google.clearFaults();
    expect(answer).toMatchObject({ ok: false, error: { code: 'unavailable', message: expect.stringMatching(/stays connected/) } });
    expect(JSON.stringify(answer)).not.toContain('<');
    expect(google.refreshTokensOf('admin')).toContain(token);
    expect(secrets.values.get(`connection/${googleId}/refreshToken`)).toBe(token);
    const [listed] = (await call<Connection[]>('connections.list', {})).filter((c) => c.id === googleId);
    expect(listed?.config.connectedAccount).toMatchObject({ email: 'admin@example.com' });
    // Once Google itself answers, Disconnect goes through.
    await call('connections.disconnect', { id: googleId });
    expect(google.refreshTokensOf('admin')).not.toContain(token);
  });

  it('Connect: a 200 web page in place of userinfo is not an account without an address', async () => {
    google.fault('oauth.userinfo', { status: 200, foreign: 'html' });
    const flow = await call<OAuthFlow>('connections.connect', { id: googleId });
    await answerConsent(flow.authUrl, 'allow');
    const done = await settle(flow.flowId);
    google.clearFaults();
    expect(done).toMatchObject({ state: 'failed', message: expect.stringMatching(/account's address/) });
    expect(done.message).not.toContain('<');
    expect(secrets.values.has(`connection/${googleId}/refreshToken`)).toBe(false);
    const [listed] = (await call<Connection[]>('connections.list', {})).filter((c) => c.id === googleId);
    expect(listed?.config.connectedAccount).toBeUndefined();
  });

  it.each(['dropbox.auth.token.revoke', 'dropbox.oauth2.token'])('Dropbox: a 200 web page from %s is not a revocation', async (route) => {
    const flow = await call<OAuthFlow>('connections.connect', { id: dropboxId });
    await answerConsent(flow.authUrl, 'allow');
    expect(await settle(flow.flowId)).toMatchObject({ state: 'connected' });
    const token = secrets.values.get(`connection/${dropboxId}/refreshToken`) ?? '';
    const first = dropboxSeed.accounts[0]!;
    dropbox.fault(route, { status: 200, foreign: 'html' });
    const answer = await dispatch(app.handlers, 'connections.disconnect', { id: dropboxId }, { actor: 'manual' });
    dropbox.clearFaults();
    expect(answer).toMatchObject({ ok: false, error: { code: 'unavailable', message: expect.stringMatching(/stays connected/) } });
    expect(JSON.stringify(answer)).not.toContain('<');
    expect(dropbox.refreshTokensOf(first.accountId)).toContain(token);
    expect(secrets.values.get(`connection/${dropboxId}/refreshToken`)).toBe(token);
    await call('connections.disconnect', { id: dropboxId });
    expect(dropbox.refreshTokensOf(first.accountId)).not.toContain(token);
  });

  it('Dropbox Connect: a 200 web page in place of get_current_account is not an account', async () => {
    dropbox.fault('dropbox.users.get_current_account', { status: 200, foreign: 'html' });
    const flow = await call<OAuthFlow>('connections.connect', { id: dropboxId });
    await answerConsent(flow.authUrl, 'allow');
    const done = await settle(flow.flowId);
    dropbox.clearFaults();
    expect(done).toMatchObject({ state: 'failed', message: expect.stringMatching(/account's address/) });
    expect(done.message).not.toContain('<');
    expect(secrets.values.has(`connection/${dropboxId}/refreshToken`)).toBe(false);
  });
});
