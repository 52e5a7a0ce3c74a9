/**
 * Typed outcomes of every connector. Engines decide on these kinds, never on
 * raw status codes or SDK error shapes (DESIGN.md §2, §4):
 * - not-found: the service said definitively that the thing does not exist;
 * - unauthorized: the credentials were refused (401, or 403 for auth reasons);
 * - forbidden: authenticated, but not allowed to see this item;
 * - token-revoked: the grant is gone (OAuth invalid_grant, Dropbox expired refresh): the user must reconnect;
 * - misconfigured: the CONNECTION's own credentials were refused (OAuth `invalid_client` /
 *   `unauthorized_client`, a wrong API secret or service key): the admin must fix the
 *   connection; no user is at fault and none may be flagged (DESIGN §4.2, see fault.ts);
 * - rate-limited: slow down; `retryAfterMs` says for how long when the service told us;
 * - unavailable: 5xx, timeouts, network errors, and any answer that is not the service's own
 *   (a proxy's HTML 404, an empty body, another JSON shape: reason `foreign-answer`): nothing can be concluded;
 * - invalid-request: our request was malformed (a bug or a bad mapping), not retryable.
 * Only `not-found` ever proves absence; everything else is "unknown".
 */
export const CONNECTOR_FAILURES = ['not-found', 'unauthorized', 'forbidden', 'token-revoked', 'misconfigured', 'rate-limited', 'unavailable', 'invalid-request'] as const;
export type ConnectorFailure = (typeof CONNECTOR_FAILURES)[number];

export interface ConnectorErrorDetails {
  status?: number;
  /** The service's own reason code, e.g. Drive `notFound`, Dropbox `path/not_found`. */
  reason?: string;
  retryAfterMs?: number;
  cause?: unknown;
}

export class ConnectorError extends Error {
  readonly status: number | undefined;
  readonly reason: string | undefined;
  readonly retryAfterMs: number | undefined;

  constructor(
    readonly kind: ConnectorFailure,
    readonly service: string,
    message: string,
    details: ConnectorErrorDetails = {},
  ) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.name = 'ConnectorError';
    this.status = details.status;
    this.reason = details.reason;
    this.retryAfterMs = details.retryAfterMs;
  }
}

export function isConnectorError(error: unknown, kind?: ConnectorFailure): error is ConnectorError {
  return error instanceof ConnectorError && (kind === undefined || error.kind === kind);
}

/** Worth trying again later: the service was busy or unreachable, not wrong. */
export function isTransient(error: unknown): boolean {
  return isConnectorError(error) && (error.kind === 'rate-limited' || error.kind === 'unavailable');
}

/** Reason of an `unavailable` that was an answer, but not in the service's own shape (DESIGN §4.1). */
export const FOREIGN_ANSWER = 'foreign-answer';

/** Parses a Retry-After header: delta-seconds or an HTTP date. */
export function parseRetryAfter(value: string | null | undefined, now = Date.now()): number | undefined {
  if (!value) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/** Network-level failures (no HTTP answer at all) share one mapping. */
export function isNetworkError(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return (
    typeof code === 'string' &&
    ['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'ENOTFOUND', 'EAI_AGAIN', 'EPIPE', 'UND_ERR_SOCKET', 'UND_ERR_CONNECT_TIMEOUT', 'ECONNABORTED'].includes(code)
  );
}
