import { generateKeyPairSync } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OAuthFlow } from '../../core/api/connections';
import { SheetsConnector } from '../../core/connectors/google';
import { InMemoryTokenStore } from '../../core/connectors/shared/oauth-tokens';
import { answerConsent } from '../helpers/consent-browser';
import { openSheetWorld, pricingRows, pricingSpec, type SheetWorld } from './sheet-import-harness';

/**
 * Sheet imports that read with the Google connection's own credentials: the
 * admin's account connected with Connect, or a service account whose JWT the
 * emulator verifies with the public key of the key file it was given.
 */
function serviceAccountKey(email: string) {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const json = JSON.stringify({
    type: 'service_account',
    project_id: 'syncwarden-test',
    private_key_id: 'k1',
    private_key: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    client_email: email,
    client_id: '1234567890',
    token_uri: 'https://oauth2.googleapis.com/token',
  });
  return { json, publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString() };
}

describe('sheet-import with the connection’s own Google credentials', () => {
  let world: SheetWorld;
  const manual = { actor: 'manual' } as const;
  const sa = serviceAccountKey('reader@syncwarden-test.iam.gserviceaccount.com');

  beforeAll(async () => {
    world = await openSheetWorld([{ id: 'pricing', title: 'Pricing', sheets: [{ title: 'Plans', rows: pricingRows(40) }] }]);
  });
  afterAll(async () => world?.close());

  const googleConnection = async () => (await world.app.connections.list()).find((c) => c.kind === 'google')!;

  it('the admin’s connected account reads the sheet (credentials: connection), no storage account involved', async () => {
    const id = (await googleConnection()).id;
    await world.app.connections.update({ id, config: { ...(await googleConnection()).config, authUrl: world.emulator.authUrl, revokeUrl: world.emulator.revokeUrl } });
    const flow = (await world.app.handlers['connections.connect']({ id }, manual)) as OAuthFlow;
    await answerConsent(flow.authUrl, 'allow');
    await expect.poll(async () => ((await world.app.handlers['connections.connect.status']({ flowId: flow.flowId }, manual)) as OAuthFlow).state).toBe('connected');

    const source = await world.addSource(pricingSpec({ name: 'Admin pricing', credentials: 'connection', storageAccountId: '', targetTable: 'sheet_pricing' }));
    world.emulator.resetCounts();
    const run = await world.importNow(source);
    expect(run.state).toBe('succeeded');
    expect(await world.cache()).toHaveLength(40);
    // The admin's grant, not the storage account's refresh token, was exchanged.
    expect(world.emulator.count('oauth.token')).toBe(1);
    expect(await world.db.query(`SELECT access_token FROM storage_accounts`)).toEqual([{ access_token: null }]);

    // Disconnected: the same source now says what to do.
    await world.app.handlers['connections.disconnect']({ id }, manual);
    const after = await world.importNow(source);
    expect(after.state).toBe('failed');
    expect(after.error?.message).toMatch(/no connected account and no service account: press Connect/);
  });

  it('a service account: the JWT grant verifies against the key file’s public key, then Sheets reads with its token', async () => {
    world.emulator.addServiceAccount('reader@syncwarden-test.iam.gserviceaccount.com', sa.publicKeyPem, 'owner');
    const created = await world.app.connections.create({ kind: 'google', name: 'Service account', config: { clientId: '', rootUrl: world.emulator.rootUrl, tokenUrl: world.emulator.tokenUrl }, secrets: { serviceAccountJson: sa.json } });
    const tested = await world.app.connections.test(created.id);
    expect(tested).toMatchObject({ ok: true, message: 'Google accepted the service account reader@syncwarden-test.iam.gserviceaccount.com' });

    const source = await world.addSource(pricingSpec({ name: 'SA pricing', connection: 'Service account', credentials: 'connection', storageAccountId: '', targetTable: 'sheet_sa_pricing' }));
    const run = await world.importNow(source);
    expect(run.state).toBe('succeeded');
    expect(await world.cache('sheet_sa_pricing')).toHaveLength(40);
  });

  it('a key that is not the registered one: "Invalid JWT Signature." from the token endpoint, a bad-credentials test', async () => {
    const other = serviceAccountKey('reader@syncwarden-test.iam.gserviceaccount.com');
    const created = await world.app.connections.create({ kind: 'google', name: 'Forged SA', config: { clientId: '', tokenUrl: world.emulator.tokenUrl }, secrets: { serviceAccountJson: other.json } });
    const tested = await world.app.connections.test(created.id);
    expect(tested).toMatchObject({ ok: false, status: 'bad-credentials', message: expect.stringMatching(/^The service account key: .*invalid_grant/) });

    const sheets = new SheetsConnector({
      clientId: '',
      clientSecret: '',
      tokens: new InMemoryTokenStore({ accessToken: null, refreshToken: null, expiresAt: null }),
      serviceAccount: { key: { clientEmail: 'reader@syncwarden-test.iam.gserviceaccount.com', privateKey: (JSON.parse(other.json) as { private_key: string }).private_key }, scopes: ['https://www.googleapis.com/auth/spreadsheets.readonly'] },
      rootUrl: world.emulator.rootUrl,
      tokenUrl: world.emulator.tokenUrl,
      policy: { maxAttempts: 1 },
    });
    await expect(sheets.getSpreadsheet('pricing')).rejects.toMatchObject({ message: expect.stringMatching(/invalid_grant/) });
  });
});
