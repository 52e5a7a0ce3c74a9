import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { CursorRejectedError, GmailConnector } from '../../core/connectors/google';
import { startGoogleEmulator, type GoogleEmulator } from '../emulators/google';
import type { MessageSeed } from '../emulators/google/fixture';
import { account, collect, connectTo, rateLimitBody, refreshOnlyTokens, seedWith, totalCount } from '../emulators/google/test-support';

/** googleapis Gmail v1 against the Google emulator over HTTP. */
const DAY = 86_400_000;
const JAN_1 = Date.UTC(2024, 0, 1);
const message = (i: number): MessageSeed => ({
  id: `m${i}`,
  internalDate: JAN_1 + i * DAY,
  headers: { Subject: `Invoice ${i}`, From: i % 2 ? 'billing@vendor.test' : 'friend@example.com', To: 'mia@example.com', Date: new Date(JAN_1 + i * DAY).toUTCString() },
  snippet: `snippet ${i}`,
});

let emulator: GoogleEmulator;

beforeAll(async () => {
  emulator = await startGoogleEmulator(
    seedWith(
      account('mia', { refreshTokens: ['1//refresh-mia', '1//refresh-mia-2'], mailbox: { historyId: 5000, messages: Array.from({ length: 1200 }, (_, i) => message(i)) } }),
      account('noah', { mailbox: { historyId: 100, messages: [message(1)] } }),
    ),
  );
});
afterAll(() => emulator.close());
afterEach(() => {
  emulator.clearFaults();
  emulator.resetCounts();
});

describe('Gmail connector (googleapis against the emulator)', () => {
  it('lists 1,200 message ids in 3 pages of up to 500, newest first', async () => {
    const conn = connectTo(emulator, refreshOnlyTokens('mia'));
    const pages = await collect(new GmailConnector(conn.options).listMessages());
    expect(pages.map((p) => p.messages.length)).toEqual([500, 500, 200]);
    expect(pages[0]?.messages[0]).toEqual({ id: 'm1199', threadId: 'm1199' });
    expect(new Set(pages.flatMap((p) => p.messages.map((m) => m.id))).size).toBe(1200);
    expect(emulator.count('gmail.messages.list')).toBe(3);
    expect(conn.requests).toBe(totalCount(emulator));
  });

  it('passes the search query through (after: and from:)', async () => {
    const gmail = new GmailConnector(connectTo(emulator, refreshOnlyTokens('mia')).options);
    const ids = (await collect(gmail.listMessages({ q: 'after:2027/04/01 from:billing' }))).flatMap((p) => p.messages.map((m) => m.id));
    // 2027/04/01 is day 1186 after 2024/01/01; odd days come from billing.
    expect(ids).toEqual(['m1199', 'm1197', 'm1195', 'm1193', 'm1191', 'm1189', 'm1187']);
  });

  it('reads message metadata: requested headers only, dates and history ids as values', async () => {
    const gmail = new GmailConnector(connectTo(emulator, refreshOnlyTokens('mia')).options);
    const meta = await gmail.getMessageMetadata('m7', ['Subject', 'From']);
    expect(meta).toEqual({
      id: 'm7',
      threadId: 'm7',
      labelIds: ['INBOX'],
      snippet: 'snippet 7',
      historyId: '5000',
      internalDate: JAN_1 + 7 * DAY,
      sizeEstimate: 1024,
      headers: { Subject: 'Invoice 7', From: 'billing@vendor.test' },
    });
  });

  it('reports a deleted message as not-found', async () => {
    const gmail = new GmailConnector(connectTo(emulator, refreshOnlyTokens('noah')).options);
    emulator.addMessage('noah', { ...message(50), id: 'short-lived' });
    emulator.deleteMessage('noah', 'short-lived');
    await expect(gmail.getMessageMetadata('short-lived')).rejects.toMatchObject({ kind: 'not-found', status: 404, reason: 'notFound' });
  });

  it('reads new messages from history since the profile historyId, and the next cursor', async () => {
    const gmail = new GmailConnector(connectTo(emulator, refreshOnlyTokens('noah')).options);
    const { historyId: cursor, emailAddress } = await gmail.getProfile();
    expect(emailAddress).toBe('noah@example.com');
    emulator.addMessage('noah', { ...message(60), id: 'new-1' });
    const last = emulator.addMessage('noah', { ...message(61), id: 'new-2' });
    const pages = await collect(gmail.listHistory(cursor));
    expect(pages.flatMap((p) => p.added.map((m) => m.id))).toEqual(['new-1', 'new-2']);
    expect(pages.at(-1)?.historyId).toBe(last);
    expect(pages.at(-1)?.nextPageToken).toBeUndefined();
  });

  it('signals a too-old startHistoryId (404) with CursorRejectedError so the import does a full sync', async () => {
    const gmail = new GmailConnector(connectTo(emulator, refreshOnlyTokens('noah')).options);
    const { historyId: old } = await gmail.getProfile();
    emulator.addMessage('noah', { ...message(70), id: 'after-expiry' });
    emulator.expireHistory('noah');
    const error = await collect(gmail.listHistory(old)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CursorRejectedError);
    expect(error).toMatchObject({ cursor: 'gmail-history', status: 404, reason: 'notFound' });
    expect(emulator.count('gmail.history.list')).toBe(1);
    const { historyId: fresh } = await gmail.getProfile();
    expect(await collect(gmail.listHistory(fresh))).toEqual([{ added: [], deleted: [], labelsRemoved: [], historyId: fresh }]);
  });

  it('retries a 403 userRateLimitExceeded on messages.get and succeeds, with every request counted', async () => {
    const conn = connectTo(emulator, refreshOnlyTokens('mia'));
    const gmail = new GmailConnector(conn.options);
    emulator.fault('gmail.messages.get', { status: 403, body: rateLimitBody('userRateLimitExceeded', 403), times: 2 });
    await expect(gmail.getMessageMetadata('m1')).resolves.toMatchObject({ id: 'm1' });
    expect(gmail.policy.retries).toBe(2);
    expect(emulator.count('gmail.messages.get')).toBe(3);
    expect(conn.requests).toBe(totalCount(emulator));
  });

  it('turns a grant revoked mid-run into token-revoked after the 401', async () => {
    const access = emulator.issueAccessToken('mia');
    const conn = connectTo(emulator, { accessToken: access, refreshToken: '1//refresh-mia-2', expiresAt: Date.now() + 3_600_000 });
    const gmail = new GmailConnector(conn.options);
    await gmail.getProfile();
    emulator.revokeRefreshToken('1//refresh-mia-2');
    emulator.expireAccessTokens('mia');
    await expect(gmail.getProfile()).rejects.toMatchObject({ kind: 'token-revoked', reason: 'invalid_grant' });
    expect(emulator.counts()).toEqual({ 'gmail.profile.get': 2, 'oauth.token': 1 });
  });

  it('testConnection: ok with the address; unknown client is bad-credentials with the service message', async () => {
    expect(await new GmailConnector(connectTo(emulator, refreshOnlyTokens('noah')).options).testConnection()).toEqual({
      ok: true,
      status: 'ok',
      message: 'Gmail: connected as noah@example.com',
    });
    const unknown = connectTo(emulator, refreshOnlyTokens('noah'), { clientId: 'someone-else' });
    expect(await new GmailConnector(unknown.options).testConnection()).toEqual({
      ok: false,
      status: 'bad-credentials',
      message: 'invalid_client: The OAuth client was not found.',
    });
  });
});
