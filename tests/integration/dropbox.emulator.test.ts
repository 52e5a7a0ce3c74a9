import { Dropbox, DropboxResponseError } from 'dropbox';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadDropboxSeed, startDropboxEmulator, type DropboxEmulator } from '../emulators/dropbox/dropbox.emulator';

// Emulator fidelity: what the SDK sends unmodified, and the edges of the API shapes (api-facts §5, §9).
const ALICE = 'dbid:AAAlice0000000000000000000000000000';
let emulator: DropboxEmulator;

beforeAll(async () => {
  emulator = await startDropboxEmulator(loadDropboxSeed());
});
afterAll(() => emulator.close());

async function post(path: string, init: { body?: string; headers?: Record<string, string> } = {}) {
  const response = await fetch(`${emulator.url}${path}`, { method: 'POST', ...init });
  const text = await response.text();
  const type = response.headers.get('content-type') ?? '';
  return { status: response.status, body: (type.includes('json') ? JSON.parse(text) : text) as unknown };
}

async function tokenFor(refreshToken: string): Promise<string> {
  const form = new URLSearchParams({ grant_type: 'refresh_token', refresh_token: refreshToken, client_id: emulator.appKey, client_secret: emulator.appSecret });
  const { body } = await post('/oauth2/token', { body: form.toString(), headers: { 'Content-Type': 'application/x-www-form-urlencoded' } });
  return (body as { access_token: string }).access_token;
}

const rpc = (route: string, token: string, args?: unknown) =>
  post(`/2/${route}`, { headers: { Authorization: `Bearer ${token}`, ...(args === undefined ? {} : { 'Content-Type': 'application/json' }) }, ...(args === undefined ? {} : { body: JSON.stringify(args) }) });

describe('dropbox emulator', () => {
  it('serves the unmodified SDK: its query-string token refresh, then an RPC call', async () => {
    // Exactly the override api-facts §0.1 documents, without our connector's changes.
    const dbx = new Dropbox({
      clientId: emulator.appKey,
      clientSecret: emulator.appSecret,
      refreshToken: 'rt-alice-0001',
      fetch: (url: string, init?: RequestInit) => fetch(url.replace(/^https:\/\/[^/]+/, emulator.url), init),
    });
    const account = await dbx.usersGetCurrentAccount();
    expect(account.result).toMatchObject({ account_id: ALICE, email: 'alice@example.test' });
    const error = await dbx.filesGetMetadata({ path: '/missing' }).then(() => undefined, (e: unknown) => e);
    expect(error).toBeInstanceOf(DropboxResponseError);
    expect((error as DropboxResponseError<unknown>).error).toEqual({ error_summary: 'path/not_found/..', error: { '.tag': 'path', path: { '.tag': 'not_found' } } });
  });

  it('answers token errors OAuth-style: invalid_grant, and invalid_client as 400 (params) or 401 (Basic)', async () => {
    emulator.revokeRefreshToken('rt-bob-0001');
    const revoked = await post(`/oauth2/token?grant_type=refresh_token&refresh_token=rt-bob-0001&client_id=${emulator.appKey}&client_secret=${emulator.appSecret}`);
    expect(revoked).toEqual({ status: 400, body: { error: 'invalid_grant', error_description: 'refresh token is invalid or revoked' } });
    const badParams = await post(`/oauth2/token?grant_type=refresh_token&refresh_token=rt-alice-0001&client_id=${emulator.appKey}&client_secret=nope`);
    expect(badParams).toMatchObject({ status: 400, body: { error: 'invalid_client' } });
    const basic = Buffer.from(`${emulator.appKey}:nope`).toString('base64');
    const badBasic = await post('/oauth2/token?grant_type=refresh_token&refresh_token=rt-alice-0001', { headers: { Authorization: `Basic ${basic}` } });
    expect(badBasic).toMatchObject({ status: 401, body: { error: 'invalid_client' } });
  });

  it('tells an expired access token from an unknown one', async () => {
    const token = await tokenFor('rt-alice-0001');
    expect((await rpc('users/get_current_account', token)).status).toBe(200);
    emulator.expireAccessTokens({ token });
    expect(await rpc('users/get_current_account', token)).toEqual({ status: 401, body: { error_summary: 'expired_access_token/..', error: { '.tag': 'expired_access_token' } } });
    expect(await rpc('users/get_current_account', 'sl.unknown')).toMatchObject({ status: 401, body: { error: { '.tag': 'invalid_access_token' } } });
  });

  it('rejects inputs the real API rejects: limit above 2000, "/" for the root, a garbage cursor', async () => {
    const token = await tokenFor('rt-alice-0001');
    expect(await rpc('files/list_folder', token, { path: '', limit: 2001 })).toMatchObject({ status: 400 });
    expect(await rpc('files/list_folder', token, { path: '/' })).toMatchObject({ status: 400 });
    expect(await rpc('files/list_folder/continue', token, { cursor: 'not-a-cursor' })).toMatchObject({ status: 400 });
    expect(await rpc('files/list_folder', token, { path: '/Notes.txt' })).toMatchObject({ status: 409, body: { error: { path: { '.tag': 'not_folder' } } } });
  });

  it('reports a deleted folder once in the delta, and as a tombstone with include_deleted', async () => {
    const token = await tokenFor('rt-alice-0001');
    const { body: start } = await rpc('files/list_folder/get_latest_cursor', token, { path: '', recursive: true });
    expect(emulator.deletePath(ALICE, '/Apps/Syncwarden/Invoices')).toBe(true);
    const { body: delta } = await rpc('files/list_folder/continue', token, { cursor: (start as { cursor: string }).cursor });
    expect(delta).toMatchObject({ has_more: false, entries: [{ '.tag': 'deleted', path_lower: '/apps/syncwarden/invoices' }] });
    const { body: full } = await rpc('files/list_folder', token, { path: '/Apps/Syncwarden', include_deleted: true });
    const tags = (full as { entries: { '.tag': string; path_lower: string }[] }).entries.map((e) => `${e['.tag']} ${e.path_lower}`);
    expect(tags).toEqual(['file /apps/syncwarden/avatar.png', 'deleted /apps/syncwarden/invoices']);
  });
});
