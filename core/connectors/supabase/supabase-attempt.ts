import type { GoTrueAdminApi } from '@supabase/supabase-js';
import { ConnectorError } from '../shared/connector-error';
import type { AdminClient, ExchangeRecord, GoTrueHttp, SdkResult } from './supabase-client';
import { toConnectorError } from './supabase-errors';

/** One request: the SDK call, then its `{error}` translated into a thrown ConnectorError. */
export async function attempt<T>(client: AdminClient, operation: string, call: (admin: GoTrueAdminApi, gotrue: GoTrueHttp) => Promise<SdkResult<T>>, signal: AbortSignal): Promise<T> {
  const { value, record } = await client.exchange(signal, call);
  if (value.error === null) return value.data;
  // Cancelled by the caller: surface the abort itself, which the policy does not retry.
  if (signal.aborted) throw signal.reason;
  throw withServiceMessage(toConnectorError(value.error, record, operation), record);
}

/**
 * supabase-js reads no body for a 5xx (its message is "{}") and none that is
 * not JSON. When the wire showed GoTrue's own error body, its message is what
 * the admin must see ("Database error creating new user"), not "{}".
 */
function withServiceMessage(error: ConnectorError, record: ExchangeRecord): ConnectorError {
  const own = gotrueErrorBody(record.errorBody);
  if (!own || error.message.includes(own.message)) return error;
  const message = error.message.replace(/: (\{\}|[^:]*)$/, '') + `: ${own.message}`;
  return new ConnectorError(error.kind, error.service, message, {
    ...(error.status === undefined ? {} : { status: error.status }),
    reason: error.reason ?? own.code,
    ...(error.retryAfterMs === undefined ? {} : { retryAfterMs: error.retryAfterMs }),
    cause: error.cause,
  });
}

/** GoTrue's error shapes, new (`{code, message}`) and old (`{code: <status>, error_code, msg}`); anything else is not its own. */
function gotrueErrorBody(text: string | undefined): { code: string; message: string } | null {
  if (!text) return null;
  try {
    const body = JSON.parse(text) as Record<string, unknown>;
    if (typeof body.code === 'string' && typeof body.message === 'string') return { code: body.code, message: body.message };
    if (typeof body.error_code === 'string' && typeof body.msg === 'string') return { code: body.error_code, message: body.msg };
  } catch {
    // not JSON: a proxy's page
  }
  return null;
}
