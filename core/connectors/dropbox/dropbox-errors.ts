import { ConnectorError, FOREIGN_ANSWER, isNetworkError, parseRetryAfter, type ConnectorErrorDetails } from '../shared/connector-error';
import { DropboxResponseError } from 'dropbox';
import { DROPBOX } from './dropbox-fetch';

/**
 * A delta cursor Dropbox no longer honours (409 `reset`): not retryable and
 * not a failure of the account; the engine answers it with a full pass.
 */
export class CursorResetError extends ConnectorError {
  constructor(message: string, details: ConnectorErrorDetails = {}) {
    super('invalid-request', DROPBOX, message, { ...details, reason: 'reset' });
    this.name = 'CursorResetError';
  }
}

export function isCursorReset(error: unknown): error is CursorResetError {
  return error instanceof CursorResetError;
}

/** Which endpoint answered: OAuth errors (`invalid_grant`) only mean something on the token route. */
export type DropboxCallKind = 'api' | 'token';

interface HeadersLike {
  get(name: string): string | null;
}

/**
 * Translates what the SDK throws into our typed outcomes (DESIGN §2, §4); the
 * one place Dropbox answers are classified. Returns undefined for errors that
 * are not the service's answer (programming errors), which callers rethrow.
 * Invariants:
 * - `not-found` only for Dropbox's own 409 route error `path/not_found` or
 *   `path_lookup/not_found` (JSON, tags and error_summary agreeing). Anything
 *   else — an HTML or empty 404 from a proxy, another JSON shape, any answer
 *   of the token route — is unknown (`unavailable`, reason `foreign-answer`).
 * - at the token route: `invalid_grant` is the user's (`token-revoked`);
 *   `invalid_client` / `unauthorized_client` (or another OAuth error) are the
 *   app key's and secret's (`misconfigured`), never a user's.
 */
export function toConnectorError(error: unknown, kind: DropboxCallKind): ConnectorError | undefined {
  if (error instanceof ConnectorError) return error;
  if (error instanceof DropboxResponseError) {
    const response = error as DropboxResponseError<unknown>;
    return fromResponse(response.status, response.headers as HeadersLike | undefined, response.error, kind, error);
  }
  if (error instanceof Error && error.name === 'AbortError') {
    // The timeout fired while the SDK was still reading the body (the fetch itself had answered).
    return new ConnectorError('unavailable', DROPBOX, 'Dropbox response timed out', { reason: 'timeout' });
  }
  if (isNetworkError(error)) {
    return new ConnectorError('unavailable', DROPBOX, `Dropbox unreachable: ${(error as { code: string }).code}`, { reason: (error as { code: string }).code });
  }
  return undefined;
}

/** OAuth error codes that mean the app key or secret (the admin's connection) was refused. */
const CLIENT_ERRORS = new Set(['invalid_client', 'unauthorized_client']);
/** Route-error tags whose `not_found` sub-tag is Dropbox's own statement that nothing is at the path. */
const LOOKUP_TAGS = ['path', 'path_lookup'] as const;

function fromResponse(status: number, headers: HeadersLike | undefined, body: unknown, kind: DropboxCallKind, cause: unknown): ConnectorError {
  const parsed = typeof body === 'object' && body !== null && !Array.isArray(body) ? (body as Record<string, unknown>) : undefined;
  const text = typeof body === 'string' ? body.replace(/\s+/g, ' ').trim().slice(0, 200) : undefined;
  const apiError = typeof parsed?.error === 'object' && parsed.error !== null ? (parsed.error as Record<string, unknown>) : {};
  const tag = typeof apiError['.tag'] === 'string' ? apiError['.tag'] : undefined;
  // Token errors are OAuth-shaped; older answers fold the description into `error` ("invalid_client: …").
  const oauth = typeof parsed?.error === 'string' ? parsed.error : undefined;
  const oauthCode = oauth?.split(':')[0]?.trim();
  const errorSummary = typeof parsed?.error_summary === 'string' ? parsed.error_summary : undefined;
  const summary =
    errorSummary ?? (typeof parsed?.error_description === 'string' ? parsed.error_description : undefined) ?? oauth ?? (text === '' ? 'empty body' : text) ?? `HTTP ${status}`;
  const details = { status, cause };
  const foreign = () => new ConnectorError('unavailable', DROPBOX, `Dropbox ${kind === 'token' ? 'token route' : 'API'} answered HTTP ${status} in a shape that is not Dropbox's: ${summary}`, { ...details, reason: FOREIGN_ANSWER });

  if (kind === 'token') {
    if (oauthCode === 'invalid_grant') return new ConnectorError('token-revoked', DROPBOX, `Dropbox refused the refresh token: ${summary}`, { ...details, reason: 'invalid_grant' });
    if (oauthCode !== undefined && (CLIENT_ERRORS.has(oauthCode) || (status >= 400 && status < 500 && status !== 429))) {
      return new ConnectorError('misconfigured', DROPBOX, `Dropbox refused the app key or secret: ${summary}`, { ...details, reason: oauthCode });
    }
    if (status === 429) return rateLimited(status, headers, apiError, summary, cause);
    if (status >= 500 && oauthCode === undefined) return new ConnectorError('unavailable', DROPBOX, `Dropbox error ${status}: ${summary}`, details);
    return foreign();
  }
  if (status === 401) {
    if (tag === undefined) return foreign();
    return new ConnectorError('unauthorized', DROPBOX, `Dropbox refused the access token: ${summary}`, { ...details, reason: tag });
  }
  if (status === 403) return tag === undefined ? foreign() : new ConnectorError('forbidden', DROPBOX, `Dropbox denied access: ${summary}`, { ...details, reason: tag });
  if (status === 409) {
    if (tag === undefined) return foreign();
    if (isOwnNotFound(apiError, tag, errorSummary)) return new ConnectorError('not-found', DROPBOX, `Dropbox: ${summary}`, { ...details, reason: `${tag}/not_found` });
    if (tag === 'reset') return new CursorResetError(`Dropbox reset the cursor: ${summary}`, details);
    return new ConnectorError('invalid-request', DROPBOX, `Dropbox: ${summary}`, { ...details, reason: summary });
  }
  if (status === 429) return rateLimited(status, headers, apiError, summary, cause);
  if (status >= 500) return new ConnectorError('unavailable', DROPBOX, `Dropbox error ${status}: ${summary}`, details);
  // Dropbox answers a malformed call with a plain-text 400 ("Error in call to API function …"): our request is wrong.
  if (status === 400) return new ConnectorError('invalid-request', DROPBOX, `Dropbox rejected the request (400): ${summary}`, { ...details, reason: oauthCode ?? tag ?? 'http_400' });
  // 404 and anything else Dropbox's API does not use for route errors: not Dropbox speaking.
  return foreign();
}

/** `{error_summary:"path/not_found/..", error:{".tag":"path", path:{".tag":"not_found"}}}` (or `path_lookup`), api-facts §5. */
function isOwnNotFound(apiError: Record<string, unknown>, tag: string, errorSummary: string | undefined): boolean {
  if (!(LOOKUP_TAGS as readonly string[]).includes(tag)) return false;
  const inner = apiError[tag];
  const innerTag = typeof inner === 'object' && inner !== null ? (inner as Record<string, unknown>)['.tag'] : undefined;
  // Trailing dots of error_summary vary; its start must agree with the tags.
  return innerTag === 'not_found' && errorSummary !== undefined && errorSummary.startsWith(`${tag}/not_found`);
}

function rateLimited(status: number, headers: HeadersLike | undefined, apiError: Record<string, unknown>, summary: string, cause: unknown): ConnectorError {
  // The header is always sent; the JSON `retry_after` only when the body is JSON (api-facts §5).
  const bodySeconds = typeof apiError.retry_after === 'number' ? apiError.retry_after * 1000 : undefined;
  const retryAfterMs = parseRetryAfter(headers?.get('retry-after')) ?? bodySeconds;
  return new ConnectorError('rate-limited', DROPBOX, `Dropbox rate limit: ${summary}`, { status, cause, reason: 'too_many_requests', ...(retryAfterMs === undefined ? {} : { retryAfterMs }) });
}
