import { redactString } from '../../logging/redact';
import { ConnectorError, isNetworkError } from '../shared/connector-error';

export const DROPBOX = 'dropbox';

/** The `fetch` the Dropbox SDK calls for RPC, content and token requests alike. */
export type DropboxFetch = (url: string, init?: RequestInit) => Promise<Response>;

export interface DropboxFetchOptions {
  /** Origin standing in for api/content.dropboxapi.com (an emulator's `http://127.0.0.1:PORT`). */
  baseUrl?: string;
  timeoutMs: number;
  /** The caller's (or the retry policy's) signal: aborting it cancels, it is not a timeout. */
  signal?: AbortSignal;
}

/**
 * The Dropbox SDK hard-codes `https://` hosts, so we hand it this wrapper around
 * Node's own fetch (api-facts §0.1; dropbox >= 10.47 reads bodies with
 * `arrayBuffer()`, 10.34 needed node-fetch v2's `buffer()`). It also adds what
 * the SDK lacks: a per-request timeout, cancellation, and network errors turned
 * into `unavailable` with the URL's secrets left out.
 */
export function createDropboxFetch(options: DropboxFetchOptions): DropboxFetch {
  return async (url, init = {}) => {
    const target = new URL(url);
    if (options.baseUrl) {
      const base = new URL(options.baseUrl);
      target.protocol = base.protocol;
      target.host = base.host;
    }
    const request = target.pathname === '/oauth2/token' ? tokenParamsInBody(target, init) : init;
    const timeout = AbortSignal.timeout(options.timeoutMs);
    const signal = options.signal ? AbortSignal.any([options.signal, timeout]) : timeout;
    const where = target.pathname;
    try {
      return await fetch(target.toString(), { ...request, signal });
    } catch (error) {
      if (options.signal?.aborted) throw error;
      if (timeout.aborted) {
        throw new ConnectorError('unavailable', DROPBOX, `Dropbox did not answer ${where} within ${options.timeoutMs} ms`, { reason: 'timeout' });
      }
      // Node's fetch rejects with TypeError('fetch failed'); the socket's error is its cause.
      const cause = error instanceof TypeError ? error.cause : undefined;
      if (isNetworkError(error) || isNetworkError(cause) || (error instanceof TypeError && error.message === 'fetch failed')) {
        const code = errorCode(cause) ?? errorCode(error) ?? 'network error';
        const message = cause instanceof Error ? cause.message : error instanceof Error ? error.message : String(error);
        // A fetch error's message may hold the URL (token requests: secrets); keep only the code.
        throw new ConnectorError('unavailable', DROPBOX, `Dropbox unreachable at ${target.origin}${where}: ${code}`, {
          reason: code,
          cause: new Error(redactString(message)),
        });
      }
      throw error;
    }
  };
}

function errorCode(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null | undefined)?.code;
  return typeof code === 'string' ? code : undefined;
}

/**
 * The SDK sends the refresh token and app secret in the token URL's query
 * string. Dropbox also takes them as a form body (its own docs use `-d`), which
 * keeps secrets out of URLs that proxies and access logs record.
 */
function tokenParamsInBody(target: URL, init: RequestInit): RequestInit {
  if (!target.search) return init;
  const body = target.searchParams.toString();
  target.search = '';
  const headers = new Headers(init.headers);
  headers.set('Content-Type', 'application/x-www-form-urlencoded');
  return { ...init, headers, body };
}
