import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Connection, OAuthFlow } from '../../core/api/connections';
import { startGoogleEmulator, type GoogleEmulator } from '../emulators/google';
import { account, googleOAuthConnection, seedWith } from '../emulators/google/test-support';
import { answerConsent } from '../helpers/consent-browser';
import { MemorySecretStore } from '../helpers/memory.secret-store';
import { oauthCalls } from '../helpers/oauth-calls';
import { createTestApp, type TestApp } from '../helpers/test-app';

/**
 * A sign-in whose code has arrived but whose exchange is still running (a
 * slow token endpoint: up to 15 s) can still be stopped or superseded. Then
 * it must not be kept: "Stop waiting" must not connect the account anyway,
 * and an older Connect finishing late must not overwrite the account a newer
 * one connected (the card and the imports would use another account than
 * the one the admin was told is connected). The discarded grant is not
 * revoked: Google revokes per account and client, so revoking it would also
 * end any other token of that account for this client (a product user's
 * storage account, or the connected account itself when it is the same).
 */
describe('Connect: a stopped or superseded sign-in is not kept', () => {
  let app: TestApp;
  let google: GoogleEmulator;
  const secrets = new MemorySecretStore();
  let id: number;

  const { call, settle } = oauthCalls(() => app, 400);
  const stored = async () => (await call<Connection[]>('connections.list', {})).find((c) => c.id === id);
  const slowTokenEndpoint = () => google.fault('oauth.token', { status: 200, passThrough: true, delayMs: 700, times: 1 });

  beforeAll(async () => {
    app = await createTestApp({ secrets, oauthTimeoutMs: 5000 });
    google = await startGoogleEmulator(seedWith(account('ada', { email: 'ada@example.com' }), account('bob', { email: 'bob@example.com' })));
    id = (await call<Connection>('connections.create', googleOAuthConnection(google))).id;
  });
  afterAll(async () => {
    await google?.close();
    await app?.dispose();
  });

  it('Stop waiting while the code is being exchanged: cancelled, nothing stored', async () => {
    slowTokenEndpoint();
    google.signIn('ada');
    const flow = await call<OAuthFlow>('connections.connect', { id });
    await answerConsent(flow.authUrl, 'allow'); // the loopback has the code; the exchange is under way
    await call('connections.connect.cancel', { flowId: flow.flowId });
    expect(await settle(flow.flowId)).toMatchObject({ state: 'cancelled' });
    expect((await stored())?.config.connectedAccount).toBeUndefined();
    expect(secrets.values.has(`connection/${id}/refreshToken`)).toBe(false);
  });

  it('an older Connect finishing after a newer one does not replace the newer account', async () => {
    slowTokenEndpoint();
    google.signIn('ada');
    const older = await call<OAuthFlow>('connections.connect', { id });
    await answerConsent(older.authUrl, 'allow');
    google.signIn('bob');
    const newer = await call<OAuthFlow>('connections.connect', { id });
    await answerConsent(newer.authUrl, 'allow');
    expect(await settle(newer.flowId)).toMatchObject({ state: 'connected', email: 'bob@example.com' });
    expect(await settle(older.flowId)).toMatchObject({ state: 'cancelled' });
    expect((await stored())?.config.connectedAccount).toMatchObject({ email: 'bob@example.com' });
    const token = secrets.values.get(`connection/${id}/refreshToken`);
    expect(google.refreshTokensOf('bob')).toContain(token);
  });
});
