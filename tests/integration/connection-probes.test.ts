import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dispatch } from '../../core/app/dispatch';
import { startCloudinaryEmulator, type CloudinaryEmulator } from '../emulators/cloudinary/cloudinary.emulator';
import { loadCloudinarySeed } from '../emulators/cloudinary/fixtures';
import { loadDropboxSeed, startDropboxEmulator, type DropboxEmulator } from '../emulators/dropbox/dropbox.emulator';
import { startGoogleEmulator, type GoogleEmulator } from '../emulators/google';
import { startSupabaseEmulator, type SupabaseEmulator } from '../emulators/supabase/supabase.emulator';
import { freePort } from '../helpers/ports';
import { createTestApp, type TestApp } from '../helpers/test-app';

/**
 * connections.test end to end: the contract, the keychain port, the probe and
 * the real SDK against each service's emulator, for a good and a bad secret
 * and an address where nothing listens.
 */
describe('connections.test through the real SDKs', () => {
  let app: TestApp;
  let cloudinary: CloudinaryEmulator;
  let dropbox: DropboxEmulator;
  let supabase: SupabaseEmulator;
  let google: GoogleEmulator;
  const googleClient = { clientId: 'probe-test.apps.googleusercontent.com', clientSecret: 'probe-test-secret' };
  const cloud = loadCloudinarySeed().clouds[0]!;
  const dropboxSeed = loadDropboxSeed();

  beforeAll(async () => {
    app = await createTestApp();
    [cloudinary, dropbox, supabase, google] = await Promise.all([
      startCloudinaryEmulator(loadCloudinarySeed()),
      startDropboxEmulator(dropboxSeed),
      startSupabaseEmulator(),
      startGoogleEmulator({ clients: [googleClient], accounts: [] }),
    ]);
  });
  afterAll(async () => {
    await Promise.all([cloudinary?.close(), dropbox?.close(), supabase?.close(), google?.close()]);
    await app?.dispose();
  });

  async function createAndTest(input: Record<string, unknown>) {
    const created = await dispatch(app.handlers, 'connections.create', input, { actor: 'manual' });
    if (!created.ok) throw new Error(created.error.message);
    const { id } = created.result as { id: number };
    const tested = await dispatch(app.handlers, 'connections.test', { id }, { actor: 'manual' });
    if (!tested.ok) throw new Error(tested.error.message);
    return tested.result as { ok: boolean; status: string; message: string };
  }

  const cases = () => [
    {
      kind: 'google',
      config: (url: string) => ({ clientId: googleClient.clientId, rootUrl: `${url}/`, tokenUrl: `${url}/token` }),
      secrets: (good: boolean) => ({ clientSecret: good ? googleClient.clientSecret : 'wrong-secret' }),
      url: google?.url,
      badMessage: /invalid_client/,
    },
    {
      kind: 'cloudinary',
      config: (url: string) => ({ cloudName: cloud.cloudName, apiKey: cloud.apiKey, rootFolder: 'media', apiBaseUrl: url }),
      secrets: (good: boolean) => ({ apiSecret: good ? cloud.apiSecret : 'wrong-secret' }),
      url: cloudinary.url,
      badMessage: /api_secret mismatch/,
    },
    {
      kind: 'dropbox',
      config: (url: string) => ({ appKey: dropboxSeed.app.key, baseUrl: url }),
      secrets: (good: boolean) => ({ appSecret: good ? dropboxSeed.app.secret : 'wrong-secret' }),
      url: dropbox.url,
      badMessage: /Invalid client_id or client_secret/,
    },
    {
      kind: 'supabase',
      config: (url: string) => ({ url }),
      secrets: (good: boolean) => ({ serviceRoleKey: good ? 'emulator-service-role-key' : 'emulator-anon-key' }),
      url: supabase.url,
      badMessage: /User not allowed/,
    },
  ];

  it('a right secret tests ok, a wrong one reports bad credentials with the service’s own message', async () => {
    for (const c of cases()) {
      const good = await createAndTest({ kind: c.kind, name: `${c.kind} good`, config: c.config(c.url), secrets: c.secrets(true) });
      expect(good, `${c.kind}: ${good.message}`).toMatchObject({ ok: true, status: 'ok' });
      const bad = await createAndTest({ kind: c.kind, name: `${c.kind} bad`, config: c.config(c.url), secrets: c.secrets(false) });
      expect(bad, c.kind).toMatchObject({ ok: false, status: 'bad-credentials', message: expect.stringMatching(c.badMessage) });
    }
  });

  it('an address where nothing listens reports unreachable, quickly', async () => {
    const nowhere = `http://127.0.0.1:${await freePort()}`;
    for (const c of cases()) {
      const started = Date.now();
      const result = await createAndTest({ kind: c.kind, name: `${c.kind} nowhere`, config: c.config(nowhere), secrets: c.secrets(true) });
      expect(result, `${c.kind}: ${result.message}`).toMatchObject({ ok: false, status: 'unreachable' });
      expect(Date.now() - started).toBeLessThan(5000);
    }
  });
});
