import { ConnectorError, FOREIGN_ANSWER, isNetworkError, type ConnectorFailure } from '../shared/connector-error';
import { CLOUDINARY_SERVICE, type CloudinaryRateLimit } from './cloudinary-types';

/**
 * The SDK rejects with plain objects, not Errors (api-facts §6):
 * - statuses it parses (400/401/403/404/409/420/429/500): `{error: {message, http_code}, request_options, …}`;
 * - any other status (502/503/504, also 201/204): `{message: "Server returned unexpected status code - 503", http_code, …}`;
 * - no answer at all: a Node Error with a `code` (ECONNREFUSED, our ETIMEDOUT).
 * `request_options` carries the Basic-auth credentials, so the raw rejection is
 * never kept as `cause`; only its status and message survive.
 *
 * Invariants (the one place Cloudinary answers are classified):
 * - `not-found` only for Cloudinary's own answer: 404 with the JSON
 *   `{error:{message:"Resource not found - <id>"}}`. A non-JSON 404 (the SDK
 *   turns HTML and empty bodies into "Server return invalid JSON response.
 *   Status Code 404", api-facts-2 §15) or another JSON message is unknown.
 * - a 401 is the connection's (`misconfigured`: "api_secret mismatch",
 *   "Unknown API key"): Cloudinary has no per-user credentials.
 */
interface SdkRejection {
  message?: unknown;
  http_code?: unknown;
  error?: { message?: unknown; http_code?: unknown };
}

export function toCloudinaryError(error: unknown, what: string, known: CloudinaryRateLimit | undefined, now = Date.now()): ConnectorError {
  if (error instanceof ConnectorError) return error;
  if (isNetworkError(error)) {
    const code = (error as { code: string }).code;
    return new ConnectorError('unavailable', CLOUDINARY_SERVICE, `${what}: ${code} (${(error as Error).message})`, { reason: code, cause: error });
  }
  const rejection = (typeof error === 'object' && error !== null ? error : {}) as SdkRejection;
  const status = toNumber(rejection.error?.http_code ?? rejection.http_code);
  const message = toText(rejection.error?.message ?? rejection.message) ?? String(error);
  if (status === undefined) {
    // Not an HTTP answer and not a known network code: a local failure we cannot classify as absence.
    return new ConnectorError('unavailable', CLOUDINARY_SERVICE, `${what}: ${message}`, error instanceof Error ? { cause: error } : {});
  }
  const kind = kindForStatus(status, message, typeof rejection.error === 'object' && rejection.error !== null);
  // 420 carries no headers through the SDK: the reset time known from the last success is the best hint.
  const retryAfterMs = kind === 'rate-limited' && known && known.resetAt.getTime() > now ? known.resetAt.getTime() - now : undefined;
  const reason = kind === 'unavailable' && status < 500 && status !== 408 ? { reason: FOREIGN_ANSWER } : {};
  return new ConnectorError(kind, CLOUDINARY_SERVICE, message, { status, ...reason, ...(retryAfterMs === undefined ? {} : { retryAfterMs }) });
}

/** What the SDK makes of a body that was not JSON (execute_request.js): never Cloudinary's own statement. */
const INVALID_JSON = /^Server return invalid JSON response/;
/** Cloudinary's own not-found message (`Resource not found - <public_id>`). */
const OWN_NOT_FOUND = /^Resource not found\b/;

function kindForStatus(status: number, message: string, wrapped: boolean): ConnectorFailure {
  // A body the SDK could not parse is a proxy's or a front end's page, whatever its status says.
  if (!wrapped || INVALID_JSON.test(message)) return status === 420 || status === 429 ? 'rate-limited' : 'unavailable';
  if (status === 404) return OWN_NOT_FOUND.test(message) ? 'not-found' : 'unavailable';
  if (status === 401) return 'misconfigured';
  if (status === 403) return 'forbidden';
  if (status === 420 || status === 429) return 'rate-limited';
  if (status === 400 || status === 409) return 'invalid-request';
  // 5xx, and "unexpected" statuses (a 200 with a broken body, a 201/204): nothing can be concluded.
  return 'unavailable';
}

const toNumber = (value: unknown): number | undefined => (typeof value === 'number' && Number.isFinite(value) ? value : undefined);
const toText = (value: unknown): string | undefined =>
  typeof value === 'string' ? value : value instanceof Error ? value.message : undefined;
