import { ConnectorError, isNetworkError, parseRetryAfter } from '../shared/connector-error';

/**
 * Google errors (googleapis/gaxios) → our typed outcomes (DESIGN.md §2).
 * Decisions use the HTTP status and `errors[0].reason`, never the text, and
 * duck-type the error: gaxios is installed twice on Node 20, so `instanceof
 * GaxiosError` is unreliable (api-facts §1).
 * Invariant: only a 404 becomes `not-found`; a 401/403/429/5xx/timeout never does.
 */
const RATE_LIMIT_REASONS = new Set(['rateLimitExceeded', 'userRateLimitExceeded', 'dailyLimitExceeded', 'quotaExceeded', 'RATE_LIMIT_EXCEEDED']);

interface GoogleErrorBody {
  /** API envelope: `{error:{code,message,errors:[{reason,location}],status}}`; OAuth: `{error, error_description}`. */
  error?: string | { message?: string; status?: string; errors?: { reason?: string; location?: string }[] };
  error_description?: string;
}

interface HttpFailure {
  status: number;
  body: GoogleErrorBody;
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

export function mapGoogleError(error: unknown, service: string): unknown {
  if (error instanceof ConnectorError || isAbort(error)) return error;
  const failure = httpFailure(error);
  if (!failure) {
    // No HTTP answer: refused connection, reset, DNS, or our own timeout. Nothing can be concluded.
    const detail = isNetworkError(error) || isNetworkError(causeOf(error)) ? 'network error' : 'no response';
    return new ConnectorError('unavailable', service, `${detail}: ${messageOf(error)}`, { cause: error });
  }
  const { status, body } = failure;
  const envelope = typeof body.error === 'object' ? body.error : undefined;
  const reason = envelope?.errors?.[0]?.reason ?? envelope?.status ?? (typeof body.error === 'string' ? body.error : undefined);
  const message = envelope?.message ?? (typeof body.error === 'string' ? `${body.error}: ${body.error_description ?? ''}`.trim() : messageOf(error));
  const details = { status, cause: error, ...(reason === undefined ? {} : { reason }) };
  if (body.error === 'invalid_grant') return new ConnectorError('token-revoked', service, message, details);
  if (status === 429 || (status === 403 && reason !== undefined && RATE_LIMIT_REASONS.has(reason))) {
    const retryAfterMs = parseRetryAfter(failure.header('retry-after'));
    return new ConnectorError('rate-limited', service, message, { ...details, ...(retryAfterMs === undefined ? {} : { retryAfterMs }) });
  }
  if (status === 401) return new ConnectorError('unauthorized', service, message, details);
  if (status === 403) return new ConnectorError('forbidden', service, message, details);
  if (status === 404) return new ConnectorError('not-found', service, message, details);
  if (status === 408 || status >= 500) return new ConnectorError('unavailable', service, message, details);
  return new ConnectorError('invalid-request', service, message, details);
}

/** The parameter a 400 named (`errors[0].location`), e.g. `pageToken`. */
export function rejectedParameter(error: unknown): string | undefined {
  const source = error instanceof ConnectorError ? error.cause : error;
  const body = httpFailure(source)?.body;
  return typeof body?.error === 'object' ? body.error.errors?.[0]?.location : undefined;
}

function httpFailure(error: unknown): HttpFailure | undefined {
  const response = (error as { response?: { status?: unknown; data?: unknown; headers?: unknown } } | null)?.response;
  if (!response || typeof response.status !== 'number') return undefined;
  const headers = response.headers;
  return {
    status: response.status,
    // Stream requests (exports) lose the parsed body; gaxios leaves the raw JSON text in the message.
    body: response.data === undefined || response.data === '' ? parseBody(messageOf(error)) : parseBody(response.data),
    header(name) {
      // gaxios 7 gives a Headers object, but not always the global class (node-fetch's): duck-type it.
      const getter = (headers as { get?: unknown } | undefined)?.get;
      if (typeof getter === 'function') return (getter.call(headers, name) as string | null) ?? undefined;
      const value = (headers as Record<string, unknown> | undefined)?.[name];
      return typeof value === 'string' ? value : undefined;
    },
  };
}

/** The body as parsed JSON, whether gaxios parsed it or left it as text. */
function parseBody(data: unknown): GoogleErrorBody {
  if (typeof data === 'string') {
    try {
      return JSON.parse(data) as GoogleErrorBody;
    } catch {
      return {};
    }
  }
  return data !== null && typeof data === 'object' ? (data as GoogleErrorBody) : {};
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

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
