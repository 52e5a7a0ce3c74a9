import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DropboxConnector, isCursorReset, type DropboxConnectorOptions, type DropboxPage } from '../../core/connectors/dropbox';
import { InMemoryTokenStore } from '../../core/connectors/shared/oauth-tokens';
import { bulkEntries, dropboxFaults, loadDropboxSeed, startDropboxEmulator, type DropboxEmulator, type DropboxSeed } from '../emulators/dropbox/dropbox.emulator';
import { connectorFailure } from '../helpers/connector-failure';

// The real dropbox SDK (10.34) against the emulator on an ephemeral port; one emulator for this file.
const ALICE = 'dbid:AAAlice0000000000000000000000000000';
const BOB = 'dbid:AABob00000000000000000000000000000000';
const SEEDED_TOKEN = 'sl.seeded-alice-access-token-0000000000';
const account = (name: string, entries: DropboxSeed['accounts'][number]['entries']) => ({
  accountId: `dbid:AA${name}`, email: `${name}@example.test`, displayName: `${name} Example`, refreshTokens: [`rt-${name}`], entries,
});

let emulator: DropboxEmulator;

beforeAll(async () => {
  const seed = loadDropboxSeed();
  const alice = seed.accounts.find((a) => a.accountId === ALICE);
  if (!alice) throw new Error('fixture lost alice');
  alice.accessTokens = [{ token: SEEDED_TOKEN }]; // lets a test start with no token request at all
  seed.accounts.push(
    account('carol', bulkEntries('/Bulk', 45, 3)), // paging: 1 + 3 folders + 45 files
    account('dave', bulkEntries('/Big', 4500)), // page-size floor
    account('eve', [{ path: '/x.txt' }]), // revoked grant
    account('frank', [{ path: '/y.txt' }]), // reset cursors
  );
  emulator = await startDropboxEmulator(seed);
});
afterAll(() => emulator.close());
beforeEach(() => emulator.resetCounts());
afterEach(() => emulator.clearFaults());

/** A connector for one user; `requests` counts what the policy sent. */
function connectorFor(refreshToken: string, options: Partial<DropboxConnectorOptions> & { accessToken?: string } = {}) {
  const tokens = new InMemoryTokenStore({
    accessToken: options.accessToken ?? null,
    refreshToken,
    expiresAt: options.accessToken ? Date.now() + 3_600_000 : null,
  });
  const counter = { requests: 0 };
  const connector = new DropboxConnector({
    appKey: emulator.appKey,
    appSecret: emulator.appSecret,
    baseUrl: emulator.url,
    tokens,
    initialDelayMs: 10,
    maxDelayMs: 2_000,
    onRequest: () => counter.requests++,
    ...options,
  });
  return { connector, tokens, counter };
}

/** Reads a listing to the end (bounded), keeping the generator's return value: the cursor. */
async function drain(listing: AsyncGenerator<DropboxPage, string>, maxPages = 50) {
  const pages: DropboxPage[] = [];
  for (let i = 0; i < maxPages; i++) {
    const next = await listing.next();
    if (next.done) return { pages, entries: pages.flatMap((p) => p.entries), cursor: next.value };
    pages.push(next.value);
  }
  throw new Error(`listing did not end within ${maxPages} pages`);
}

describe('tokens', () => {
  it('a missing access token is refreshed once and written back to the token store', async () => {
    const { connector, tokens } = connectorFor('rt-alice-0001');
    await connector.getMetadata('/Notes.txt');
    await connector.getMetadata('/Notes.txt');
    const stored = await tokens.load();
    expect(stored.accessToken).toMatch(/^sl\./);
    expect(stored.refreshToken).toBe('rt-alice-0001');
    expect(stored.expiresAt).toBeGreaterThan(Date.now() + 3 * 3_600_000);
    expect(tokens.saves).toBe(1);
    expect(emulator.count('dropbox.oauth2.token')).toBe(1);
    expect(emulator.count('dropbox.files.get_metadata')).toBe(2);
  });

  it('an access token expired early is refreshed once and the call retried once', async () => {
    const { connector, tokens } = connectorFor('rt-alice-0001');
    await connector.getMetadata('/Notes.txt');
    const { accessToken } = await tokens.load();
    expect(emulator.expireAccessTokens({ token: accessToken ?? '' })).toBe(1);
    await expect(connector.getMetadata('/Notes.txt')).resolves.toMatchObject({ tag: 'file', pathLower: '/notes.txt' });
    expect((await tokens.load()).accessToken).not.toBe(accessToken);
    expect(emulator.count('dropbox.oauth2.token')).toBe(2);
    expect(emulator.count('dropbox.files.get_metadata')).toBe(3);
  });

  it('a 401 that survives the refresh ends as unauthorized after exactly one retry', async () => {
    const { connector } = connectorFor('rt-alice-0001');
    emulator.fault('dropbox.files.get_metadata', dropboxFaults.expiredAccessToken(2));
    const error = await connectorFailure(connector.getMetadata('/Notes.txt'));
    expect(error).toMatchObject({ kind: 'unauthorized', status: 401, reason: 'expired_access_token' });
    expect(emulator.count('dropbox.files.get_metadata')).toBe(2);
    expect(emulator.count('dropbox.oauth2.token')).toBe(2);
  });

  it('a 401 for a missing scope is unauthorized without a pointless refresh', async () => {
    const { connector } = connectorFor('rt-alice-0001', { accessToken: SEEDED_TOKEN });
    emulator.fault('dropbox.files.get_metadata', {
      status: 401, times: 1,
      body: { error_summary: 'missing_scope/..', error: { '.tag': 'missing_scope', required_scope: 'files.metadata.read' } },
    });
    expect(await connectorFailure(connector.getMetadata('/Notes.txt'))).toMatchObject({ kind: 'unauthorized', reason: 'missing_scope' });
    expect(emulator.count('dropbox.oauth2.token')).toBe(0);
  });

  it('a revoked refresh token is token-revoked, with no retries and no data call', async () => {
    emulator.revokeRefreshToken('rt-eve');
    const { connector, tokens } = connectorFor('rt-eve');
    const error = await connectorFailure(connector.getMetadata('/x.txt'));
    expect(error).toMatchObject({ kind: 'token-revoked', status: 400, reason: 'invalid_grant' });
    expect(error.message).toContain('refresh token is invalid or revoked');
    expect(connector.policy.retries).toBe(0);
    expect(emulator.count('dropbox.oauth2.token')).toBe(1);
    expect(emulator.count('dropbox.files.get_metadata')).toBe(0);
    expect(tokens.saves).toBe(0);
  });
});

describe('listing', () => {
  it('a recursive listing follows continue across pages and returns the delta cursor', async () => {
    const { connector, counter } = connectorFor('rt-carol', { pageSize: 10 });
    const { pages, entries, cursor } = await drain(connector.listFolder({ path: '/Bulk', recursive: true }));
    expect(entries).toHaveLength(49);
    expect(entries.filter((e) => e.tag === 'file')).toHaveLength(45);
    expect(pages.map((p) => p.entries.length)).toEqual([10, 10, 10, 10, 9]);
    expect(pages.at(-1)?.hasMore).toBe(false);
    expect(cursor).toBe(pages.at(-1)?.cursor);
    expect(emulator.count('dropbox.files.list_folder')).toBe(1);
    expect(emulator.count('dropbox.files.list_folder.continue')).toBe(4);
    expect(counter.requests).toBe(emulator.count('dropbox.files.list_folder') + emulator.count('dropbox.files.list_folder.continue') + emulator.count('dropbox.oauth2.token'));
  });

  it('listFileIds gives the file ids of listFolder, page by page, with the same calls and the same cursor (#19)', async () => {
    const { connector } = connectorFor('rt-carol', { pageSize: 10 });
    const full = await drain(connector.listFolder({ path: '/Bulk', recursive: true }));
    const fullCalls = emulator.count('dropbox.files.list_folder') + emulator.count('dropbox.files.list_folder.continue');
    emulator.resetCounts();
    const idPages: string[][] = [];
    const listing = connector.listFileIds({ path: '/Bulk', recursive: true });
    let cursor: string | undefined;
    for (let i = 0; i < 50 && cursor === undefined; i++) {
      const next = await listing.next();
      if (next.done) cursor = next.value;
      else idPages.push(next.value);
    }
    expect(idPages).toEqual(full.pages.map((p) => p.entries.flatMap((e) => (e.tag === 'file' ? [e.id] : []))));
    expect(idPages.flat()).toHaveLength(45);
    expect(cursor).toBe(full.cursor);
    expect(emulator.count('dropbox.files.list_folder') + emulator.count('dropbox.files.list_folder.continue')).toBe(fullCalls);
  });

  it('a full pass costs ceil(entries / 2000) list calls at the maximum page size', async () => {
    const { connector } = connectorFor('rt-dave');
    const { entries } = await drain(connector.listFolder({ path: '', recursive: true }));
    expect(entries).toHaveLength(4502); // /Big, /Big/folder-0, 4,500 files
    expect(emulator.count('dropbox.files.list_folder') + emulator.count('dropbox.files.list_folder.continue')).toBe(Math.ceil(4502 / 2000));
  });

  it('one emulator serves many users: each token sees only its own account', async () => {
    const { connector } = connectorFor('rt-alice-0001');
    const { entries } = await drain(connector.listFolder({ path: '', recursive: true }));
    expect(entries.map((e) => e.pathLower)).toContain('/notes.txt');
    expect(entries.map((e) => e.pathLower)).not.toContain('/bulk');
  });

  it('listChanges after a cursor returns only what changed, a deletion as a deleted entry', async () => {
    const { connector } = connectorFor('rt-bob-0001');
    const { cursor } = await drain(connector.listFolder({ path: '', recursive: true }));
    expect(emulator.deletePath(BOB, '/Apps/Syncwarden/report.xlsx')).toBe(true);
    emulator.putFile(BOB, { path: '/Apps/Syncwarden/new.csv', size: 7 });
    const delta = await drain(connector.listChanges(cursor));
    expect(delta.entries).toEqual([
      { tag: 'deleted', name: 'report.xlsx', pathLower: '/apps/syncwarden/report.xlsx', pathDisplay: '/Apps/Syncwarden/report.xlsx' },
      expect.objectContaining({ tag: 'file', pathLower: '/apps/syncwarden/new.csv', size: 7 }),
    ]);
    expect((await drain(connector.listChanges(delta.cursor))).entries).toEqual([]);
    expect(await connectorFailure(connector.getMetadata('/Apps/Syncwarden/report.xlsx'))).toMatchObject({ kind: 'not-found', reason: 'path/not_found' });
  });

  it('a reset cursor throws CursorResetError, distinct from other failures, so the engine relists', async () => {
    const { connector } = connectorFor('rt-frank');
    const cursor = await connector.getLatestCursor({ path: '', recursive: true });
    emulator.resetCursors('dbid:AAfrank');
    const error = await drain(connector.listChanges(cursor)).then(() => undefined, (e: unknown) => e);
    expect(isCursorReset(error)).toBe(true);
    expect(error).toMatchObject({ kind: 'invalid-request', status: 409, reason: 'reset' });
    expect(emulator.count('dropbox.files.list_folder.continue')).toBe(1);
  });
});

describe('typed outcomes of a busy or broken service', () => {
  it('a storm of three 429s with Retry-After: 1 ends in success, each retry counted and honoured', async () => {
    const { connector, counter } = connectorFor('rt-alice-0001', { accessToken: SEEDED_TOKEN });
    emulator.fault('dropbox.files.list_folder', dropboxFaults.tooManyRequests(1, 3));
    const started = Date.now();
    const { entries } = await drain(connector.listFolder({ path: '' }));
    expect(entries.map((e) => e.pathLower)).toEqual(['/apps', '/notes.txt']);
    expect(Date.now() - started).toBeGreaterThanOrEqual(3_000);
    expect(connector.policy.retries).toBe(3);
    expect(emulator.count('dropbox.files.list_folder')).toBe(4);
    expect(counter.requests).toBe(emulator.count('dropbox.files.list_folder'));
    expect(emulator.count('dropbox.oauth2.token')).toBe(0);
  });

  it('a 429 the policy may not retry is rate-limited, carrying Retry-After in ms', async () => {
    const { connector } = connectorFor('rt-alice-0001', { accessToken: SEEDED_TOKEN, maxAttempts: 1 });
    emulator.fault('dropbox.files.get_metadata', dropboxFaults.tooManyRequests(7, 1));
    expect(await connectorFailure(connector.getMetadata('/Notes.txt'))).toMatchObject({ kind: 'rate-limited', status: 429, retryAfterMs: 7_000 });
  });

  it('a 5xx is unavailable, never not-found', async () => {
    const { connector } = connectorFor('rt-alice-0001', { accessToken: SEEDED_TOKEN, maxAttempts: 2 });
    emulator.fault('dropbox.files.get_metadata', dropboxFaults.serverError(503));
    expect(await connectorFailure(connector.getMetadata('/Notes.txt'))).toMatchObject({ kind: 'unavailable', status: 503 });
    expect(emulator.count('dropbox.files.get_metadata')).toBe(2);
  });

  it('a response slower than the timeout is unavailable (timeout), and each attempt is a request', async () => {
    const { connector } = connectorFor('rt-alice-0001', { accessToken: SEEDED_TOKEN, timeoutMs: 200, maxAttempts: 2 });
    emulator.fault('dropbox.files.get_metadata', { status: 200, body: {}, delayMs: 1_500, times: 2 });
    expect(await connectorFailure(connector.getMetadata('/Notes.txt'))).toMatchObject({ kind: 'unavailable', reason: 'timeout' });
    expect(emulator.count('dropbox.files.get_metadata')).toBe(2);
  });

  it('a dropped connection is unavailable with no status', async () => {
    const { connector } = connectorFor('rt-alice-0001', { accessToken: SEEDED_TOKEN, maxAttempts: 1 });
    emulator.fault('dropbox.files.get_metadata', { status: 0, drop: true, times: 1 });
    const error = await connectorFailure(connector.getMetadata('/Notes.txt'));
    expect(error).toMatchObject({ kind: 'unavailable', status: undefined });
  });

  it('a missing path is not-found (path/not_found) and an existing one is found', async () => {
    const { connector } = connectorFor('rt-alice-0001', { accessToken: SEEDED_TOKEN });
    await expect(connector.getMetadata('/Apps/Syncwarden/avatar.png')).resolves.toMatchObject({ tag: 'file', size: 20480, serverModified: '2024-05-01T10:00:00Z' });
    await expect(connector.getMetadata('/Apps/Syncwarden')).resolves.toMatchObject({ tag: 'folder', pathDisplay: '/Apps/Syncwarden' });
    expect(await connectorFailure(connector.getMetadata('/nope.txt'))).toMatchObject({ kind: 'not-found', status: 409, reason: 'path/not_found' });
    expect(await connectorFailure(drain(connector.listFolder({ path: '/nope' })))).toMatchObject({ kind: 'not-found', reason: 'path/not_found' });
  });
});

describe('testConnection', () => {
  it('answers ok after proving the app secret and the grant', async () => {
    const { connector } = connectorFor('rt-alice-0001');
    await expect(connector.testConnection()).resolves.toEqual({ ok: true, status: 'ok', message: 'Connected to the Dropbox account alice@example.test' });
    expect(emulator.count('dropbox.oauth2.token')).toBe(1);
    expect(emulator.count('dropbox.users.get_current_account')).toBe(1);
  });

  it('a wrong app secret is bad-credentials with Dropbox\'s own message', async () => {
    const { connector } = connectorFor('rt-alice-0001', { appSecret: 'wrong' });
    const check = await connector.testConnection();
    expect(check).toMatchObject({ ok: false, status: 'bad-credentials' });
    expect(check.message).toContain('Invalid client_id or client_secret');
  });

  it('a revoked grant is bad-credentials', async () => {
    const { connector } = connectorFor('rt-eve');
    await expect(connector.testConnection()).resolves.toMatchObject({ ok: false, status: 'bad-credentials' });
  });

  it('a refused connection is unreachable, answered at once without backoff', async () => {
    const closed = await startDropboxEmulator(loadDropboxSeed());
    await closed.close();
    const { connector } = connectorFor('rt-alice-0001', { baseUrl: closed.url });
    const check = await connector.testConnection();
    expect(check).toMatchObject({ ok: false, status: 'unreachable' });
    expect(check.message).toContain('ECONNREFUSED');
    expect(check.message).not.toContain('emu-app-secret');
  });
});
