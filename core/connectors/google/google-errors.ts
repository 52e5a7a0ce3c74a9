import { ConnectorError, FOREIGN_ANSWER, isNetworkError, parseRetryAfter } from '../shared/connector-error';
import { headerValue } from '../shared/header-value';

/**
 * Google errors (googleapis/gaxios) → our typed outcomes (DESIGN.md §2, §4).
 * Decisions use the HTTP status and `errors[0].reason`, never the text, and
 * duck-type the error: `instanceof GaxiosError` breaks whenever two gaxios
 * copies are installed (googleapis 178 had two; 188 dedupes to one), api-facts §1.
 * Invariants (the one place Google answers are classified):
 * - `not-found` only for Google's own JSON envelope from an API route with
 *   status 404 and `errors[0].reason === 'notFound'` (api-facts-2 §11). A 404
 *   that is an HTML page (a gateway, Google's front end), an empty body,
 *   another JSON shape, or any answer of the token endpoint is `unavailable`
 *   (reason `foreign-answer`): unknown, never gone. So is any 3xx (the
 *   plain-fetch path does not follow redirects: google-fetch.ts).
 * - at the token endpoint: `invalid_grant` is the user's (`token-revoked`);
 *   `invalid_client` / `unauthorized_client` are the connection's
 *   (`misconfigured`), never a user's.
 */
const RATE_LIMIT_REASONS = new Set(['rateLimitExceeded', 'userRateLimitExceeded', 'dailyLimitExceeded', 'quotaExceeded', 'RATE_LIMIT_EXCEEDED']);
/** OAuth error codes that mean the admin's OAuth client (id, secret, its type or settings) was refused. */
const CLIENT_ERRORS = new Set(['invalid_client', 'unauthorized_client']);

/** Which kind of Google endpoint answered: OAuth codes only mean something from the token endpoint. */
export type GoogleEndpoint = 'api' | 'token';

interface ApiEnvelope {
  code?: unknown;
  message?: string;
  status?: string;
  errors?: { reason?: string; location?: string }[];
}

interface GoogleErrorBody {
  /** API envelope: `{error:{code,message,errors:[{reason,location}],status}}`; OAuth: `{error, error_description}`. */
  error?: string | ApiEnvelope;
  error_description?: string;
}

interface HttpFailure {
  status: number;
  /** The parsed body, or undefined when it was not a JSON object (HTML, empty, text). */
  body: GoogleErrorBody | undefined;
  header(name: string): string | undefined;
}

/** A page token or history id the service refused: the caller must fall back to a full pass. */
export class CursorRejectedError extends ConnectorError {
  constructor(
    service: string,
    readonly cursor: 'drive-files' | 'drive-changes' | 'gmail-messages' | 'gmail-history',
    cause: ConnectorError,
  ) {
    super('invalid-request', service, `${cursor} cursor rejected: ${cause.message}; start again from a full listing`, {
      ...(cause.status === undefined ? {} : { status: cause.status }),
      ...(cause.reason === undefined ? {} : { reason: cause.reason }),
      cause,
    });
    this.name = 'CursorRejectedError';
  }
}

export function mapGoogleError(error: unknown, service: string, endpoint: GoogleEndpoint = 'api'): unknown {
  if (error instanceof ConnectorError || isAbort(error)) return error;
  const failure = httpFailure(error);
  if (!failure) {
    // No HTTP answer: refused connection, reset, DNS, or our own timeout. Nothing can be concluded.
    const detail = isNetworkError(error) || isNetworkError(causeOf(error)) ? 'network error' : 'no response';
    return new ConnectorError('unavailable', service, `${detail}: ${networkMessageOf(error)}`, { cause: error });
  }
  const { status, body } = failure;
  const envelope = body && typeof body.error === 'object' && body.error !== null ? body.error : undefined;
  const oauth = body && typeof body.error === 'string' ? body.error : undefined;
  if (endpoint === 'token') return fromTokenEndpoint(failure, oauth, service, error);
  if (!envelope || (status >= 300 && status < 400)) {
    // Not Google's API envelope (HTML from a gateway or front end, an empty body, another JSON), or a redirect
    // (Google's APIs never send one; whatever body it carries is not an answer about the item): unknown.
    const kind = status === 429 ? 'rate-limited' : 'unavailable';
    return new ConnectorError(kind, service, `HTTP ${status} without Google's error envelope: ${snippet(error, body)}`, { status, cause: error, reason: FOREIGN_ANSWER });
  }
  const reason = envelope.errors?.[0]?.reason ?? envelope.status;
  const message = envelope.message ?? messageOf(error);
  const details = { status, cause: error, ...(reason === undefined ? {} : { reason }) };
  if (status === 429 || (status === 403 && reason !== undefined && RATE_LIMIT_REASONS.has(reason))) {
    const retryAfterMs = parseRetryAfter(failure.header('retry-after'));
    return new ConnectorError('rate-limited', service, message, { ...details, ...(retryAfterMs === undefined ? {} : { retryAfterMs }) });
  }
  if (status === 401) return new ConnectorError('unauthorized', service, message, details);
  if (status === 403) return new ConnectorError('forbidden', service, message, details);
  if (status === 404) {
    // Only Google's own reason proves absence; a 404 envelope with another reason is not a statement about the item.
    if (envelope.errors?.[0]?.reason === 'notFound') return new ConnectorError('not-found', service, message, details);
    return new ConnectorError('unavailable', service, `HTTP 404 (${reason ?? 'no reason'}): ${message}`, { ...details, reason: reason ?? FOREIGN_ANSWER });
  }
  if (status === 408 || status >= 500) return new ConnectorError('unavailable', service, message, details);
  return new ConnectorError('invalid-request', service, message, details);
}

/** The token endpoint answers OAuth-shaped errors (`{error, error_description}`), never the API envelope. */
function fromTokenEndpoint(failure: HttpFailure, oauth: string | undefined, service: string, cause: unknown): ConnectorError {
  const { status, body } = failure;
  const message = oauth ? `${oauth}: ${body?.error_description ?? ''}`.trim().replace(/:$/, '') : `token endpoint HTTP ${status}: ${snippet(cause, body)}`;
  const details = { status, cause, reason: oauth ?? FOREIGN_ANSWER };
  if (oauth === 'invalid_grant') return new ConnectorError('token-revoked', service, message, details);
  if (oauth !== undefined && CLIENT_ERRORS.has(oauth)) return new ConnectorError('misconfigured', service, message, details);
  if (status === 429) return new ConnectorError('rate-limited', service, message, { ...details, ...retryAfter(failure) });
  if (oauth !== undefined && status >= 400 && status < 500) {
    // invalid_request, unsupported_grant_type…: our request or the client's type is wrong; no user can fix it.
    return new ConnectorError('misconfigured', service, message, details);
  }
  // HTML, an empty body, 5xx: the endpoint did not say anything about the grant or the client.
  return new ConnectorError('unavailable', service, message, details);
}

function retryAfter(failure: HttpFailure): { retryAfterMs?: number } {
  const ms = parseRetryAfter(failure.header('retry-after'));
  return ms === undefined ? {} : { retryAfterMs: ms };
}

/** The parameter a 400 named (`errors[0].location`), e.g. `pageToken`. */
export function rejectedParameter(error: unknown): string | undefined {
  const source = error instanceof ConnectorError ? error.cause : error;
  const body = httpFailure(source)?.body;
  return typeof body?.error === 'object' && body.error !== null ? body.error.errors?.[0]?.location : undefined;
}

function httpFailure(error: unknown): HttpFailure | undefined {
  const response = (error as { response?: { status?: unknown; data?: unknown; headers?: unknown } } | null)?.response;
  if (!response || typeof response.status !== 'number') return undefined;
  const headers = response.headers;
  return {
    status: response.status,
    // Stream requests (exports) lose the parsed body; gaxios leaves the raw JSON text in the message.
    body: response.data === undefined || response.data === '' ? parseBody(messageOf(error)) : parseBody(response.data),
    header: (name) => headerValue(headers, name),
  };
}

/** The body as a parsed JSON object, whether gaxios parsed it or left it as text; undefined for anything else. */
function parseBody(data: unknown): GoogleErrorBody | undefined {
  let value = data;
  if (typeof data === 'string') {
    try {
      value = JSON.parse(data) as unknown;
    } catch {
      return undefined;
    }
  }
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as GoogleErrorBody) : undefined;
}

/** A short, single-line excerpt of what answered, for the message (an HTML page can be long). */
function snippet(error: unknown, body: GoogleErrorBody | undefined): string {
  const raw = body ? JSON.stringify(body) : (error as { response?: { data?: unknown } } | null)?.response?.data;
  const text = typeof raw === 'string' ? raw : '';
  const title = /<title>([^<]*)<\/title>/i.exec(text)?.[1];
  const flat = (title ?? text).replace(/\s+/g, ' ').trim();
  return flat === '' ? 'empty body' : flat.slice(0, 200);
}

/** The caller cancelled: not a service failure, and never retried. */
function isAbort(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === 'AbortError' || (error instanceof Error && error.name === 'AbortError');
}

function causeOf(error: unknown): unknown {
  const cause = (error as { cause?: unknown } | null)?.cause;
  return (cause as { cause?: unknown } | null)?.cause ?? cause;
}

/**
 * Node's fetch (undici) says only "fetch failed" and keeps the socket's error
 * in its cause; name that too, so the admin reads "connect ECONNREFUSED
 * 127.0.0.1:443" as node-fetch's message says it.
 */
function networkMessageOf(error: unknown): string {
  const message = messageOf(error);
  const cause = causeOf(error);
  return message === 'fetch failed' && cause instanceof Error && cause.message ? `${message} (${cause.message})` : message;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
