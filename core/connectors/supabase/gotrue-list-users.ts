import {
  AuthApiError,
  AuthRetryableFetchError,
  AuthSessionMissingError,
  AuthUnknownError,
  AuthWeakPasswordError,
  type AuthError,
  type WeakPasswordReasons,
} from '@supabase/supabase-js';
import { ConnectorError, FOREIGN_ANSWER } from '../shared/connector-error';
import type { GoTrueHttp, SdkResult } from './supabase-client';
import { SUPABASE_SERVICE } from './supabase-errors';
import { toListedUser, type ListedUser } from './supabase-user';

/**
 * GoTrue's admin listing (GET /admin/users?page=&per_page=) without
 * supabase-js: the request its `admin.listUsers({page, perPage})` sends,
 * answered the way it answers it, so the connector's `attempt` and
 * `toConnectorError` classify every outcome exactly as before.
 * Why: the listing runs once per 1,000 users (1,000 pages at a million), and
 * each user is cut at once to the fields toSupabaseUser reads (toListedUser),
 * so only those outlive the page. The page itself is parsed whole by
 * `response.json()`: a streamed parse user by user (tried in session 9 to
 * keep 1 MB strings out of the heap) cost 4.5 ms a page against 3.3 ms and
 * slowed the listing of a million users from 12.5 s to 17.5 s, for 15 MB of
 * peak RSS (issue 19, docs/performance.md).
 * Invariants: same URL (the SDK's auth URL + `/admin/users` + the query as
 * URLSearchParams writes it), same headers (the SDK's own, plus its API
 * version header), sent through the same instrumented fetch (timeout, abort,
 * the exchange record); a 2xx body gives the SDK's users (cut to ListedUser)
 * and total; a non-2xx answer gives the AuthError that auth-js'
 * `handleError` would give, a fetch failure its AuthRetryableFetchError with
 * status 0; a 2xx body that is not JSON throws the SyntaxError, and a Link
 * header the SDK could not read throws as it threw.
 * Pinned against the SDK by tests/integration/gotrue-list-users.test.ts.
 */

/** One listing page as the SDK returned it: `users` as GoTrue sent them (unchecked), `total` as the SDK computed it. */
type PageResult = { data: { users: unknown; total: number }; error: null } | { data: { users: [] }; error: AuthError };

const API_VERSION_HEADER = 'X-Supabase-Api-Version';
const API_VERSION = '2024-01-01';
const API_VERSION_2024 = Date.parse('2024-01-01T00:00:00.0Z');
const API_VERSION_FORMAT = /^2[0-9]{3}-(0[1-9]|1[0-2])-(0[1-9]|1[0-9]|2[0-9]|3[0-1])$/i;
/** auth-js' NETWORK_ERROR_CODES: server and gateway failures (Cloudflare's 520-530 included). */
const NETWORK_ERROR_CODES = new Set([500, 501, 502, 503, 504, 520, 521, 522, 523, 524, 525, 526, 527, 528, 529, 530]);

/**
 * One listUsers page, whose answer must be GoTrue's list: a 200 whose body is
 * empty or not JSON (a bare SyntaxError) or is another JSON (no `users`
 * array) is a foreign answer, `unavailable` and retried like a 502, never a
 * page read as empty (that would end the listing early). Runs inside the
 * connector's `attempt`, which maps a returned AuthError as for any SDK call.
 */
export async function listPage(gotrue: GoTrueHttp, page: number, perPage: number, onHead?: (headers: Headers) => void): Promise<SdkResult<{ users: ListedUser[]; total: number }>> {
  const foreign = (why: string, cause?: unknown) =>
    new ConnectorError('unavailable', SUPABASE_SERVICE, `listUsers: the answer to page ${page} was not GoTrue's user list (${why}); nothing is concluded from it`, {
      reason: FOREIGN_ANSWER,
      ...(cause === undefined ? {} : { cause }),
    });
  let result: PageResult;
  try {
    result = await requestPage(gotrue, page, perPage, onHead);
  } catch (error) {
    if (error instanceof SyntaxError) throw foreign('an empty body or not JSON', error);
    throw error;
  }
  if (result.error !== null) return result;
  const { users, total } = result.data;
  if (!Array.isArray(users)) throw foreign('no users list');
  return { data: { users: users as ListedUser[], total }, error: null };
}

/**
 * The SDK's listUsers request and answer, its result returned, its non-AuthError failures thrown. `onHead` hears of
 * a 2xx answer as soon as its head came, before its body is read (the connector then asks for the next page).
 */
async function requestPage(gotrue: GoTrueHttp, page: number, perPage: number, onHead?: (headers: Headers) => void): Promise<PageResult> {
  const headers: Record<string, string> = { ...gotrue.headers };
  if (!headers[API_VERSION_HEADER]) headers[API_VERSION_HEADER] = API_VERSION;
  const url = `${gotrue.url}/admin/users?${new URLSearchParams({ page: String(page), per_page: String(perPage) }).toString()}`;
  let response: Response;
  try {
    response = await gotrue.fetch(url, { method: 'GET', headers });
  } catch (error) {
    return { data: { users: [] }, error: new AuthRetryableFetchError(errorMessage(error), 0) };
  }
  if (!response.ok) return { data: { users: [] }, error: await sdkError(response) };
  onHead?.(response.headers);
  const body = (await response.json()) as unknown;
  // Each user cut to what the connector reads: the page's full tree dies young.
  if (isObject(body) && Array.isArray(body.users)) body.users = body.users.map(toListedUser);
  const total = sdkTotal(response.headers);
  // The SDK's result is the body's top level copied (a shallow copy: the users are not): read `users` as it would.
  const { users } = Object.assign({}, body) as { users?: unknown };
  return { data: { users, total }, error: null };
}

/**
 * The SDK's `total`: X-Total-Count, read only when a Link header came. Its
 * page numbers are never used (they keep one digit, api-facts §7), but its
 * parse of each link is repeated for its failures: a Link it could not read
 * failed the page (a TypeError, or a SyntaxError for an unquoted rel).
 */
function sdkTotal(headers: Headers): number {
  const links = headers.get('link')?.split(',') ?? [];
  if (links.length === 0) return 0;
  for (const link of links) {
    const [target, rel] = link.split(';') as [string, string | undefined];
    parseInt((target.split('=')[1] as string).substring(0, 1));
    JSON.parse((rel as string).split('=')[1] as string);
  }
  return parseInt(headers.get('x-total-count') ?? '0');
}

/** auth-js' handleError for a non-2xx answer, returned instead of thrown. */
async function sdkError(response: Response): Promise<AuthError> {
  let data: unknown;
  try {
    data = await response.json();
  } catch (error) {
    if (NETWORK_ERROR_CODES.has(response.status)) return new AuthRetryableFetchError(response.statusText || `HTTP ${response.status}`, response.status);
    return new AuthUnknownError(errorMessage(error), error);
  }
  if (NETWORK_ERROR_CODES.has(response.status)) return new AuthRetryableFetchError(errorMessage(data), response.status);
  const body = typeof data === 'object' && data !== null ? (data as Record<string, unknown>) : undefined;
  let code: string | undefined;
  const version = responseApiVersion(response);
  if (version !== null && version >= API_VERSION_2024 && typeof body?.code === 'string') code = body.code;
  else if (typeof body?.error_code === 'string') code = body.error_code;
  if (!code) {
    const weak = body?.weak_password as { reasons?: unknown } | null | undefined;
    if (typeof weak === 'object' && weak && Array.isArray(weak.reasons) && weak.reasons.length && weak.reasons.every((reason) => typeof reason === 'string')) {
      return new AuthWeakPasswordError(errorMessage(data), response.status, weak.reasons as WeakPasswordReasons[]);
    }
  } else if (code === 'weak_password') {
    const reasons = (body?.weak_password as { reasons?: WeakPasswordReasons[] } | null | undefined)?.reasons;
    return new AuthWeakPasswordError(errorMessage(data), response.status, reasons || []);
  } else if (code === 'session_not_found') {
    return new AuthSessionMissingError();
  }
  return new AuthApiError(errorMessage(data), response.status || 500, code);
}

/** The answer's X-Supabase-Api-Version as a time, or null (auth-js' parseResponseAPIVersion). */
function responseApiVersion(response: Response): number | null {
  const value = response.headers.get(API_VERSION_HEADER);
  if (!value || !API_VERSION_FORMAT.test(value)) return null;
  return new Date(`${value}T00:00:00.0Z`).getTime();
}

/** auth-js' _getErrorMessage: msg, message, error_description, error, else the JSON of it. */
function errorMessage(error: unknown): string {
  if (typeof error === 'object' && error !== null) {
    const e = error as Record<string, unknown>;
    if (typeof e.msg === 'string') return e.msg;
    if (typeof e.message === 'string') return e.message;
    if (typeof e.error_description === 'string') return e.error_description;
    if (typeof e.error === 'string') return e.error;
  }
  return JSON.stringify(error);
}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);
