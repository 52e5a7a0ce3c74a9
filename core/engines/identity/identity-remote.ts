import { createSupabaseAuthConnector, type SupabaseAuthConnector } from '../../connectors/supabase/supabase-auth.connector';
import type { NewSupabaseUser, SupabaseUser } from '../../connectors/supabase/supabase-user';
import type { EngineContext } from '../engine';
import { DEFAULT_ROLE, normaliseEmail, normaliseName, ROLE_METADATA_KEY, type IdentityRecord } from './identity-model';

/** Users per admin listUsers page: GoTrue sets no cap, but larger pages time out on real projects (issue 8). */
const SUPABASE_PAGE_SIZE = 1000;

/** One create request, sent exactly once: the connector behind it retries nothing (openRemote, maxAttempts 1). */
export type CreateOnce = (user: NewSupabaseUser, signal: AbortSignal) => Promise<SupabaseUser>;

/** What identity-create.ts makes its create attempts with. */
export interface Creator {
  once: CreateOnce;
  /** First delay between attempts (tests shorten it). */
  initialDelayMs?: number | undefined;
}

export interface RemoteOptions {
  /** Test hook: shorter retry delays. */
  retryInitialDelayMs?: number | undefined;
}

/**
 * The Supabase connection of this run, its API calls counted on the run. Creates go through a connector of their
 * own that sends each request once (maxAttempts 1): identity-create.ts makes the attempts itself, so it knows
 * whether one may have reached GoTrue unanswered, which a retry hidden in the policy would not tell it.
 */
export async function openRemote(context: EngineContext, options: RemoteOptions = {}): Promise<{ connector: SupabaseAuthConnector; creator: Creator; connectionId: number }> {
  const connection = await context.resources.connection('supabase');
  const serviceRoleKey = connection.secrets.serviceRoleKey;
  if (!serviceRoleKey) throw new Error(`The Supabase connection "${connection.name}" has no service role key: add it on the Connections page.`);
  const open = (policy: { initialDelayMs?: number; maxAttempts?: number }) =>
    createSupabaseAuthConnector({ url: String(connection.config.url), serviceRoleKey, perPage: SUPABASE_PAGE_SIZE, onRequest: () => context.apiCalls.record('supabase'), policy });
  const delay = options.retryInitialDelayMs === undefined ? {} : { initialDelayMs: options.retryInitialDelayMs };
  const connector = open(delay);
  const single = open({ maxAttempts: 1 });
  const creator: Creator = { once: (user, signal) => single.createUser(user, signal), initialDelayMs: options.retryInitialDelayMs };
  return { connector, creator, connectionId: connection.id };
}

export function toIdentityRecord(user: SupabaseUser): IdentityRecord {
  const role = user.appMetadata[ROLE_METADATA_KEY];
  return {
    id: user.id,
    email: normaliseEmail(user.email),
    name: normaliseName(user.name),
    emailVerified: user.emailVerified,
    role: typeof role === 'string' && role !== '' ? role : DEFAULT_ROLE,
    ...(user.bannedUntil ? { banned: true } : {}),
  };
}

/** What Supabase should hold for a user whose truth is `record` (create or update attributes). */
export function remoteAttributes(record: IdentityRecord) {
  return {
    // The connector reads full_name, then name: clearing a name clears both.
    userMetadata: record.name === null ? { full_name: null, name: null } : { full_name: record.name },
    appMetadata: { [ROLE_METADATA_KEY]: record.role },
  };
}
