import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { DropboxConnector } from '../../core/connectors/dropbox';
import { faultOf } from '../../core/connectors/shared/fault';
import { InMemoryTokenStore } from '../../core/connectors/shared/oauth-tokens';
import { dropboxFaults, loadDropboxSeed, startDropboxEmulator, type DropboxEmulator } from '../emulators/dropbox/dropbox.emulator';
import { ANY_ROUTE, foreignFault, type ForeignAnswer } from '../emulators/shared/faults';
import { connectorFailure } from '../helpers/connector-failure';

/**
 * Only Dropbox's own 409 `path/not_found` (or `path_lookup/not_found`) proves
 * absence (DESIGN §4.1); whose fault a token error is (§4.2). The real dropbox
 * SDK (10.34) against the emulator.
 */
let emulator: DropboxEmulator;
const FOREIGN: ForeignAnswer[] = ['html', 'empty', 'json'];

beforeAll(async () => {
  const seed = loadDropboxSeed();
  seed.accounts.push({ accountId: 'dbid:AAzoe', email: 'zoe@example.test', displayName: 'Zoe Example', refreshTokens: ['rt-zoe'], entries: [{ path: '/here.txt' }] });
  emulator = await startDropboxEmulator(seed);
});
afterAll(() => emulator.close());
afterEach(() => {
  emulator.clearFaults();
  emulator.resetCounts();
});

function connector(appSecret = emulator.appSecret) {
  const tokens = new InMemoryTokenStore({ accessToken: null, refreshToken: 'rt-zoe', expiresAt: null });
  return new DropboxConnector({ appKey: emulator.appKey, appSecret, baseUrl: emulator.url, tokens, maxAttempts: 1, initialDelayMs: 1, maxDelayMs: 10 });
}

describe('Dropbox: only its own not-found body is not-found', () => {
  for (const kind of FOREIGN) {
    for (const status of [404, 409]) {
      it(`get_metadata answered by a ${kind} ${status} is unavailable (foreign-answer)`, async () => {
        emulator.fault('dropbox.files.get_metadata', foreignFault(kind, status));
        const error = await connectorFailure(connector().getMetadata('/here.txt'));
        expect(error).toMatchObject({ kind: 'unavailable', status, reason: 'foreign-answer' });
      });
    }

    it(`a ${kind} 404 on ANY route, the token route included, never reads as not-found or as anyone's fault`, async () => {
      emulator.fault(ANY_ROUTE, foreignFault(kind));
      const error = await connectorFailure(connector().getMetadata('/here.txt'));
      expect(error.kind).toBe('unavailable');
      expect(faultOf(error)).toBe('none');
    });
  }

  it('a 409 route error of another kind (malformed_path) is not not-found', async () => {
    emulator.fault('dropbox.files.get_metadata', { status: 409, body: { error_summary: 'path/malformed_path/..', error: { '.tag': 'path', path: { '.tag': 'malformed_path' } } } });
    expect((await connectorFailure(connector().getMetadata('/here.txt'))).kind).toBe('invalid-request');
  });

  it('tags that say not_found with an error_summary that does not agree are not trusted', async () => {
    emulator.fault('dropbox.files.get_metadata', { status: 409, body: { error_summary: 'other/..', error: { '.tag': 'path', path: { '.tag': 'not_found' } } } });
    expect((await connectorFailure(connector().getMetadata('/here.txt'))).kind).toBe('invalid-request');
  });

  it("Dropbox's own path/not_found and path_lookup/not_found are not-found", async () => {
    expect(await connectorFailure(connector().getMetadata('/nowhere.txt'))).toMatchObject({ kind: 'not-found', reason: 'path/not_found' });
    emulator.fault('dropbox.files.get_metadata', { status: 409, body: { error_summary: 'path_lookup/not_found/...', error: { '.tag': 'path_lookup', path_lookup: { '.tag': 'not_found' } } } });
    expect(await connectorFailure(connector().getMetadata('/here.txt'))).toMatchObject({ kind: 'not-found', reason: 'path_lookup/not_found' });
  });
});

describe('Dropbox token route: whose fault', () => {
  it('invalid_client (folded into `error`, api-facts-2 §13) is misconfigured: the connection’s', async () => {
    emulator.fault('dropbox.oauth2.token', dropboxFaults.invalidClient(1));
    const error = await connectorFailure(connector().getMetadata('/here.txt'));
    expect(error).toMatchObject({ kind: 'misconfigured', reason: 'invalid_client' });
    expect(faultOf(error)).toBe('connection');
  });

  it('a rotated app secret makes the old one invalid_client, never a user’s revoked grant', async () => {
    const old = emulator.appSecret;
    emulator.rotateAppSecret('new-secret');
    try {
      const error = await connectorFailure(connector(old).getMetadata('/here.txt'));
      expect(error.kind).toBe('misconfigured');
      expect(await connector('new-secret').getMetadata('/here.txt')).toMatchObject({ tag: 'file' });
    } finally {
      emulator.rotateAppSecret(old);
    }
  });

  it('only invalid_grant is the user’s', async () => {
    emulator.fault('dropbox.oauth2.token', { status: 400, body: { error: 'invalid_grant', error_description: 'refresh token is invalid or revoked' }, times: 1 });
    const error = await connectorFailure(connector().getMetadata('/here.txt'));
    expect(error).toMatchObject({ kind: 'token-revoked' });
    expect(faultOf(error)).toBe('user');
  });
});
