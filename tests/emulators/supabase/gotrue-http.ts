import type { EmulatorRequest, EmulatorResponse } from '../shared/emulator';
import type { FaultScript } from '../shared/faults';

/**
 * GoTrue's HTTP conventions (api-facts §7; source `errors.go`, `auth.go`,
 * `pagination.go`): error bodies by API version, admin-key checks, and the
 * `Link` / `X-Total-Count` pagination headers.
 */
export const API_VERSION_HEADER = 'X-Supabase-Api-Version';
const API_VERSION_2024 = '2024-01-01';

/** `DetermineClosestAPIVersion`: any valid date on or after 2024-01-01 means the 2024-01-01 format. */
function requestApiVersion(request: EmulatorRequest): string | undefined {
  const raw = request.headers[API_VERSION_HEADER.toLowerCase()];
  const value = Array.isArray(raw) ? raw[0] : raw;
  if (!value || !/^\d{4}-\d{2}-\d{2}$/.test(value) || Number.isNaN(Date.parse(value))) return undefined;
  return value >= API_VERSION_2024 ? API_VERSION_2024 : undefined;
}

/**
 * `HandleResponseError`: with API version 2024-01-01 the body is `{code, message}`
 * and the version is echoed; without it the old `{code: <status>, error_code, msg}`.
 * `x-sb-error-code` is set either way.
 */
export function gotrueError(request: EmulatorRequest, status: number, code: string, message: string): EmulatorResponse {
  const version = requestApiVersion(request);
  return {
    status,
    body: version ? { code, message } : { code: status, error_code: code, msg: message },
    headers: { 'x-sb-error-code': code, ...(version ? { [API_VERSION_HEADER]: version } : {}) },
  };
}

/** A fault script whose answer looks like GoTrue's own (2024-01-01 format), for `emulator.fault(...)`. */
export function gotrueFault(status: number, code: string, message: string, extra: Omit<FaultScript, 'status' | 'body'> = {}): FaultScript {
  return {
    ...extra,
    status,
    body: { code, message },
    headers: { 'x-sb-error-code': code, [API_VERSION_HEADER]: API_VERSION_2024, ...extra.headers },
  };
}

/** 429 as GoTrue's limiter writes it; `retryAfterSeconds` adds a Retry-After (a gateway may send one). */
export function rateLimitFault(times: number, retryAfterSeconds?: number): FaultScript {
  return gotrueFault(429, 'over_request_rate_limit', 'Request rate limit reached', {
    times,
    ...(retryAfterSeconds === undefined ? {} : { headers: { 'Retry-After': String(retryAfterSeconds) } }),
  });
}

export interface AdminKeys {
  serviceRoleKey: string;
  anonKey: string;
}

/**
 * `requireAdminCredentials`: no bearer → 401 `no_authorization`; the anon key (a
 * valid JWT whose role is not an admin role) → 403 `not_admin`; anything else
 * fails JWT verification → 403 `bad_jwt`. Returns undefined when the caller is admin.
 */
export function checkAdmin(request: EmulatorRequest, keys: AdminKeys): EmulatorResponse | undefined {
  const match = /^bearer\s+(\S+)$/i.exec(request.headers.authorization ?? '');
  const token = match?.[1];
  if (!token) return gotrueError(request, 401, 'no_authorization', 'This endpoint requires a Bearer token');
  if (token === keys.serviceRoleKey) return undefined;
  if (token === keys.anonKey) return gotrueError(request, 403, 'not_admin', 'User not allowed');
  return gotrueError(request, 403, 'bad_jwt', 'invalid JWT: unable to parse or verify signature, token is malformed');
}

/**
 * `addPaginationHeaders`: `Link` always carries rel="last" (page 0 when there are
 * no users) and rel="next" while pages remain; the URL is the request URL as
 * GoTrue sees it (behind the gateway, without `/auth/v1`), with `page` replaced
 * and the query re-encoded with keys sorted, as Go's `url.Values.Encode` does.
 */
export function paginationHeaders(request: EmulatorRequest, page: number, perPage: number, total: number): Record<string, string> {
  const totalPages = Math.ceil(total / perPage);
  const path = request.path.replace(/^\/auth\/v1/, '');
  const link = (target: number) => {
    const query = new URLSearchParams(request.query);
    query.set('page', String(target));
    query.sort();
    return `<${path}?${query.toString()}>`;
  };
  let header = '';
  if (totalPages > page) header += `${link(page + 1)}; rel="next", `;
  header += `${link(totalPages)}; rel="last"`;
  return { Link: header, 'X-Total-Count': String(total) };
}

/** `paginate`: empty means the default, otherwise an unsigned integer; per_page 0 is refused. */
export function parsePagination(query: URLSearchParams): { page: number; perPage: number } | { error: string } {
  const read = (name: string, fallback: number): number | string => {
    const raw = query.get(name) ?? '';
    if (raw === '') return fallback;
    return /^\d+$/.test(raw) ? Number(raw) : `strconv.ParseUint: parsing "${raw}": invalid syntax`;
  };
  const page = read('page', 1);
  const perPage = read('per_page', 50);
  if (typeof page === 'string') return { error: page };
  if (typeof perPage === 'string') return { error: perPage };
  if (perPage === 0) return { error: 'per_page must be greater than 0' };
  return { page, perPage };
}
