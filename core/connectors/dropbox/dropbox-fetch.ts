import nodeFetch, { Headers, type RequestInit, type Response } from 'node-fetch';
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
 * dropbox 10.34 hard-codes `https://` hosts and needs node-fetch v2 (it calls
 * `res.buffer()`), so we hand it this wrapper (api-facts §0.1). It also adds
 * what the SDK lacks: a per-request timeout, cancellation, and network errors
 * turned into `unavailable` with the URL's secrets left out.
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
      return await nodeFetch(target.toString(), { ...request, signal });
    } catch (error) {
      if (options.signal?.aborted) throw error;
      if (timeout.aborted) {
        throw new ConnectorError('unavailable', DROPBOX, `Dropbox did not answer ${where} within ${options.timeoutMs} ms`, { reason: 'timeout' });
      }
      if (isNetworkError(error) || (error instanceof Error && error.name === 'FetchError')) {
        const code = (error as { code?: string }).code ?? 'network error';
        const message = error instanceof Error ? error.message : String(error);
        // node-fetch puts the full URL (token requests: secrets) in its message; keep only the code.
        throw new ConnectorError('unavailable', DROPBOX, `Dropbox unreachable at ${target.origin}${where}: ${code}`, {
          reason: code,
          cause: new Error(redactString(message)),
        });
      }
      throw error;
    }
  };
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
