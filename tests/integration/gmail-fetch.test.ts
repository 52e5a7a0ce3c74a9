import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodePathValue, gmailGet, gmailUrl } from '../../core/connectors/google/gmail-fetch';
import { type GoogleClientOptions } from '../../core/connectors/google/google-caller';
import { mapGoogleError } from '../../core/connectors/google/google-errors';
import { gmail, OAuth2 } from '../../core/connectors/google/googleapis-lite';
import { ConnectorError } from '../../core/connectors/shared/connector-error';
import { startCannedServer, type CannedAnswer, type CannedServer } from '../helpers/canned-server';
import { freePort } from '../helpers/ports';

/**
 * messages.get goes through plain fetch (gmail-fetch.ts) instead of
 * googleapis. Pinned here: for the same answers, googleapis and the fetch
 * path send the same request (path, query, token) and end in the same value
 * or the same mapped error (kind, status, reason, message, Retry-After).
 */
const answers: Record<string, CannedAnswer> = {
  ok: { status: 200, body: JSON.stringify({ id: 'ok', threadId: 't', labelIds: ['INBOX'], snippet: 's', historyId: '9', internalDate: '17', payload: { headers: [{ name: 'Subject', value: 'Hé' }] } }) },
  gone: { status: 404, body: JSON.stringify({ error: { code: 404, message: 'Requested entity was not found.', errors: [{ reason: 'notFound' }], status: 'NOT_FOUND' } }) },
  gatewayGone: { status: 404, body: '<html><title>Not Found</title></html>', headers: { 'content-type': 'text/html' } },
  limited: { status: 429, body: JSON.stringify({ error: { code: 429, message: 'slow down', errors: [{ reason: 'rateLimitExceeded' }] } }), headers: { 'retry-after': '7' } },
  userLimited: { status: 403, body: JSON.stringify({ error: { code: 403, message: 'user rate', errors: [{ reason: 'userRateLimitExceeded' }] } }) },
  denied: { status: 401, body: JSON.stringify({ error: { code: 401, message: 'Invalid Credentials', errors: [{ reason: 'authError' }] } }) },
  broken: { status: 503, body: '' },
  badRequest: { status: 400, body: JSON.stringify({ error: { code: 400, message: 'Invalid id', errors: [{ reason: 'invalidArgument', location: 'id' }] } }) },
  foreign200: { status: 200, body: '<html>captive portal</html>', headers: { 'content-type': 'text/html' } },
  empty200: { status: 200, body: '' },
  slow: { status: 200, body: '{}', delayMs: 500 },
};

let server: CannedServer;
let root: string;

beforeAll(async () => {
  server = await startCannedServer((req) => answers[decodeURIComponent((req.url ?? '').split('?')[0]?.split('/').pop() ?? '')] ?? answers.ok!, { 'content-type': 'application/json' });
  root = `${server.origin}/some/ignored/path/`;
});
afterAll(() => server.close());

function clientOptions(timeout = 2_000): GoogleClientOptions {
  const auth = new OAuth2({ clientId: 'c', clientSecret: 's' });
  auth.setCredentials({ access_token: 'ya29.token' });
  return { auth, rootUrl: root, retry: false, timeout };
}

/** The outcome as the connector sees it: the value, or the mapped error's fields. */
async function outcome(call: () => Promise<unknown>): Promise<unknown> {
  try {
    return { value: await call() };
  } catch (error) {
    const mapped = mapGoogleError(error, 'gmail');
    if (!(mapped instanceof ConnectorError)) return { unmapped: (error as { code?: unknown }).code };
    return { kind: mapped.kind, status: mapped.status, reason: mapped.reason, message: mapped.message, retryAfterMs: mapped.retryAfterMs };
  }
}

const headers = ['Subject', 'From', 'Message-ID', 'X odd/header'];

async function both(id: string, options = clientOptions(), signal: AbortSignal = new AbortController().signal) {
  server.seen.length = 0;
  const viaSdk = await outcome(async () => (await gmail({ version: 'v1', ...options }).users.messages.get({ userId: 'me', id, format: 'metadata', metadataHeaders: headers }, { signal })).data);
  const viaFetch = await outcome(() => gmailGet(options, gmailUrl(options, `/gmail/v1/users/me/messages/${encodePathValue(id)}`, { format: 'metadata', metadataHeaders: headers }), signal));
  return { viaSdk, viaFetch, requests: server.seen.map((r) => ({ url: r.url, authorization: r.headers.authorization })) };
}

describe('Gmail messages.get through plain fetch, against googleapis', () => {
  it.each(Object.keys(answers).filter((k) => k !== 'slow'))('answer %s: same request, same outcome', async (id) => {
    const { viaSdk, viaFetch, requests } = await both(id);
    expect(viaFetch).toEqual(viaSdk);
    expect(requests).toHaveLength(2);
    expect(requests[1]).toEqual(requests[0]);
    expect(requests[0]?.authorization).toBe('Bearer ya29.token');
  });

  it('encodes odd ids in the path as googleapis does', async () => {
    for (const id of ["a b/c?d#e%f+g!h'(i)*", 'émoji😀', '']) {
      const { requests } = await both(id);
      expect(requests[1]?.url).toBe(requests[0]?.url);
    }
  });

  it('a timeout is the same no-response failure', async () => {
    const { viaSdk, viaFetch } = await both('slow', clientOptions(100));
    expect(viaSdk).toMatchObject({ kind: 'unavailable' });
    expect(viaFetch).toEqual(viaSdk);
  });

  it("the caller's abort stays an abort, never mapped to a failure", async () => {
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 50);
    const { viaSdk, viaFetch } = await both('slow', clientOptions(), controller.signal);
    expect(viaSdk).toEqual({ unmapped: 'AbortError' });
    expect(viaFetch).toEqual(viaSdk);
  });

  it('a refused connection is the same network failure', async () => {
    // A port just freed (not one of fetch's blocked ports, such as 9, which it refuses before connecting).
    const port = await freePort();
    const options = { ...clientOptions(), rootUrl: `http://127.0.0.1:${port}/` };
    const { viaSdk, viaFetch } = await both('ok', options);
    expect(viaSdk).toMatchObject({ kind: 'unavailable' });
    expect(viaFetch).toEqual(viaSdk);
  });
});
