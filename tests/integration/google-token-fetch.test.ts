import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tokenClientOptions } from '../../core/connectors/google/google-auth';
import { mapGoogleError } from '../../core/connectors/google/google-errors';
import { newOAuth2Client } from '../../core/connectors/google/googleapis-lite';
import { ConnectorError } from '../../core/connectors/shared/connector-error';
import { startCannedServer, type CannedAnswer, type CannedServer } from '../helpers/canned-server';
import { freePort } from '../helpers/ports';

/**
 * The token client sends its refresh through Node's fetch (tokenClientOptions)
 * instead of gaxios' default node-fetch. Pinned here: for the same answers of
 * a token endpoint, the two transports send the same request and end in the
 * same token or the same mapped error (kind, status, reason, message,
 * Retry-After): a dead grant stays `token-revoked`, a foreign page stays
 * `unknown`-shaped, never a revoked grant.
 */
const answers: Record<string, CannedAnswer> = {
  ok: { status: 200, body: JSON.stringify({ access_token: 'ya29.new', expires_in: 3599, token_type: 'Bearer', scope: 'https://www.googleapis.com/auth/drive' }) },
  rotated: { status: 200, body: JSON.stringify({ access_token: 'ya29.new', refresh_token: '1//rotated', expires_in: 3599, token_type: 'Bearer' }) },
  invalidGrant: { status: 400, body: JSON.stringify({ error: 'invalid_grant', error_description: 'Token has been expired or revoked.' }) },
  invalidClient: { status: 401, body: JSON.stringify({ error: 'invalid_client', error_description: 'The OAuth client was not found.' }) },
  unauthorizedClient: { status: 400, body: JSON.stringify({ error: 'unauthorized_client', error_description: 'Unauthorized' }) },
  htmlNotFound: { status: 404, body: '<html><title>Not Found</title></html>', headers: { 'content-type': 'text/html' } },
  empty503: { status: 503, body: '' },
  limited: { status: 429, body: JSON.stringify({ error: 'rate_limit_exceeded' }), headers: { 'content-type': 'application/json', 'retry-after': '7' } },
  html200: { status: 200, body: '<html>captive portal</html>', headers: { 'content-type': 'text/html' } },
  empty200: { status: 200, body: '' },
  slow: { status: 200, body: '{}', delayMs: 500 },
};

let server: CannedServer;
beforeAll(async () => {
  server = await startCannedServer((req) => answers[(req.url ?? '').split('/').pop() ?? ''] ?? answers.ok!, { 'content-type': 'application/json' });
});
afterAll(() => server.close());

type Transport = 'node-fetch' | 'fetch';

/** The outcome as GoogleAuth sees it: the credentials, or the error mapped for the token endpoint. */
async function refresh(transport: Transport, tokenUrl: string, timeoutMs = 2_000): Promise<unknown> {
  const options = tokenClientOptions({ clientId: 'c', clientSecret: 's', tokenUrl, timeoutMs });
  const client = newOAuth2Client(transport === 'fetch' ? options : { ...options, transporterOptions: { ...options.transporterOptions, fetchImplementation: undefined } });
  client.setCredentials({ refresh_token: '1//r' });
  let issued: string | null | undefined;
  client.on('tokens', (tokens) => void (issued = tokens.refresh_token));
  try {
    const { credentials } = await client.refreshAccessToken();
    return { value: { accessToken: credentials.access_token, tokenType: credentials.token_type, issued } };
  } catch (error) {
    const mapped = mapGoogleError(error, 'google-drive', 'token');
    if (!(mapped instanceof ConnectorError)) return { unmapped: (error as { code?: unknown }).code };
    return { kind: mapped.kind, status: mapped.status, reason: mapped.reason, message: mapped.message, retryAfterMs: mapped.retryAfterMs };
  }
}

async function both(key: string, timeoutMs?: number) {
  server.seen.length = 0;
  const url = `${server.origin}/token/${key}`;
  const viaNodeFetch = await refresh('node-fetch', url, timeoutMs);
  const viaFetch = await refresh('fetch', url, timeoutMs);
  const requests = server.seen.map((r) => ({ method: r.method, url: r.url, type: r.headers['content-type'] }));
  return { viaNodeFetch, viaFetch, requests };
}

describe('Google token refresh through Node fetch, against gaxios default node-fetch', () => {
  it('the options name Node fetch as the transport', () => {
    expect(tokenClientOptions({ clientId: 'c', clientSecret: 's', timeoutMs: 1 }).transporterOptions?.fetchImplementation).toBe(fetch);
  });

  it.each(Object.keys(answers).filter((k) => k !== 'slow'))('answer %s: same request, same outcome', async (key) => {
    const { viaNodeFetch, viaFetch, requests } = await both(key);
    expect(viaFetch).toEqual(viaNodeFetch);
    expect(requests).toHaveLength(2);
    expect(requests[1]).toEqual(requests[0]);
    expect(requests[0]).toMatchObject({ method: 'POST', url: `/token/${key}` });
  });

  it('a dead grant is token-revoked and a foreign page is not', async () => {
    expect((await both('invalidGrant')).viaFetch).toMatchObject({ kind: 'token-revoked' });
    expect((await both('htmlNotFound')).viaFetch).not.toMatchObject({ kind: 'token-revoked' });
    expect((await both('ok')).viaFetch).toEqual({ value: { accessToken: 'ya29.new', tokenType: 'Bearer', issued: undefined } });
  });

  it('a timeout is the same no-response failure', async () => {
    const { viaNodeFetch, viaFetch } = await both('slow', 100);
    expect(viaNodeFetch).toMatchObject({ kind: 'unavailable' });
    expect(viaFetch).toEqual(viaNodeFetch);
  });

  it('a refused connection is the same network failure, and the message names the socket error either way', async () => {
    const port = await freePort();
    const url = `http://127.0.0.1:${port}/token`;
    const viaNodeFetch = await refresh('node-fetch', url);
    const viaFetch = await refresh('fetch', url);
    const refused = { kind: 'unavailable', status: undefined, reason: undefined, retryAfterMs: undefined, message: expect.stringContaining(`ECONNREFUSED 127.0.0.1:${port}`) };
    expect(viaNodeFetch).toEqual(refused);
    // The wording differs: node-fetch "request to URL failed, reason: connect ECONNREFUSED …", undici "fetch failed (connect ECONNREFUSED …)".
    expect(viaFetch).toEqual({ ...refused, message: `network error: fetch failed (connect ECONNREFUSED 127.0.0.1:${port})` });
  });
});
