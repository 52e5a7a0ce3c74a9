import { createAdminClient } from './supabase-client';
import { invalidUserId, toConnectorError } from './supabase-errors';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export interface UserRecordOptions {
  url: string;
  serviceRoleKey: string;
  requestTimeoutMs?: number;
}

/**
 * One Supabase Auth user exactly as GoTrue's admin API returns it (every
 * field: identities, factors, banned_until, last_sign_in_at …), for a person
 * to read. Engines use `SupabaseAuthConnector.getUser`, which keeps only what
 * they compare; this is the view the Users page's detail panel shows.
 *
 * One request, no retries: the admin is looking at the screen and can ask
 * again. `null` only for GoTrue's own user_not_found; every other failure is
 * thrown as a ConnectorError and never read as absence.
 */
export async function fetchSupabaseUserRecord(options: UserRecordOptions, id: string, signal: AbortSignal = new AbortController().signal): Promise<Record<string, unknown> | null> {
  const uid = id.trim().toLowerCase();
  if (!UUID.test(uid)) throw invalidUserId(id, 'getUser');
  const client = createAdminClient({ url: options.url, serviceRoleKey: options.serviceRoleKey, requestTimeoutMs: options.requestTimeoutMs ?? 15_000 });
  const { value, record } = await client.exchange(signal, (admin) => admin.getUserById(uid));
  if (value.error === null) return JSON.parse(JSON.stringify(value.data.user)) as Record<string, unknown>;
  const error = toConnectorError(value.error, record, 'getUser');
  if (error.kind === 'not-found') return null;
  throw error;
}
