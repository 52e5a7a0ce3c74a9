import type { EmulatorResponse } from '../shared/emulator';
import type { FaultScript } from '../shared/faults';

/**
 * Error bodies as Dropbox sends them (api-facts §5): route errors are 409 with
 * `{error_summary, error}`, auth errors 401 with the AuthError tag, malformed
 * input 400 with a plain-text explanation, token endpoint errors OAuth-style.
 */
export function routeError(summary: string, error: Record<string, unknown>): EmulatorResponse {
  return { status: 409, body: { error_summary: `${summary}/..`, error } };
}

export function pathNotFound(): EmulatorResponse {
  return routeError('path/not_found', { '.tag': 'path', path: { '.tag': 'not_found' } });
}

export function pathNotFolder(): EmulatorResponse {
  return routeError('path/not_folder', { '.tag': 'path', path: { '.tag': 'not_folder' } });
}

export function cursorReset(): EmulatorResponse {
  return routeError('reset', { '.tag': 'reset' });
}

export function authError(tag: 'expired_access_token' | 'invalid_access_token'): EmulatorResponse {
  return { status: 401, body: { error_summary: `${tag}/..`, error: { '.tag': tag } } };
}

export function badInput(route: string, message: string): EmulatorResponse {
  return { status: 400, body: `Error in call to API function "${route}": ${message}` };
}

export function oauthError(status: 400 | 401, error: string, description: string): EmulatorResponse {
  return { status, body: { error, error_description: description } };
}

/** Ready-made fault scripts with Dropbox's own bodies, for `emulator.fault(route, …)`. */
export const dropboxFaults = {
  tooManyRequests(retryAfterSeconds: number, times?: number): FaultScript {
    return {
      status: 429,
      headers: { 'Retry-After': String(retryAfterSeconds) },
      body: { error_summary: 'too_many_requests/..', error: { reason: { '.tag': 'too_many_requests' }, retry_after: retryAfterSeconds } },
      ...(times === undefined ? {} : { times }),
    };
  },
  serverError(status = 500, times?: number): FaultScript {
    // Dropbox 5xx bodies are plain text, not JSON.
    return { status, body: 'Internal Server Error', ...(times === undefined ? {} : { times }) };
  },
  /**
   * The token route refusing the app key or secret. Dropbox's body folds the
   * description into `error` (api-facts-2 §13: `{"error": "invalid_client: Invalid
   * client_id or client_secret"}`, 400); clients must match the `invalid_client` prefix.
   */
  invalidClient(times?: number): FaultScript {
    return { status: 400, body: { error: 'invalid_client: Invalid client_id or client_secret' }, ...(times === undefined ? {} : { times }) };
  },
  expiredAccessToken(times?: number): FaultScript {
    const { status, body } = authError('expired_access_token');
    return { status, body, ...(times === undefined ? {} : { times }) };
  },
};
