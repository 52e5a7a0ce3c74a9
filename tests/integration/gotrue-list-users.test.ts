import type { GoTrueAdminApi } from '@supabase/supabase-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listPage } from '../../core/connectors/supabase/gotrue-list-users';
import { attempt } from '../../core/connectors/supabase/supabase-attempt';
import { createAdminClient, type SdkResult } from '../../core/connectors/supabase/supabase-client';
import { ConnectorError, FOREIGN_ANSWER } from '../../core/connectors/shared/connector-error';
import { SUPABASE_SERVICE } from '../../core/connectors/supabase/supabase-errors';
import { toSupabaseUser, type ListedUser } from '../../core/connectors/supabase/supabase-user';
import { startCannedServer, type CannedAnswer, type CannedServer } from '../helpers/canned-server';
import { freePort } from '../helpers/ports';

/**
 * The connector lists users with supabase-js' own listUsers request sent
 * without the SDK (gotrue-list-users.ts). Pinned here: for the same answers,
 * the SDK's listUsers (behind the connector's previous listPage, kept below
 * as the reference) and the plain path send the same request (method, URL,
 * every header) and end in the same value or the same outcome through the
 * connector's `attempt` (ConnectorError kind, status, reason, message,
 * Retry-After, and the SDK error it was mapped from).
 */
const json = { 'content-type': 'application/json' };
const v2024 = { ...json, 'x-supabase-api-version': '2024-01-01' };
const users = [
  { id: '00000000-0000-4000-8000-000000000001', aud: 'authenticated', role: 'authenticated', email: 'a@example.com', email_confirmed_at: '2026-01-01T00:00:00Z', app_metadata: { role: 'admin' }, user_metadata: { full_name: 'Ä B' }, identities: [], created_at: '2026-01-01T00:00:00Z', updated_at: '2026-01-02T00:00:00Z' },
  { id: '00000000-0000-4000-8000-000000000002', aud: 'authenticated', role: 'authenticated', email: '', phone: '123', app_metadata: {}, user_metadata: {}, created_at: '2026-01-01T00:00:00Z', deleted_at: '2026-02-01T00:00:00Z' },
];
const link = '</admin/users?page=13&per_page=2>; rel="next", </admin/users?page=40&per_page=2>; rel="last"';
const answers: Record<string, CannedAnswer> = {
  ok: { status: 200, body: JSON.stringify({ users, aud: 'authenticated' }), headers: { ...json, link, 'x-total-count': '80' } },
  okNoLink: { status: 200, body: JSON.stringify({ users, aud: 'authenticated' }), headers: { ...json, 'x-total-count': '80' } },
  okEmptyList: { status: 200, body: JSON.stringify({ users: [], aud: 'authenticated' }), headers: { ...json, link: '</admin/users?page=0&per_page=2>; rel="last"', 'x-total-count': '0' } },
  badJwt: { status: 401, body: JSON.stringify({ code: 'bad_jwt', message: 'invalid JWT: unable to parse or verify signature' }), headers: v2024 },
  noAuthorizationOld: { status: 401, body: JSON.stringify({ code: 401, error_code: 'no_authorization', msg: 'This endpoint requires a Bearer token' }), headers: json },
  notAdmin: { status: 403, body: JSON.stringify({ code: 'not_admin', message: 'User not allowed' }), headers: v2024 },
  userNotFound: { status: 404, body: JSON.stringify({ code: 'user_not_found', message: 'User not found' }), headers: v2024 },
  userNotFoundOld: { status: 404, body: JSON.stringify({ code: 404, error_code: 'user_not_found', msg: 'User not found' }), headers: json },
  limited: { status: 429, body: JSON.stringify({ code: 'over_request_rate_limit', message: 'Request rate limit reached' }), headers: { ...v2024, 'retry-after': '7' } },
  dbError: { status: 500, body: JSON.stringify({ code: 'unexpected_failure', message: 'Database error finding users' }), headers: v2024 },
  badGateway: { status: 502, body: '<html><body>Bad gateway</body></html>', headers: { 'content-type': 'text/html' } },
  htmlNotFound: { status: 404, body: '<html><title>Not Found</title></html>', headers: { 'content-type': 'text/html' } },
  foreignJson404: { status: 404, body: JSON.stringify({ error: 'not here' }), headers: json },
  emptyUnavailable: { status: 503, body: '' },
  badPerPage: { status: 400, body: JSON.stringify({ code: 'validation_failed', message: 'per_page must be greater than 0' }), headers: v2024 },
  html200: { status: 200, body: '<html>captive portal</html>', headers: { 'content-type': 'text/html' } },
  empty200: { status: 200, body: '' },
  noUsers200: { status: 200, body: JSON.stringify({ aud: 'authenticated' }), headers: { ...json, link, 'x-total-count': '80' } },
  usersNotList200: { status: 200, body: JSON.stringify({ users: { id: 'x' } }), headers: json },
  null200: { status: 200, body: 'null', headers: json },
  unquotedRel: { status: 200, body: JSON.stringify({ users }), headers: { ...json, link: '</admin/users?page=2>; rel=next', 'x-total-count': '80' } },
  garbledLink: { status: 200, body: JSON.stringify({ users }), headers: { ...json, link: 'nonsense', 'x-total-count': '80' } },
  slow: { status: 200, body: JSON.stringify({ users }), headers: json, delayMs: 500 },
  stallMidBody: { status: 200, body: JSON.stringify({ users }), headers: json, stallMidBodyMs: 500 },
};

let server: CannedServer;
let origin: string;

beforeAll(async () => {
  // The project URL's first path segment names the answer: http://host/<answer>/auth/v1/admin/users
  server = await startCannedServer((req) => answers[(req.url ?? '').split('/')[1] ?? ''] ?? answers.ok!);
  origin = server.origin;
});
afterAll(() => server.close());

/** The connector's listPage before the plain path: supabase-js' listUsers, its SyntaxError and missing list read as foreign. */
async function sdkListPage(admin: GoTrueAdminApi, page: number, perPage: number): Promise<SdkResult<{ users: unknown[]; total: number }>> {
  const foreign = (why: string, cause?: unknown) =>
    new ConnectorError('unavailable', SUPABASE_SERVICE, `listUsers: the answer to page ${page} was not GoTrue's user list (${why}); nothing is concluded from it`, {
      reason: FOREIGN_ANSWER,
      ...(cause === undefined ? {} : { cause }),
    });
  let result: Awaited<ReturnType<GoTrueAdminApi['listUsers']>>;
  try {
    result = await admin.listUsers({ page, perPage });
  } catch (error) {
    if (error instanceof SyntaxError) throw foreign('an empty body or not JSON', error);
    throw error;
  }
  if (result.error === null && !Array.isArray((result.data as { users?: unknown }).users)) throw foreign('no users list');
  return result;
}

/** What the connector reads of a page (users, total), or the failure as it reaches the service policy. */
async function outcome(call: () => Promise<{ users: unknown[]; total: number }>): Promise<unknown> {
  try {
    const { users: listed, total } = await call();
    // What the connector makes of them (the plain path keeps only the fields toSupabaseUser reads).
    return { value: { users: (listed as ListedUser[]).map(toSupabaseUser), total } };
  } catch (error) {
    const cause = (error as { cause?: unknown } | null)?.cause;
    const causeOf = (e: unknown) => (e instanceof Error ? { name: e.name, message: e.message, status: (e as { status?: unknown }).status, code: (e as { code?: unknown }).code } : e);
    if (error instanceof ConnectorError) {
      return { kind: error.kind, status: error.status, reason: error.reason, message: error.message, retryAfterMs: error.retryAfterMs, cause: causeOf(cause) };
    }
    return { raw: causeOf(error) };
  }
}

async function both(answer: string, { page = 12, perPage = 2, timeoutMs = 2_000, signal = new AbortController().signal, url = `${origin}/${answer}` } = {}) {
  const client = createAdminClient({ url, serviceRoleKey: 'service-role-key', requestTimeoutMs: timeoutMs });
  server.seen.length = 0;
  const viaSdk = await outcome(() => attempt(client, 'listUsers', (admin) => sdkListPage(admin, page, perPage), signal));
  const viaFetch = await outcome(() => attempt(client, 'listUsers', (_admin, gotrue) => listPage(gotrue, page, perPage), signal));
  return { viaSdk, viaFetch, requests: [...server.seen] };
}

describe('GoTrue listUsers through plain fetch, against supabase-js', () => {
  it.each(Object.keys(answers).filter((k) => k !== 'slow' && k !== 'stallMidBody'))('answer %s: same request, same outcome', async (answer) => {
    const { viaSdk, viaFetch, requests } = await both(answer);
    expect(viaFetch).toEqual(viaSdk);
    expect(requests).toHaveLength(2);
    expect(requests[1]).toEqual(requests[0]);
    expect(requests[0]).toMatchObject({ method: 'GET', url: `/${answer}/auth/v1/admin/users?page=12&per_page=2` });
    expect(requests[0]?.headers).toMatchObject({ apikey: 'service-role-key', authorization: 'Bearer service-role-key', 'x-supabase-api-version': '2024-01-01' });
  });

  it('the outcomes are the ones the connector relies on', async () => {
    expect((await both('ok')).viaFetch).toEqual({ value: { users: users.map(toSupabaseUser), total: 80 } });
    // X-Total-Count is read only with a Link header, as the SDK did.
    expect((await both('okNoLink')).viaFetch).toEqual({ value: { users: users.map(toSupabaseUser), total: 0 } });
    expect((await both('userNotFound')).viaFetch).toMatchObject({ kind: 'not-found', status: 404 });
    expect((await both('htmlNotFound')).viaFetch).toMatchObject({ kind: 'unavailable', status: 404, reason: FOREIGN_ANSWER });
    expect((await both('emptyUnavailable')).viaFetch).toMatchObject({ kind: 'unavailable', status: 503 });
    expect((await both('limited')).viaFetch).toMatchObject({ kind: 'rate-limited', status: 429, retryAfterMs: 7_000 });
    expect((await both('badJwt')).viaFetch).toMatchObject({ kind: 'misconfigured', status: 401 });
    for (const answer of ['html200', 'empty200', 'noUsers200', 'usersNotList200', 'null200', 'unquotedRel']) {
      expect((await both(answer)).viaFetch).toMatchObject({ kind: 'unavailable', reason: FOREIGN_ANSWER });
    }
  });

  it('a project URL with a path and a trailing slash gives the same request', async () => {
    const { viaSdk, viaFetch, requests } = await both('ok', { url: `${origin}/ok/`, page: 1, perPage: 1000 });
    expect(viaFetch).toEqual(viaSdk);
    expect(requests[1]).toEqual(requests[0]);
  });

  it('a page that arrives in two parts is read the same', async () => {
    const { viaSdk, viaFetch, requests } = await both('stallMidBody', { timeoutMs: 2_000 });
    expect(viaSdk).toMatchObject({ value: { total: 0 } });
    expect(viaFetch).toEqual(viaSdk);
    expect(requests[1]).toEqual(requests[0]);
  });

  it('a timeout while the body streams in is the same failure', async () => {
    const { viaSdk, viaFetch } = await both('stallMidBody', { timeoutMs: 150 });
    expect(viaSdk).toMatchObject({ raw: { name: 'TimeoutError' } });
    expect(viaFetch).toEqual(viaSdk);
  });

  it("the caller's abort while the body streams in is the same abort", async () => {
    const run = async () => {
      const controller = new AbortController();
      setTimeout(() => controller.abort(), 100);
      return { controller, signal: controller.signal };
    };
    const first = await run();
    const second = await run();
    const client = createAdminClient({ url: `${origin}/stallMidBody`, serviceRoleKey: 'service-role-key', requestTimeoutMs: 2_000 });
    const viaSdk = await outcome(() => attempt(client, 'listUsers', (admin) => sdkListPage(admin, 1, 2), first.signal));
    const viaFetch = await outcome(() => attempt(client, 'listUsers', (_admin, gotrue) => listPage(gotrue, 1, 2), second.signal));
    expect(viaSdk).toMatchObject({ raw: { name: 'AbortError' } });
    expect(viaFetch).toEqual(viaSdk);
  });

  it('a timeout is the same no-response failure', async () => {
    const { viaSdk, viaFetch } = await both('slow', { timeoutMs: 100 });
    expect(viaSdk).toMatchObject({ kind: 'unavailable', status: 0 });
    expect(viaFetch).toEqual(viaSdk);
  });

  it("the caller's abort stays an abort, never mapped to a failure", async () => {
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 50);
    const { viaSdk, viaFetch } = await both('slow', { signal: controller.signal });
    expect(viaSdk).toMatchObject({ raw: { name: 'AbortError' } });
    expect(viaFetch).toEqual(viaSdk);
  });

  it('a refused connection is the same network failure', async () => {
    // A port just freed (not one of fetch's blocked ports, which it refuses before connecting).
    const port = await freePort();
    const { viaSdk, viaFetch } = await both('ok', { url: `http://127.0.0.1:${port}` });
    expect(viaSdk).toMatchObject({ kind: 'unavailable', status: 0 });
    expect(viaFetch).toEqual(viaSdk);
  });
});
