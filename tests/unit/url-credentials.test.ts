import { afterEach, describe, expect, it } from 'vitest';
import { CONNECTION_CONFIG } from '../../core/api/connections';
import { HTTP_URL_CREDENTIAL_MESSAGE, POSTGRES_URL_CREDENTIAL_MESSAGE } from '../../core/api/url-credentials';
import { dispatch } from '../../core/app/dispatch';
import { MemorySecretStore } from '../helpers/memory.secret-store';
import { createTestApp, type TestApp } from '../helpers/test-app';

/**
 * Every URL field of a connection is stored in clear and listed to the renderer: like a PostgreSQL URL, an
 * http(s) one (Supabase url, Google/Dropbox base URLs, Cloudinary's) refuses userinfo and credential query
 * parameters, with the same message.
 */
const base = 'https://api.example.test';
const fields: [keyof typeof CONNECTION_CONFIG, (url: string) => Record<string, unknown>][] = [
  ['supabase', (url) => ({ url })],
  ['google', (url) => ({ clientId: 'c', rootUrl: url })],
  ['google', (url) => ({ clientId: 'c', tokenUrl: url })],
  ['dropbox', (url) => ({ appKey: 'k', baseUrl: url })],
  ['cloudinary', (url) => ({ cloudName: 'c', apiKey: 'k', apiBaseUrl: url })],
  ['cloudinary', (url) => ({ cloudName: 'c', apiKey: 'k', deliveryBaseUrl: url })],
];
const refused = [
  'https://user:pass@api.example.test',
  'https://TOKEN@api.example.test',
  `${base}/?api_secret=s`,
  `${base}/?password=`,
  `${base}/?Pass%77ord=x`,
  `${base}/?token=t`,
  `${base}/?access_token=t`,
  `${base}/?key=k`,
  `${base}/?api-key=k`,
  `${base}/?client_secret=s`,
  `${base}/v1?x=1&signature=abc`,
  `${base}/?service_role_key=k`,
  // Other spellings of the same credential: a word of the name, a bracketed form, the fragment.
  `${base}/?X-Goog-Signature=abc`,
  `${base}/?auth_code=c`,
  `${base}/?dbPasswordHash=h`,
  `${base}/?secret%5B%5D=s`,
  `${base}/?auth[token]=t`,
  `${base}/?list[0][api_key]=k`,
  `${base}/#access_token=t&token_type=bearer`,
  `${base}/#/callback?id_token=t`,
  `${base}/#sig=abc`,
];
const accepted = [
  base,
  `${base}/v1/`,
  `${base}/?region=eu&page_size=10`,
  'http://127.0.0.1:8080/emulator',
  // Words that only look like one: Google's account index, a design id, a sign-up page; a fragment that is a place.
  `${base}/?authuser=0&design=1&signup=true&items[]=a`,
  `${base}/docs#section-2`,
  `${base}/#/settings?tab=keys`,
];

describe('http(s) URL fields carry no credentials', () => {
  it.each(refused)('%s is refused in every URL field, with the PostgreSQL rule’s message', (url) => {
    for (const [kind, config] of fields) {
      const parsed = CONNECTION_CONFIG[kind].safeParse(config(url));
      expect(parsed.success, `${kind} ${JSON.stringify(config(url))}`).toBe(false);
      expect(parsed.error?.issues[0]?.message).toContain(HTTP_URL_CREDENTIAL_MESSAGE);
    }
  });

  it.each(accepted)('%s is accepted', (url) => {
    for (const [kind, config] of fields) expect(CONNECTION_CONFIG[kind].safeParse(config(url)).success, kind).toBe(true);
  });

  it('one message, worded as the PostgreSQL rule', () => {
    expect(HTTP_URL_CREDENTIAL_MESSAGE).toMatch(/^leave the password out of the URL: put it in /);
    expect(POSTGRES_URL_CREDENTIAL_MESSAGE).toMatch(/^leave the password out of the URL: put it in /);
  });

  describe('through the contract', () => {
    let app: TestApp | undefined;
    afterEach(async () => {
      await app?.dispose();
      app = undefined;
    });

    it('a create and an update are refused as invalid input and store nothing', async () => {
      app = await createTestApp({ secrets: new MemorySecretStore() });
      const call = (method: string, input: unknown) => dispatch((app as TestApp).handlers, method, input, { actor: 'manual' });
      const create = await call('connections.create', { kind: 'supabase', name: 'sb', config: { url: 'https://svc:key@x.supabase.co' }, secrets: { serviceRoleKey: 'k' } });
      expect(create).toMatchObject({ ok: false, error: { code: 'invalid-input', message: expect.stringContaining('leave the password out of the URL') as unknown } });
      expect(await call('connections.list', {})).toEqual({ ok: true, result: [] });
      expect(await call('connections.create', { kind: 'supabase', name: 'sb', config: { url: base }, secrets: { serviceRoleKey: 'k' } })).toMatchObject({ ok: true });
      expect(await call('connections.update', { id: 1, config: { url: `${base}/?apikey=k` } })).toMatchObject({ ok: false, error: { code: 'invalid-input' } });
      expect(await call('connections.list', {})).toMatchObject({ ok: true, result: [{ config: { url: base } }] });
    });
  });
});
