import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { DriveConnector, GmailConnector } from '../../core/connectors/google';
import { CursorRejectedError } from '../../core/connectors/google/google-errors';
import { faultOf } from '../../core/connectors/shared/fault';
import { googleTokenFaults, startGoogleEmulator, type GoogleEmulator } from '../emulators/google';
import { account, collect, connectTo, refreshOnlyTokens, seedWith } from '../emulators/google/test-support';
import { ANY_ROUTE, foreignFault, type ForeignAnswer } from '../emulators/shared/faults';
import { connectorFailure } from '../helpers/connector-failure';

/**
 * Only Google's own answer proves absence (DESIGN §4.1): a 404 whose body is
 * not the API envelope with reason notFound — a gateway's HTML page, an empty
 * body, another JSON — is unknown, on any route, the token endpoint included.
 * Real googleapis and google-auth-library against the emulator.
 */
let emulator: GoogleEmulator;
const FOREIGN: ForeignAnswer[] = ['html', 'empty', 'json'];

beforeAll(async () => {
  emulator = await startGoogleEmulator(
    seedWith(
      account('ada', {
        files: [
          { id: 'mine', name: 'mine.pdf' },
          { id: 'team-doc', name: 'team.pdf', driveId: 'shared-drive-1', parents: ['shared-drive-1'] },
        ],
        mailbox: { historyId: 100, messages: [{ id: 'm1', internalDate: Date.now(), headers: { Subject: 's' } }] },
      }),
    ),
  );
});
afterAll(() => emulator.close());
afterEach(() => {
  emulator.clearFaults();
  emulator.resetCounts();
});

const tokens = () => ({ accessToken: emulator.issueAccessToken('ada'), refreshToken: '1//refresh-ada', expiresAt: Date.now() + 3_600_000 });
const drive = () => new DriveConnector(connectTo(emulator, tokens(), { policy: { maxAttempts: 1 } }).options);

describe('Drive: a foreign 404 is never not-found', () => {
  for (const kind of FOREIGN) {
    it(`files.get answered by a ${kind} 404 is unavailable (foreign-answer)`, async () => {
      emulator.fault('drive.files.get', foreignFault(kind));
      const error = await connectorFailure(drive().getFile('mine'));
      expect(error).toMatchObject({ kind: 'unavailable', status: 404, reason: 'foreign-answer' });
    });

    it(`a ${kind} 404 on ANY route (files.list, changes, startPageToken) never reads as not-found`, async () => {
      emulator.fault(ANY_ROUTE, foreignFault(kind));
      const d = drive();
      for (const failure of [connectorFailure(collect(d.listFiles())), connectorFailure(d.getStartPageToken()), connectorFailure(collect(d.listChanges('1')))]) {
        const error = await failure;
        expect(error.kind).toBe('unavailable');
        expect(error).not.toBeInstanceOf(CursorRejectedError);
      }
    });
  }

  it('a 404 in the envelope shape but with another reason is not proof of absence', async () => {
    emulator.fault('drive.files.get', { status: 404, body: { error: { code: 404, message: 'Not Found', errors: [{ reason: 'unknownRoute', domain: 'global', message: 'x' }] } } });
    expect(await connectorFailure(drive().getFile('mine'))).toMatchObject({ kind: 'unavailable', reason: 'unknownRoute' });
  });

  it("only Drive's own 404 notFound envelope is not-found", async () => {
    expect(await connectorFailure(drive().getFile('never-existed'))).toMatchObject({ kind: 'not-found', status: 404, reason: 'notFound' });
  });

  it('a 500 answered as an HTML page (Google front end) stays unavailable', async () => {
    emulator.fault('drive.files.get', foreignFault('html', 502));
    expect(await connectorFailure(drive().getFile('mine'))).toMatchObject({ kind: 'unavailable', status: 502 });
  });
});

describe('Gmail: a foreign 404 on history is not an expired cursor, nor a deleted message', () => {
  const gmail = () => new GmailConnector(connectTo(emulator, tokens(), { policy: { maxAttempts: 1 } }).options);
  for (const kind of FOREIGN) {
    it(`${kind} 404`, async () => {
      emulator.fault(ANY_ROUTE, foreignFault(kind));
      const history = await connectorFailure(collect(gmail().listHistory('100')));
      expect(history).not.toBeInstanceOf(CursorRejectedError);
      expect(history.kind).toBe('unavailable');
      expect((await connectorFailure(gmail().getMessageMetadata('m1'))).kind).toBe('unavailable');
    });
  }
});

describe('the token endpoint: whose fault', () => {
  const refreshing = (extra = {}) => new DriveConnector(connectTo(emulator, refreshOnlyTokens('ada'), { policy: { maxAttempts: 1 }, ...extra }).options);

  for (const kind of FOREIGN) {
    it(`a ${kind} 404 from the token endpoint is unavailable: neither a revoked grant nor a bad client`, async () => {
      emulator.fault('oauth.token', foreignFault(kind));
      const error = await connectorFailure(refreshing().getFile('mine'));
      expect(error).toMatchObject({ kind: 'unavailable', status: 404 });
      expect(faultOf(error)).toBe('none');
    });
  }

  it('a wrong client secret (401 invalid_client) is misconfigured: the connection’s fault', async () => {
    const error = await connectorFailure(refreshing({ clientSecret: 'not-the-secret' }).getFile('mine'));
    expect(error).toMatchObject({ kind: 'misconfigured', status: 401, reason: 'invalid_client' });
    expect(faultOf(error)).toBe('connection');
  });

  it('unauthorized_client and a scripted invalid_client are misconfigured too', async () => {
    emulator.fault('oauth.token', googleTokenFaults.unauthorizedClient(1));
    expect(await connectorFailure(refreshing().getFile('mine'))).toMatchObject({ kind: 'misconfigured', reason: 'unauthorized_client' });
    emulator.fault('oauth.token', googleTokenFaults.invalidClient('The OAuth client was not found.', 1));
    expect(await connectorFailure(refreshing().getFile('mine'))).toMatchObject({ kind: 'misconfigured', reason: 'invalid_client' });
  });

  it('only invalid_grant is the user’s (token-revoked)', async () => {
    emulator.fault('oauth.token', googleTokenFaults.invalidGrant(1));
    const error = await connectorFailure(refreshing().getFile('mine'));
    expect(error).toMatchObject({ kind: 'token-revoked', reason: 'invalid_grant' });
    expect(faultOf(error)).toBe('user');
  });
});

describe('shared drives: found with supportsAllDrives, invisible without', () => {
  it('files.get finds a shared-drive file; the same call without the parameter is a 404 notFound', async () => {
    expect(await drive().getFile('team-doc')).toMatchObject({ state: 'found', file: { id: 'team-doc' } });
    const raw = await fetch(`${emulator.url}/drive/v3/files/team-doc`, { headers: { Authorization: `Bearer ${tokens().accessToken}` } });
    expect(raw.status).toBe(404);
    expect(((await raw.json()) as { error: { errors: { reason: string }[] } }).error.errors[0]?.reason).toBe('notFound');
  });

  it('files.list includes it only with supportsAllDrives + includeItemsFromAllDrives + corpora=allDrives', async () => {
    const ids = (await collect(drive().listFiles())).flatMap((p) => p.files.map((f) => f.id));
    expect(ids.sort()).toEqual(['mine', 'team-doc']);
    const bare = await fetch(`${emulator.url}/drive/v3/files?pageSize=1000`, { headers: { Authorization: `Bearer ${tokens().accessToken}` } });
    expect(((await bare.json()) as { files: { id: string }[] }).files.map((f) => f.id)).toEqual(['mine']);
  });

  it('changes.list reports a shared-drive file’s deletion only to a caller that supports shared drives', async () => {
    const start = await drive().getStartPageToken();
    emulator.addFile('ada', { id: 'team-2', name: 'team2.pdf', driveId: 'shared-drive-1' });
    emulator.deleteFile('ada', 'team-2');
    const changes = (await collect(drive().listChanges(start))).flatMap((p) => p.changes);
    expect(changes).toEqual([expect.objectContaining({ fileId: 'team-2', removed: true })]);
    const bare = await fetch(`${emulator.url}/drive/v3/changes?pageToken=${start}`, { headers: { Authorization: `Bearer ${tokens().accessToken}` } });
    expect(((await bare.json()) as { changes: unknown[] }).changes).toEqual([]);
  });

  it('a listing Drive marks incompleteSearch is refused, never taken as complete', async () => {
    emulator.fault('drive.files.list', { status: 200, body: { kind: 'drive#fileList', incompleteSearch: true, files: [] } });
    expect(await connectorFailure(collect(drive().listFiles()))).toMatchObject({ kind: 'unavailable', reason: 'incompleteSearch' });
  });
});
