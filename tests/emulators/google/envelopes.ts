import type { EmulatorRequest, EmulatorResponse, RouteDefinition } from '../shared/emulator';
import type { Account, GoogleState } from './google-state';

/**
 * Google's JSON error envelope (api-facts §1): `{error:{code,message,errors:[…],status}}`.
 * Clients must match on status and `errors[0].reason`, never on the text.
 */
const STATUS_NAMES: Record<number, string> = {
  400: 'INVALID_ARGUMENT',
  401: 'UNAUTHENTICATED',
  403: 'PERMISSION_DENIED',
  404: 'NOT_FOUND',
  429: 'RESOURCE_EXHAUSTED',
  500: 'INTERNAL',
  503: 'UNAVAILABLE',
};

export interface ErrorDetail {
  domain?: string;
  reason: string;
  location?: string;
  locationType?: string;
}

export function googleError(status: number, message: string, detail: ErrorDetail, topMessage = message): EmulatorResponse {
  const { domain = 'global', ...rest } = detail;
  return {
    status,
    body: {
      error: {
        code: status,
        message: topMessage,
        errors: [{ message, domain, ...rest }],
        ...(STATUS_NAMES[status] ? { status: STATUS_NAMES[status] } : {}),
      },
    },
  };
}

export const notFound = (message: string, location?: string): EmulatorResponse =>
  googleError(404, message, { reason: 'notFound', ...(location ? { location, locationType: 'parameter' } : {}) });

/** What Drive and Gmail answer for an unparseable parameter such as a bad page token. */
export const invalidValue = (location: string): EmulatorResponse =>
  googleError(400, 'Invalid Value', { reason: 'invalid', location, locationType: 'parameter' });

export const rateLimited = (retryAfterSec?: number): EmulatorResponse => ({
  ...googleError(429, 'Rate Limit Exceeded', { domain: 'usageLimits', reason: 'rateLimitExceeded' }),
  ...(retryAfterSec === undefined ? {} : { headers: { 'Retry-After': String(retryAfterSec) } }),
});

/** The newer front ends' 401 (api-facts §1): legacy `Invalid Credentials` inside, long text on top. */
export function authError(missing: boolean): EmulatorResponse {
  const top = missing
    ? 'Request is missing required authentication credential. Expected OAuth 2 access token, login cookie or other valid authentication credential.'
    : 'Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid authentication credential.';
  return googleError(401, missing ? 'Login Required.' : 'Invalid Credentials', {
    reason: missing ? 'required' : 'authError',
    location: 'Authorization',
    locationType: 'header',
  }, top);
}

type AuthedHandler = (request: EmulatorRequest, account: Account) => EmulatorResponse | Promise<EmulatorResponse>;

/**
 * A data route: the bearer token is checked on every call and names the
 * account, so one emulator serves many users with isolated data.
 */
export function authed(state: GoogleState, route: Omit<RouteDefinition, 'handle'>, handle: AuthedHandler): RouteDefinition {
  return {
    ...route,
    handle(request) {
      const header = request.headers.authorization ?? '';
      const token = /^Bearer (.+)$/i.exec(header)?.[1];
      if (!token) return authError(true);
      const grant = state.accessTokens.get(token);
      if (!grant || grant.expiresAt <= Date.now()) return authError(false);
      return handle(request, state.account(grant.accountId));
    },
  };
}

/** pageSize/maxResults: the default when absent, coerced down to the maximum (Drive "values above 1000 will be coerced"). */
export function pageSize(raw: string | null, fallback: number, max: number): number {
  const value = raw === null ? fallback : Number(raw);
  return Number.isInteger(value) && value > 0 ? Math.min(value, max) : fallback;
}

/** Opaque offset page tokens bound to the query they came from, so a token from another query is rejected. */
export function encodePageToken(offset: number, scope: string): string {
  return Buffer.from(JSON.stringify({ o: offset, s: scope })).toString('base64url');
}

export function decodePageToken(token: string, scope: string): number | undefined {
  try {
    const parsed = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as { o?: unknown; s?: unknown };
    return typeof parsed.o === 'number' && parsed.s === scope ? parsed.o : undefined;
  } catch {
    return undefined;
  }
}
