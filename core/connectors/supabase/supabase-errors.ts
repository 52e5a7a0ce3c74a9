import { isAuthError, isAuthRetryableFetchError } from '@supabase/supabase-js';
import { ConnectorError, FOREIGN_ANSWER } from '../shared/connector-error';
import type { ExchangeRecord } from './supabase-client';

export const SUPABASE_SERVICE = 'supabase';

/**
 * Translates what an admin call returned in `{error}` into our typed outcome.
 *
 * The SDK gives an AuthApiError (status + GoTrue code) for 4xx, an
 * AuthRetryableFetchError for 5xx and for no answer at all (status 0), and an
 * AuthUnknownError without a status when an error body was not JSON; the
 * exchange record fills in the status in that last case.
 *
 * Invariants (the one place GoTrue answers are classified):
 * - only 404 with GoTrue's own code `user_not_found` (new `{code,message}` or
 *   old `{code:404,error_code,msg}` form) becomes not-found. A 404 with another
 *   code (`validation_failed`: a malformed id) is our mistake; a 404 without a
 *   GoTrue code (a proxy's HTML page, an empty body, another JSON) is unknown
 *   (`unavailable`, reason `foreign-answer`): never proof that a user is absent.
 * - 401/403 with a GoTrue code (`no_authorization`, `bad_jwt`, `not_admin`)
 *   refuse the service role key: the connection's problem (`misconfigured`).
 */
export function toConnectorError(error: unknown, record: ExchangeRecord, operation: string): ConnectorError {
  const status = (isAuthError(error) ? error.status : undefined) || record.status || 0;
  const code = isAuthError(error) ? error.code : undefined;
  const text = error instanceof Error ? error.message : String(error);
  const details = { status, cause: error, ...(code ? { reason: code } : {}) };
  const fail = (kind: ConnectorError['kind'], message: string, extra: { retryAfterMs?: number; status?: number } = {}) =>
    new ConnectorError(kind, SUPABASE_SERVICE, `${operation}: ${message}`, { ...details, ...extra });

  if (status === 0 || record.networkCode) {
    return fail('unavailable', describeNetworkFailure(record.networkCode, text), { status: 0 });
  }
  if (status === 429) {
    return fail('rate-limited', text, record.retryAfterMs === undefined ? {} : { retryAfterMs: record.retryAfterMs });
  }
  if (status >= 500 || status === 408 || isAuthRetryableFetchError(error)) return fail('unavailable', text);
  if (status >= 400 && !code) {
    // No GoTrue error code: the body was not GoTrue's (HTML, empty, foreign JSON). Nothing can be concluded.
    return new ConnectorError('unavailable', SUPABASE_SERVICE, `${operation}: HTTP ${status} in a shape that is not GoTrue's: ${text}`, { status, cause: error, reason: FOREIGN_ANSWER });
  }
  if (status === 404 && code === 'user_not_found') return fail('not-found', text);
  if (status === 401 || status === 403) return fail('misconfigured', text);
  if (status >= 400) return fail('invalid-request', text);
  // A 2xx whose body could not be read: nothing can be concluded from it.
  return fail('unavailable', `unreadable answer (HTTP ${status}): ${text}`);
}

function describeNetworkFailure(networkCode: string | undefined, fallback: string): string {
  switch (networkCode) {
    case 'ECONNREFUSED':
      return 'connection refused (ECONNREFUSED)';
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return `host not found (${networkCode})`;
    case 'ETIMEDOUT':
      return 'no answer before the request timeout (ETIMEDOUT)';
    case undefined:
      return fallback;
    default:
      return `${fallback} (${networkCode})`;
  }
}

/** Refuses a malformed id before any request, as GoTrue would (404 validation_failed), without claiming absence. */
export function invalidUserId(id: string, operation: string): ConnectorError {
  return new ConnectorError('invalid-request', SUPABASE_SERVICE, `${operation}: user id must be a UUID, got "${id}"`, {
    reason: 'validation_failed',
  });
}
