import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type GoogleClientOptions } from '../../core/connectors/google/google-caller';
import { mapGoogleError } from '../../core/connectors/google/google-errors';
import { newOAuth2Client } from '../../core/connectors/google/googleapis-lite';
import { ConnectorError } from '../../core/connectors/shared/connector-error';
import { startCannedServer, type CannedAnswer, type CannedServer } from './canned-server';
import { freePort } from './ports';

/**
 * One Google call sent through googleapis and through the plain-fetch path
 * (google-fetch.ts) against the same local server: the two must send the same
 * request (path, query, token) and end in the same value or the same mapped
 * error (kind, status, reason, message, Retry-After). Used for every call
 * google-fetch.ts replaces (Gmail messages.get, Drive files.list and
 * changes.list).
 */
/** The answers each call is tried against: its own 200 (`ok`) and ten failures or foreign bodies. */
function answersWith(okBody: string): Record<string, CannedAnswer> {
  return {
    ok: { status: 200, body: okBody },
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
}

/** What a pair test sends: one call through googleapis and the same through the plain path. */
export interface GoogleCallPair {
  /** The service name the errors are mapped for (`gmail`, `google-drive`). */
  service: string;
  /** The API's own 200 body for the call. */
  okBody: string;
  /** Which answer a request asks for: `key` is carried by the request (an id in the path, a page token…). */
  answerKey(url: string): string;
  viaSdk(key: string, options: GoogleClientOptions, signal: AbortSignal): Promise<unknown>;
  viaFetch(key: string, options: GoogleClientOptions, signal: AbortSignal): Promise<unknown>;
}

export interface PairRun {
  viaSdk: unknown;
  viaFetch: unknown;
  requests: { url: string | undefined; authorization: string | undefined }[];
}

/** Defines the shared cases (the ten answers, timeout, abort, refused connection); returns `both` for the call's own cases. */
export function describeGooglePair(title: string, pair: GoogleCallPair): { both(key: string, options?: GoogleClientOptions, signal?: AbortSignal): Promise<PairRun> } {
  const answers = answersWith(pair.okBody);
  let server: CannedServer | undefined;
  let root = '';

  beforeAll(async () => {
    server = await startCannedServer((req) => answers[pair.answerKey(req.url ?? '')] ?? answers.ok!, { 'content-type': 'application/json' });
    root = `${server.origin}/some/ignored/path/`;
  });
  afterAll(() => server?.close());

  const clientOptions = (timeout = 2_000): GoogleClientOptions => {
    const auth = newOAuth2Client({ clientId: 'c', clientSecret: 's' });
    auth.setCredentials({ access_token: 'ya29.token' });
    return { auth, rootUrl: root, retry: false, timeout };
  };

  /** The outcome as the connector sees it: the value, or the mapped error's fields. */
  const outcome = async (call: () => Promise<unknown>): Promise<unknown> => {
    try {
      return { value: await call() };
    } catch (error) {
      const mapped = mapGoogleError(error, pair.service);
      if (!(mapped instanceof ConnectorError)) return { unmapped: (error as { code?: unknown }).code };
      return { kind: mapped.kind, status: mapped.status, reason: mapped.reason, message: mapped.message, retryAfterMs: mapped.retryAfterMs };
    }
  };

  const both = async (key: string, options = clientOptions(), signal: AbortSignal = new AbortController().signal): Promise<PairRun> => {
    const seen = server?.seen ?? [];
    seen.length = 0;
    const viaSdk = await outcome(() => pair.viaSdk(key, options, signal));
    const viaFetch = await outcome(() => pair.viaFetch(key, options, signal));
    return { viaSdk, viaFetch, requests: seen.map((r) => ({ url: r.url, authorization: r.headers.authorization })) };
  };

  describe(title, () => {
    it.each(Object.keys(answers).filter((k) => k !== 'slow'))('answer %s: same request, same outcome', async (key) => {
      const { viaSdk, viaFetch, requests } = await both(key);
      expect(viaFetch).toEqual(viaSdk);
      expect(requests).toHaveLength(2);
      expect(requests[1]).toEqual(requests[0]);
      expect(requests[0]?.authorization).toBe('Bearer ya29.token');
    });

    it('asks for a compressed answer as googleapis does (Google gzips only for a User-Agent that names gzip)', async () => {
      await both('ok');
      const [sdk, plain] = server?.seen ?? [];
      expect(sdk?.headers['user-agent']).toMatch(/\(gzip\)/);
      expect(plain?.headers['user-agent']).toMatch(/\(gzip\)/);
      expect(plain?.headers['accept-encoding']).toMatch(/gzip/);
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
      const options = { ...clientOptions(), rootUrl: `http://127.0.0.1:${await freePort()}/` };
      const { viaSdk, viaFetch } = await both('ok', options);
      expect(viaSdk).toMatchObject({ kind: 'unavailable' });
      expect(viaFetch).toEqual(viaSdk);
    });
  });

  return { both };
}
