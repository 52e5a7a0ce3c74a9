import type { GoTrueAdminApi } from '@supabase/supabase-js';
import type { ConnectionCheck } from '../shared/connection-check';
import { PagesInFlight } from '../../base/pages-in-flight';
import { ConnectorError, FOREIGN_ANSWER, isConnectorError } from '../shared/connector-error';
import { createServicePolicy, type ServicePolicy, type ServicePolicyOptions } from '../shared/service-policy';
import { listPage } from './gotrue-list-users';
import { attempt } from './supabase-attempt';
import { createAdminClient, type GoTrueHttp, type SdkResult } from './supabase-client';
import { invalidUserId, SUPABASE_SERVICE } from './supabase-errors';
import { toSupabaseUser, type ListedUser, type NewSupabaseUser, type SupabaseUser, type SupabaseUserPage, type SupabaseUserPatch } from './supabase-user';

/**
 * Supabase Auth admin (GoTrue) through supabase-js (the listing's pages as the
 * SDK's own request without it: gotrue-list-users.ts). Every method either returns
 * plain domain data or throws a ConnectorError; retries happen only in the
 * service policy. The SDK makes no retries of its own for admin calls.
 */
export interface SupabaseAuthConnector {
  readonly policy: ServicePolicy;
  /**
   * Every user, soft-deleted ones included (flagged `deleted`), page by page.
   * Offset paging is not a snapshot: a user deleted while the listing runs can
   * shift another one past a page boundary, so a user missing from a listing is
   * never proof of absence; only `getUser` → not-found is.
   */
  listAllUsers(signal?: AbortSignal): AsyncGenerator<SupabaseUserPage, void, undefined>;
  getUser(id: string, signal?: AbortSignal): Promise<SupabaseUser>;
  createUser(user: NewSupabaseUser, signal?: AbortSignal): Promise<SupabaseUser>;
  updateUser(id: string, patch: SupabaseUserPatch, signal?: AbortSignal): Promise<SupabaseUser>;
  /** Idempotent: a user that is already gone gives `absent`, not an error. */
  deleteUser(id: string, options: { soft: boolean }, signal?: AbortSignal): Promise<'deleted' | 'absent'>;
  /** One cheap authenticated call (listUsers page 1, perPage 1), never retried. */
  testConnection(signal?: AbortSignal): Promise<ConnectionCheck>;
}

export interface SupabaseAuthConnectorOptions {
  /** Project URL, e.g. https://abc.supabase.co (the SDK appends /auth/v1). */
  url: string;
  serviceRoleKey: string;
  /** Users per listUsers page. GoTrue has no cap in page mode; 1,000 keeps pages small and calls few. */
  perPage?: number;
  requestTimeoutMs?: number;
  /** Called for every request sent, retries included. */
  onRequest?: () => void;
  policy?: Partial<Omit<ServicePolicyOptions, 'service' | 'onRequest'>>;
}

/**
 * Listing pages asked for or held beyond the one the reader is on: the next one is being answered while the reader
 * works (one request at a time left GoTrue idle half of the listing, issue 19), and one more may wait parsed.
 */
const LISTING_PAGES_AHEAD = 2;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export function createSupabaseAuthConnector(options: SupabaseAuthConnectorOptions): SupabaseAuthConnector {
  const perPage = options.perPage ?? 1000;
  const client = createAdminClient({ url: options.url, serviceRoleKey: options.serviceRoleKey, requestTimeoutMs: options.requestTimeoutMs ?? 30_000 });
  const policy = createServicePolicy({
    service: SUPABASE_SERVICE,
    concurrency: 4,
    ...options.policy,
    ...(options.onRequest ? { onRequest: options.onRequest } : {}),
  });
  const run = <T>(operation: string, call: (admin: GoTrueAdminApi, gotrue: GoTrueHttp) => Promise<SdkResult<T>>, signal?: AbortSignal) =>
    policy.execute((attemptSignal) => attempt(client, operation, call, attemptSignal), signal);

  return {
    policy,

    async *listAllUsers(signal) {
      // Each page is asked for as soon as the answer to the one before it has come (PagesInFlight): in order, so
      // a user who signs up meanwhile makes a page repeat a user, never skip one.
      const lastPageOf = (headers: Headers): number | null => {
        // As the SDK reads it: X-Total-Count, only with a Link header.
        const total = headers.get('link') ? Number(headers.get('x-total-count')) : NaN;
        return Number.isFinite(total) && total > 0 ? Math.ceil(total / perPage) : null;
      };
      const pages: PagesInFlight<{ users: ListedUser[]; total: number }> = new PagesInFlight(
        (page, pageSignal) => run('listUsers', (_admin, gotrue) => listPage(gotrue, page, perPage, (headers) => pages.answeredNow(page, lastPageOf(headers))), pageSignal),
        { depth: LISTING_PAGES_AHEAD, signal },
      );
      try {
        // Page numbers come from our own counter: the SDK's nextPage/lastPage keep only the
        // first digit of the page number (page 12 → 1), so they are never read (api-facts §7).
        let previousFirst: unknown;
        for (let page = 1; ; page++) {
          const data = await pages.take(page);
          const total = Number.isFinite(data.total) && data.total > 0 ? data.total : null;
          // A full page that starts with the user the page before it started with is that page again (a proxy or
          // cache that drops the query string): read on, the listing would never come to a short page.
          const first = (data.users[0] as { id?: unknown } | undefined)?.id;
          if (page > 1 && data.users.length === perPage && first !== undefined && first === previousFirst) {
            throw new ConnectorError('unavailable', SUPABASE_SERVICE, `listUsers: page ${page} came back as page ${page - 1} again (it starts with the same user): the answers do not follow the page numbers, so nothing is concluded from the listing (is a proxy or cache dropping the query string?)`, { reason: FOREIGN_ANSWER });
          }
          previousFirst = first;
          yield { page, users: data.users.map(toSupabaseUser), total };
          // Only a short page ends the listing. GoTrue counts the users (X-Total-Count) in a statement apart from the
          // page's rows: a full page that reaches the count may have more users after it (sign-ups between the two),
          // so one more page is asked for, empty when the count was right (one call when the users are an exact
          // number of pages). Ending on the count gave a listing short of users without a word.
          if (data.users.length < perPage) return;
        }
      } finally {
        pages.drop();
      }
    },

    async getUser(id, signal) {
      const uid = checkedId(id, 'getUser');
      const data = await run('getUser', (admin) => admin.getUserById(uid), signal);
      return toSupabaseUser(data.user);
    },

    async createUser(user, signal) {
      const attributes = {
        ...(user.id !== undefined ? { id: checkedId(user.id, 'createUser') } : {}),
        email: user.email,
        email_confirm: user.emailConfirmed ?? false,
        user_metadata: user.userMetadata ?? {},
        app_metadata: user.appMetadata ?? {},
      };
      const data = await run('createUser', (admin) => admin.createUser(attributes), signal);
      return toSupabaseUser(data.user);
    },

    async updateUser(id, patch, signal) {
      const uid = checkedId(id, 'updateUser');
      const attributes = {
        ...(patch.email !== undefined ? { email: patch.email } : {}),
        ...(patch.emailConfirmed ? { email_confirm: true } : {}),
        ...(patch.userMetadata ? { user_metadata: patch.userMetadata } : {}),
        ...(patch.appMetadata ? { app_metadata: patch.appMetadata } : {}),
        ...(patch.banDuration ? { ban_duration: patch.banDuration } : {}),
      };
      const data = await run('updateUser', (admin) => admin.updateUserById(uid, attributes), signal);
      return toSupabaseUser(data.user);
    },

    async deleteUser(id, { soft }, signal) {
      const uid = checkedId(id, 'deleteUser');
      try {
        await run('deleteUser', (admin) => admin.deleteUser(uid, soft), signal);
        return 'deleted';
      } catch (error) {
        // A retry after a lost answer, or a second repair run, finds the user gone: same end state.
        if (isConnectorError(error, 'not-found')) return 'absent';
        throw error;
      }
    },

    async testConnection(signal) {
      options.onRequest?.();
      try {
        const data = await attempt(client, 'testConnection', (admin) => admin.listUsers({ page: 1, perPage: 1 }), signal ?? new AbortController().signal);
        return { ok: true, status: 'ok', message: `service role key accepted; ${data.total} users` };
      } catch (error) {
        if (!isConnectorError(error)) throw error;
        const message = error.message.replace(/^testConnection: /, '');
        if (error.kind === 'unauthorized' || error.kind === 'misconfigured') return { ok: false, status: 'bad-credentials', message };
        if (error.kind === 'unavailable' && error.status === 0) return { ok: false, status: 'unreachable', message };
        return { ok: false, status: 'error', message };
      }
    },
  };
}

/** The SDK throws on a non-UUID id (lower-case only) before sending anything; refuse it typed instead. */
function checkedId(id: string, operation: string): string {
  const uid = id.trim().toLowerCase();
  if (!UUID.test(uid)) throw invalidUserId(id, operation);
  return uid;
}
