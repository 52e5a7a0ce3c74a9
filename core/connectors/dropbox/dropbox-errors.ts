import { ConnectorError, isNetworkError, parseRetryAfter, type ConnectorErrorDetails } from '../shared/connector-error';
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
 * Translates what the SDK throws into our typed outcomes (DESIGN §2, §4).
 * Only 409 `path/not_found` proves absence. Returns undefined for errors that
 * are not the service's answer (programming errors), which callers rethrow.
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

function fromResponse(status: number, headers: HeadersLike | undefined, body: unknown, kind: DropboxCallKind, cause: unknown): ConnectorError {
  const parsed = typeof body === 'object' && body !== null ? (body as Record<string, unknown>) : {};
  const text = typeof body === 'string' ? body.trim().slice(0, 500) : undefined;
  const apiError = typeof parsed.error === 'object' && parsed.error !== null ? (parsed.error as Record<string, unknown>) : {};
  const tag = typeof apiError['.tag'] === 'string' ? apiError['.tag'] : undefined;
  // Token errors are OAuth-shaped; older answers fold the description into `error` ("invalid_client: …").
  const oauth = typeof parsed.error === 'string' ? parsed.error : undefined;
  const oauthCode = oauth?.split(':')[0]?.trim();
  const summary =
    (typeof parsed.error_summary === 'string' ? parsed.error_summary : undefined) ??
    (typeof parsed.error_description === 'string' ? parsed.error_description : undefined) ??
    oauth ??
    text ??
    `HTTP ${status}`;
  const details = { status, cause };

  if (kind === 'token' && oauthCode === 'invalid_grant') {
    return new ConnectorError('token-revoked', DROPBOX, `Dropbox refused the refresh token: ${summary}`, { ...details, reason: 'invalid_grant' });
  }
  if (kind === 'token' && oauthCode === 'invalid_client') {
    return new ConnectorError('unauthorized', DROPBOX, `Dropbox refused the app key or secret: ${summary}`, { ...details, reason: 'invalid_client' });
  }
  if (status === 401) return new ConnectorError('unauthorized', DROPBOX, `Dropbox refused the access token: ${summary}`, { ...details, reason: tag ?? oauthCode ?? 'unauthorized' });
  if (status === 403) return new ConnectorError('forbidden', DROPBOX, `Dropbox denied access: ${summary}`, { ...details, reason: tag ?? 'forbidden' });
  if (status === 409) {
    const pathTag = typeof apiError.path === 'object' && apiError.path !== null ? (apiError.path as Record<string, unknown>)['.tag'] : undefined;
    if (tag === 'path' && pathTag === 'not_found') return new ConnectorError('not-found', DROPBOX, `Dropbox: ${summary}`, { ...details, reason: 'path/not_found' });
    if (tag === 'reset') return new CursorResetError(`Dropbox reset the cursor: ${summary}`, details);
    return new ConnectorError('invalid-request', DROPBOX, `Dropbox: ${summary}`, { ...details, reason: summary });
  }
  if (status === 429) {
    // The header is always sent; the JSON `retry_after` only when the body is JSON (api-facts §5).
    const bodySeconds = typeof apiError.retry_after === 'number' ? apiError.retry_after * 1000 : undefined;
    const retryAfterMs = parseRetryAfter(headers?.get('retry-after')) ?? bodySeconds;
    return new ConnectorError('rate-limited', DROPBOX, `Dropbox rate limit: ${summary}`, { ...details, reason: 'too_many_requests', ...(retryAfterMs === undefined ? {} : { retryAfterMs }) });
  }
  if (status >= 500) return new ConnectorError('unavailable', DROPBOX, `Dropbox error ${status}: ${summary}`, details);
  return new ConnectorError('invalid-request', DROPBOX, `Dropbox rejected the request (${status}): ${summary}`, { ...details, reason: oauthCode ?? tag ?? `http_${status}` });
}
