import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { DriveConnector } from '../../core/connectors/google';
import { loadGoogleSeed, startGoogleEmulator, type GoogleEmulator } from '../emulators/google';
import { account, collect, connectTo, manyFiles, rateLimitBody, refreshOnlyTokens, seedWith, totalCount } from '../emulators/google/test-support';

/** googleapis Drive v3 against the Google emulator over HTTP. */
let emulator: GoogleEmulator;

beforeAll(async () => {
  emulator = await startGoogleEmulator(
    seedWith(
      account('big', { files: manyFiles(2500, 'folder-big') }),
      account('alice', {
        files: [
          { id: 'kept', name: 'kept.pdf', parents: ['folder-a'] },
          { id: 'binned', name: 'binned.pdf', parents: ['folder-a'], trashed: true },
          { id: 'gone-later', name: 'gone.pdf', parents: ['folder-a'] },
        ],
      }),
      account('bob', { files: [{ id: 'bob-file', name: 'bob.txt' }] }),
      account('revoked'),
    ),
  );
});
afterAll(() => emulator.close());
afterEach(() => {
  emulator.clearFaults();
  emulator.resetCounts();
});

/** A stored, valid access token for alice (freshly issued, so an earlier test's expiry does not leak in). */
const aliceTokens = () => ({ accessToken: emulator.issueAccessToken('alice'), refreshToken: '1//refresh-alice', expiresAt: Date.now() + 3_600_000 });

describe('Drive connector (googleapis against the emulator)', () => {
  it('lists 2,500 files in exactly 3 files.list calls of up to 1000, counting every request once', async () => {
    const conn = connectTo(emulator, refreshOnlyTokens('big'));
    const drive = new DriveConnector(conn.options);
    const pages = await collect(drive.listFiles({ folderId: 'folder-big' }));
    expect(pages.map((p) => p.files.length)).toEqual([1000, 1000, 500]);
    expect(new Set(pages.flatMap((p) => p.files.map((f) => f.id))).size).toBe(2500);
    expect(pages[0]?.files[0]).toMatchObject({ id: 'file-0', mimeType: 'application/pdf', trashed: false, parents: ['folder-big'], size: 1000 });
    expect(emulator.count('drive.files.list')).toBe(3);
    expect(emulator.count('oauth.token')).toBe(1);
    expect(conn.requests).toBe(totalCount(emulator));
  });

  it('listFileIds pages like listFiles but brings only each file\'s id and trashed flag (what a diff uses)', async () => {
    const conn = connectTo(emulator, refreshOnlyTokens('big'));
    const drive = new DriveConnector(conn.options);
    const pages = await collect(drive.listFileIds({ folderId: 'folder-big' }));
    expect(pages.map((p) => p.files.length)).toEqual([1000, 1000, 500]);
    expect(new Set(pages.flatMap((p) => p.files.map((f) => f.id))).size).toBe(2500);
    // The emulator honours the field mask as Drive does: nothing else comes back.
    expect(Object.keys(pages[0]?.files[0] ?? {}).sort()).toEqual(['id', 'trashed']);
    expect(emulator.count('drive.files.list')).toBe(3);

    const alice = new DriveConnector(connectTo(emulator, aliceTokens()).options);
    const files = (await collect(alice.listFileIds())).flatMap((p) => p.files);
    expect(files.find((f) => f.id === 'binned')?.trashed).toBe(true);
    expect(files.find((f) => f.id === 'kept')?.trashed).toBe(false);
  });

  it('refreshes a missing access token and writes the new token back to the store', async () => {
    const conn = connectTo(emulator, refreshOnlyTokens('bob'));
    const drive = new DriveConnector(conn.options);
    await drive.getFile('bob-file');
    const saved = await conn.tokens.load();
    expect(conn.tokens.saves).toBe(1);
    expect(saved.accessToken).toMatch(/^ya29\.emu-bob-/);
    expect(saved.refreshToken).toBe('1//refresh-bob');
    expect(saved.expiresAt).toBeGreaterThan(Date.now() + 3_500_000);
    await drive.getFile('bob-file');
    expect(emulator.count('oauth.token')).toBe(1);
  });

  it('refreshes before sending when the stored token has expired, without a wasted 401', async () => {
    const conn = connectTo(emulator, { accessToken: 'ya29.old', refreshToken: '1//refresh-bob', expiresAt: Date.now() - 1000 });
    await new DriveConnector(conn.options).getFile('bob-file');
    expect(emulator.counts()).toEqual({ 'oauth.token': 1, 'drive.files.get': 1 });
    expect(conn.tokens.saves).toBe(1);
  });

  it('refreshes once on a 401 and repeats the call once', async () => {
    const conn = connectTo(emulator, aliceTokens());
    const drive = new DriveConnector(conn.options);
    await drive.getFile('kept');
    emulator.expireAccessTokens('alice');
    const lookup = await drive.getFile('kept');
    expect(lookup.state).toBe('found');
    expect(emulator.counts()).toEqual({ 'drive.files.get': 3, 'oauth.token': 1 });
    expect(conn.tokens.saves).toBe(1);
  });

  it('reports a 401 that survives the refresh as unauthorized, never as not-found', async () => {
    const conn = connectTo(emulator, aliceTokens());
    emulator.fault('drive.files.get', { status: 401, body: { error: { code: 401, message: 'Invalid Credentials', errors: [{ reason: 'authError', domain: 'global' }] } } });
    await expect(new DriveConnector(conn.options).getFile('kept')).rejects.toMatchObject({ kind: 'unauthorized', status: 401, reason: 'authError' });
    expect(emulator.counts()).toEqual({ 'drive.files.get': 2, 'oauth.token': 1 });
  });

  it('tells found, trashed and not-found apart (404 notFound with the service message)', async () => {
    const drive = new DriveConnector(connectTo(emulator, aliceTokens()).options);
    expect(await drive.getFile('kept')).toMatchObject({ state: 'found', file: { id: 'kept', trashed: false } });
    expect(await drive.getFile('binned')).toMatchObject({ state: 'trashed', file: { id: 'binned', trashed: true } });
    await expect(drive.getFile('no-such-file')).rejects.toMatchObject({ kind: 'not-found', status: 404, reason: 'notFound', message: 'File not found: no-such-file.' });
    expect(emulator.count('drive.files.get')).toBe(3);
  });

  it("keeps each user's files apart: another account's token gets a 404", async () => {
    const drive = new DriveConnector(connectTo(emulator, refreshOnlyTokens('bob')).options);
    await expect(drive.getFile('kept')).rejects.toMatchObject({ kind: 'not-found' });
  });

  it('lists a folder without trashed files when asked, and with them by default', async () => {
    const drive = new DriveConnector(connectTo(emulator, aliceTokens()).options);
    const all = (await collect(drive.listFiles({ folderId: 'folder-a' }))).flatMap((p) => p.files);
    const live = (await collect(drive.listFiles({ folderId: 'folder-a', includeTrashed: false }))).flatMap((p) => p.files);
    expect(all.map((f) => [f.id, f.trashed])).toEqual([['kept', false], ['binned', true], ['gone-later', false]]);
    expect(live.map((f) => f.id)).toEqual(['kept', 'gone-later']);
  });

  it('turns a revoked grant (400 invalid_grant) into token-revoked without retrying', async () => {
    emulator.revokeRefreshToken('1//refresh-revoked');
    const conn = connectTo(emulator, refreshOnlyTokens('revoked'));
    const error = await new DriveConnector(conn.options).getFile('x').catch((e: unknown) => e);
    expect(error).toMatchObject({ kind: 'token-revoked', status: 400, reason: 'invalid_grant' });
    expect((error as Error).message).toContain('Token has been expired or revoked.');
    expect(emulator.counts()).toEqual({ 'oauth.token': 1 });
    expect(conn.tokens.saves).toBe(0);
  });

  it('retries a 503 from the token endpoint through the policy (no hidden library retries), counting both', async () => {
    const conn = connectTo(emulator, refreshOnlyTokens('bob'));
    emulator.fault('oauth.token', { status: 503, body: { error: 'temporarily_unavailable' }, times: 1 });
    await new DriveConnector(conn.options).getFile('bob-file');
    expect(emulator.counts()).toEqual({ 'oauth.token': 2, 'drive.files.get': 1 });
    expect(conn.requests).toBe(3);
  });

  it('rides out a 429 storm on files.list (3 x Retry-After: 1) and counts every retry', async () => {
    const conn = connectTo(emulator, refreshOnlyTokens('big'));
    const drive = new DriveConnector(conn.options);
    emulator.fault('drive.files.list', { status: 429, body: rateLimitBody(), headers: { 'Retry-After': '1' }, times: 3 });
    const started = Date.now();
    const pages = await collect(drive.listFiles({ folderId: 'folder-big' }));
    expect(pages.flatMap((p) => p.files)).toHaveLength(2500);
    expect(Date.now() - started).toBeGreaterThanOrEqual(3000);
    expect(drive.policy.retries).toBe(3);
    expect(emulator.count('drive.files.list')).toBe(6);
    expect(conn.requests).toBe(totalCount(emulator));
  });

  it('treats a 403 userRateLimitExceeded as rate-limited (retried) and any other 403 as forbidden (not retried)', async () => {
    const conn = connectTo(emulator, aliceTokens());
    const drive = new DriveConnector(conn.options);
    emulator.fault('drive.files.get', { status: 403, body: rateLimitBody('userRateLimitExceeded', 403), times: 1 });
    await expect(drive.getFile('kept')).resolves.toMatchObject({ state: 'found' });
    expect(drive.policy.retries).toBe(1);
    emulator.fault('drive.files.get', { status: 403, body: { error: { code: 403, message: 'The user does not have sufficient permissions for this file.', errors: [{ reason: 'insufficientFilePermissions' }] } } });
    await expect(drive.getFile('kept')).rejects.toMatchObject({ kind: 'forbidden', reason: 'insufficientFilePermissions' });
    expect(emulator.count('drive.files.get')).toBe(3);
  });

  it('gives up on a persistent 503 as unavailable after the bounded attempts', async () => {
    const conn = connectTo(emulator, aliceTokens(), { policy: { concurrency: 1, maxAttempts: 3, initialDelayMs: 1, maxDelayMs: 5 } });
    emulator.fault('drive.files.get', { status: 503, body: { error: { code: 503, message: 'Backend Error', errors: [{ reason: 'backendError' }] } } });
    await expect(new DriveConnector(conn.options).getFile('kept')).rejects.toMatchObject({ kind: 'unavailable', status: 503 });
    expect(emulator.count('drive.files.get')).toBe(3);
    expect(conn.requests).toBe(3);
  });

  it('reports a request that times out as unavailable (never as not-found)', async () => {
    const conn = connectTo(emulator, aliceTokens(), { timeoutMs: 150, policy: { concurrency: 1, maxAttempts: 2, initialDelayMs: 1, maxDelayMs: 5 } });
    emulator.fault('drive.files.get', { status: 200, delayMs: 1000 });
    const error = await new DriveConnector(conn.options).getFile('kept').catch((e: unknown) => e);
    expect(error).toMatchObject({ kind: 'unavailable', status: undefined });
    expect(emulator.count('drive.files.get')).toBe(2);
  });

  it('reports a dropped connection as unavailable', async () => {
    const conn = connectTo(emulator, aliceTokens(), { policy: { concurrency: 1, maxAttempts: 2, initialDelayMs: 1, maxDelayMs: 5 } });
    emulator.fault('drive.files.get', { status: 0, drop: true });
    await expect(new DriveConnector(conn.options).getFile('kept')).rejects.toMatchObject({ kind: 'unavailable' });
    expect(emulator.count('drive.files.get')).toBe(2);
  });

  it('testConnection: ok with the account, bad-credentials with the service message, unreachable when refused', async () => {
    expect(await new DriveConnector(connectTo(emulator, refreshOnlyTokens('bob')).options).testConnection()).toEqual({
      ok: true,
      status: 'ok',
      message: 'Google Drive: connected as bob@example.com',
    });
    const badSecret = connectTo(emulator, refreshOnlyTokens('bob'), { clientSecret: 'wrong' });
    expect(await new DriveConnector(badSecret.options).testConnection()).toEqual({ ok: false, status: 'bad-credentials', message: 'invalid_client: Unauthorized' });
    const closed = await startGoogleEmulator(seedWith(account('bob')));
    await closed.close();
    const refused = connectTo(closed, refreshOnlyTokens('bob'));
    expect(await new DriveConnector(refused.options).testConnection()).toMatchObject({ ok: false, status: 'unreachable' });
    expect(refused.requests).toBe(1);
  });

  it('serves the JSON demo fixture: a stored grant lists the folder with its trashed file flagged', async () => {
    const demo = await startGoogleEmulator(loadGoogleSeed(fileURLToPath(new URL('../emulators/google/fixtures/demo.json', import.meta.url))));
    try {
      const tokens = { accessToken: null, refreshToken: '1//demo-refresh-ada', expiresAt: null };
      const drive = new DriveConnector({ ...connectTo(demo, tokens).options, clientId: 'syncwarden-demo.apps.googleusercontent.com', clientSecret: 'demo-secret' });
      const files = (await collect(drive.listFiles({ folderId: 'ada-uploads' }))).flatMap((p) => p.files);
      expect(files.map((f) => [f.name, f.trashed])).toEqual([['contract.pdf', false], ['old-photo.jpg', true]]);
    } finally {
      await demo.close();
    }
  });
});
