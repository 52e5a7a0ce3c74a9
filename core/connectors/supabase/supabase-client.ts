import { AsyncLocalStorage } from 'node:async_hooks';
import { createClient, type AuthError, type GoTrueAdminApi } from '@supabase/supabase-js';
import { parseRetryAfter } from '../shared/connector-error';

/**
 * supabase-js, set up for server-side admin calls, with a fetch of our own in
 * front of it. The SDK keeps only status and code of a failed call; the
 * wrapper also records what the wire showed (Retry-After, the status even when
 * the body was not JSON, the network error code) and applies the caller's
 * abort signal and a per-request timeout, which the admin methods do not take.
 */
export interface ExchangeRecord {
  status?: number;
  retryAfterMs?: number;
  /** ECONNREFUSED, ETIMEDOUT, … when no HTTP answer came back. */
  networkCode?: string;
  /** The first 4 KB of an error answer's body, read from a clone (the SDK drops it for 5xx). */
  errorBody?: string;
}

/** What the SDK's admin API object sends with (a request of our own, gotrue-list-users.ts): its base URL (…/auth/v1), its headers, its fetch. */
export interface GoTrueHttp {
  url: string;
  headers: Readonly<Record<string, string>>;
  fetch: typeof fetch;
}

/** What an admin call resolves to: supabase-js' `{data, error}`. */
export type SdkResult<T> = { data: T; error: null } | { data: unknown; error: AuthError };

interface ExchangeContext {
  signal: AbortSignal;
  record: ExchangeRecord;
}

export interface AdminClient {
  /**
   * Runs one SDK admin call. Its requests use `signal` and fill the returned
   * record; AsyncLocalStorage keeps concurrent calls apart. `gotrue` sends a
   * request of our own as the SDK would: its URL and headers, through the
   * same instrumented fetch (gotrue-list-users.ts).
   */
  exchange<T>(signal: AbortSignal, call: (admin: GoTrueAdminApi, gotrue: GoTrueHttp) => Promise<T>): Promise<{ value: T; record: ExchangeRecord }>;
}

export interface AdminClientOptions {
  url: string;
  serviceRoleKey: string;
  requestTimeoutMs: number;
}

export function createAdminClient(options: AdminClientOptions): AdminClient {
  const contexts = new AsyncLocalStorage<ExchangeContext>();

  const instrumentedFetch: typeof fetch = async (input, init) => {
    const context = contexts.getStore();
    const signals = [AbortSignal.timeout(options.requestTimeoutMs)];
    if (context) signals.push(context.signal);
    if (init?.signal) signals.push(init.signal);
    try {
      const response = await fetch(input, { ...init, signal: AbortSignal.any(signals) });
      if (context) {
        context.record.status = response.status;
        context.record.retryAfterMs = parseRetryAfter(response.headers.get('retry-after'));
        if (response.status >= 400) context.record.errorBody = await response.clone().text().then((text) => text.slice(0, 4096), () => undefined);
      }
      return response;
    } catch (error) {
      if (context) context.record.networkCode = networkCode(error);
      throw error;
    }
  };

  const client = createClient(options.url, options.serviceRoleKey, {
    // No session of our own: the service role key is the credential on every call.
    auth: { persistSession: false, autoRefreshToken: false, detectSessionInUrl: false },
    // createClient builds realtime eagerly on Node's global WebSocket (Node >= 22; Electron 45
    // runs Node 24). On Node 20 it threw without a `ws` transport (api-facts §0.1).
    global: { fetch: instrumentedFetch },
  });
  const admin = client.auth.admin;
  const gotrue: GoTrueHttp = { ...sdkRequestBase(admin), fetch: instrumentedFetch };

  return {
    async exchange(signal, call) {
      const record: ExchangeRecord = {};
      const value = await contexts.run({ signal, record }, () => call(admin, gotrue));
      return { value, record };
    },
  };
}

/**
 * The admin API's own base URL (…/auth/v1) and headers (apikey, Authorization,
 * X-Client-Info), which the SDK keeps as protected fields: read once, so a
 * request of our own is the one the SDK would send. Checked, because an SDK
 * upgrade could rename them (the equivalence test would then fail too).
 */
function sdkRequestBase(admin: GoTrueAdminApi): { url: string; headers: Readonly<Record<string, string>> } {
  const fields = admin as unknown as { url?: unknown; headers?: unknown };
  const headers = fields.headers;
  if (typeof fields.url !== 'string' || typeof headers !== 'object' || headers === null || Object.values(headers).some((value) => typeof value !== 'string')) {
    throw new Error('supabase-js: the admin API no longer keeps its URL and headers where the connector reads them (supabase-client.ts)');
  }
  // The SDK's own object, not a copy: each request copies it as the SDK does.
  return { url: fields.url, headers: headers as Record<string, string> };
}

/** undici puts the socket error in `cause`; aborts and timeouts come as DOMExceptions. */
function networkCode(error: unknown): string {
  if (error instanceof Error && error.name === 'TimeoutError') return 'ETIMEDOUT';
  if (error instanceof Error && error.name === 'AbortError') return 'ABORTED';
  const cause = error instanceof Error ? (error.cause as { code?: unknown } | undefined) : undefined;
  return typeof cause?.code === 'string' ? cause.code : 'FETCH_FAILED';
}
