import type { GoogleClientOptions } from './google-caller';

/**
 * One Google REST GET without googleapis: the request googleapis would send
 * for the same parameters, answered the way gaxios answers it, so
 * mapGoogleError classifies every outcome exactly as before.
 * Why: the calls that run thousands to millions of times a run go through
 * here: Gmail's messages.get (once per imported message) and Drive's
 * files.list / changes.list pages (a million-file diff is thousands of
 * pages). Through googleapis and gaxios each call cost about 0.8 ms of CPU
 * against 0.24 ms for the same request as a plain `fetch` (mail-import
 * bench, 50 users × 1,000 messages): URL templates, qs, header objects,
 * AbortSignal.any and the response translation per call.
 * Invariants: the URL is googleapis' (`new URL(path, rootUrl)`, so only the
 * root's origin counts; path values encoded as url-template's simple
 * expansion; query keys in the order given, arrays repeated, booleans and
 * numbers as text, spaces as %20); the token is the one the caller just made
 * current on the auth client; a non-2xx answer throws an error carrying
 * `response.{status,data,headers}` like a GaxiosError, a timeout
 * `code: 'TimeoutError'`, the caller's abort `code: 'AbortError'`, and a
 * network failure what gaxios threw over the transport the replaced client
 * used (`GoogleRestApi.transport`). One difference on purpose: a redirect is
 * not followed (gaxios follows it) but answered as the 3xx it is, unknown.
 */

/** What the googleapis client being replaced used: its default root and gaxios' transport. */
export interface GoogleRestApi {
  readonly defaultRoot: string;
  /**
   * gaxios' own default (node-fetch over node:http), or Node's fetch given as
   * `fetchImplementation`. A network failure reads differently in each
   * (node-fetch: "request to URL failed, reason: …" with the socket's code;
   * Node's fetch: "fetch failed" with the socket's error as the cause's cause).
   */
  readonly transport: 'node-fetch' | 'fetch';
}

/** googleapis' gmail client: gaxios' default transport. */
/**
 * Google compresses an answer only for a client whose User-Agent names gzip
 * (as googleapis' "google-api-nodejs-client/x (gzip)" does); without it a
 * 1,000-file listing page comes back whole. fetch decodes gzip itself.
 */
const COMPRESSED = { 'accept-encoding': 'gzip', 'user-agent': 'syncwarden (gzip)' } as const;

export const GMAIL_API: GoogleRestApi = { defaultRoot: 'https://gmail.googleapis.com/', transport: 'node-fetch' };
/** DriveConnector's googleapis client was given Node's fetch (docs/performance.md, second pass). */
export const DRIVE_API: GoogleRestApi = { defaultRoot: 'https://www.googleapis.com/', transport: 'fetch' };

export type GoogleQuery = Readonly<Record<string, string | number | boolean | readonly string[]>>;

/** A non-2xx answer, shaped as mapGoogleError reads a GaxiosError. */
class GoogleHttpError extends Error {
  readonly response: { status: number; data: unknown; headers: Headers };

  constructor(status: number, data: unknown, headers: Headers) {
    super(`Request failed with status code ${status}`);
    this.name = 'GoogleHttpError';
    this.response = { status, data, headers };
  }
}

/** googleapis' URL for `path` (`/gmail/v1/...`, `/drive/v3/...`) and query (arrays repeated), under the client's root. */
export function googleUrl(api: GoogleRestApi, options: Pick<GoogleClientOptions, 'rootUrl'>, path: string, query: GoogleQuery): string {
  const parts: string[] = [];
  for (const [key, value] of Object.entries(query)) {
    const values = typeof value === 'object' ? value : [String(value)];
    for (const v of values) parts.push(`${encodeQuery(key)}=${encodeQuery(v)}`);
  }
  return new URL(parts.length ? `${path}?${parts.join('&')}` : path, options.rootUrl ?? api.defaultRoot).href;
}

/** url-template's simple expansion of a path value: encodeURIComponent plus !'()*. */
export function encodePathValue(value: string): string {
  return encodeURIComponent(value).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/** qs' RFC 3986 encoding (what googleapis' paramsSerializer uses). */
function encodeQuery(value: string): string {
  return encodePathValue(value);
}

/** GET `url` with the client's current access token; the parsed JSON body (or its text, when it is not JSON). */
export async function googleGet(api: GoogleRestApi, options: GoogleClientOptions, url: string, signal: AbortSignal): Promise<unknown> {
  const token = options.auth.credentials.access_token;
  const controller = new AbortController();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    controller.abort();
  }, options.timeout);
  const forward = () => controller.abort();
  if (signal.aborted) forward();
  else signal.addEventListener('abort', forward, { once: true });
  try {
    // Never followed: Google's JSON APIs do not redirect, and what a gateway's redirect leads to (our URL without
    // its query, another host's Drive-shaped page) is not the answer to this request. A 3xx is thrown like any
    // non-2xx and classified unknown (mapGoogleError), never read as a listing that proves absence (DESIGN §4.1).
    const headers: Record<string, string> = { ...COMPRESSED, ...(token ? { authorization: `Bearer ${token}` } : {}) };
    const response = await fetch(url, { headers, signal: controller.signal, redirect: 'manual' });
    const text = await response.text();
    const data = parseBody(text);
    if (response.status < 200 || response.status >= 300) throw new GoogleHttpError(response.status, data, response.headers);
    return data;
  } catch (error) {
    if (error instanceof GoogleHttpError) throw error;
    throw transportFailure(api, url, error, timedOut, signal.aborted);
  } finally {
    clearTimeout(timer);
    signal.removeEventListener('abort', forward);
  }
}

/** What gaxios threw when no answer came: a timeout, the caller's abort, or the network. */
function transportFailure(api: GoogleRestApi, url: string, error: unknown, timedOut: boolean, aborted: boolean): Error {
  const message = error instanceof Error ? error.message : String(error);
  if (timedOut) return Object.assign(new Error('The operation was aborted due to timeout', { cause: error }), { code: 'TimeoutError' });
  if (aborted) return Object.assign(new Error(api.transport === 'fetch' ? message : `The operation was aborted: ${message}`, { cause: error }), { code: 'AbortError' });
  // Node's fetch: gaxios kept "fetch failed" and the TypeError (the socket's error, ECONNREFUSED…, is its cause).
  if (api.transport === 'fetch') return new Error(message, { cause: error });
  // node-fetch's wording, with the socket's code (ECONNREFUSED…) for isNetworkError.
  const cause = (error as { cause?: { message?: unknown; code?: unknown } } | null)?.cause;
  const reason = typeof cause?.message === 'string' && cause.message !== '' ? cause.message : message;
  const failure = new Error(`request to ${url} failed, reason: ${reason}`, { cause: error });
  return typeof cause?.code === 'string' ? Object.assign(failure, { code: cause.code }) : failure;
}

/** gaxios' JSON response type: the parsed body, or the text when it does not parse (an HTML page, an empty body). */
function parseBody(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}
