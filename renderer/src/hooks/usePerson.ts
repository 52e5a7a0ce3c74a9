import type { Person } from '@core/api';
import { useQuery } from '@tanstack/react-query';
import type { ApiClient } from '../client/client';
import { useClient } from './useClient';

/** As `users.lookup` takes them (core/api/users.ts MAX_LOOKUP_KEYS, and at most 320 characters a key). */
const MAX_KEYS = 200;
const MAX_KEY_CHARS = 320;
/** Labels mounted in the same render ask within this window, and are answered by one call. */
const BATCH_WINDOW_MS = 10;
/** People change rarely; an identity repair shows up within this time. */
const PERSON_STALE_MS = 5 * 60_000;

interface Waiter {
  resolve: (person: Person | null) => void;
  reject: (error: Error) => void;
}

/**
 * Collects the keys every label asks for during a short window and resolves
 * them with one `users.lookup` per 200 keys: a page of 100 runs is one call,
 * not 100. Null means the product database has nobody by that key; a lookup
 * that could not be made (no product database, an error) rejects with why,
 * so no label says "no such user" when nobody was asked. Keys are sent
 * trimmed, as the host reads them, and matched back so; a key the host would
 * refuse (blank, too long) names nobody and is never sent, so it cannot make
 * the whole batch fail.
 */
export class PersonBatcher {
  private pending = new Map<string, Waiter[]>();
  private timer: ReturnType<typeof setTimeout> | null = null;

  constructor(private readonly client: Pick<ApiClient, 'request'>) {}

  load(key: string): Promise<Person | null> {
    const asked = key.trim();
    if (asked === '' || asked.length > MAX_KEY_CHARS) return Promise.resolve(null);
    return new Promise((resolve, reject) => {
      const waiters = this.pending.get(asked);
      if (waiters) waiters.push({ resolve, reject });
      else this.pending.set(asked, [{ resolve, reject }]);
      this.timer ??= setTimeout(() => this.flush(), BATCH_WINDOW_MS);
    });
  }

  private flush(): void {
    const batch = this.pending;
    this.pending = new Map();
    this.timer = null;
    const keys = [...batch.keys()];
    for (let start = 0; start < keys.length; start += MAX_KEYS) {
      const chunk = keys.slice(start, start + MAX_KEYS);
      const each = (settle: (waiter: Waiter, key: string) => void) => chunk.forEach((key) => batch.get(key)?.forEach((waiter) => settle(waiter, key)));
      this.client.request('users.lookup', { keys: chunk }).then(
        (result) => {
          if (result.unavailable !== null) return each((waiter) => waiter.reject(new Error(result.unavailable ?? '')));
          const found = new Map(result.users.map((entry) => [entry.key, entry.user]));
          each((waiter, key) => waiter.resolve(found.get(key) ?? null));
        },
        (error: unknown) => each((waiter) => waiter.reject(error instanceof Error ? error : new Error(String(error)))),
      );
    }
  }
}

const batchers = new WeakMap<ApiClient, PersonBatcher>();
function batcherOf(client: ApiClient): PersonBatcher {
  let batcher = batchers.get(client);
  if (!batcher) batchers.set(client, (batcher = new PersonBatcher(client)));
  return batcher;
}

/**
 * Who a user id or email is (null: nobody the product database knows, or not known yet). Cached per key.
 * `unknown` says why nobody could be asked (no product database, a failed lookup): then null is no answer.
 */
export function usePerson(key: string | null | undefined): { person: Person | null; loading: boolean; unknown: string | null } {
  const client = useClient();
  const query = useQuery({
    queryKey: ['users.lookup', 'person', key ?? ''],
    queryFn: () => batcherOf(client).load(key ?? ''),
    enabled: Boolean(key),
    staleTime: PERSON_STALE_MS,
    // Each retry would be one more lookup per label; the next mount (or PERSON_STALE_MS) asks again.
    retry: false,
    // The label says why nobody was looked up (on hover); a toast per page of labels would only add noise.
    meta: { errorToast: false },
  });
  return { person: query.data ?? null, loading: query.isPending && Boolean(key), unknown: query.error ? query.error.message || 'the lookup failed' : null };
}

/** The person's email (or the key as given) as plain text, for a line that is already a button (Overview's recent runs). */
export function usePersonName(userKey: string | null): string | null {
  const { person } = usePerson(userKey);
  if (!userKey) return null;
  return person ? (person.email ?? person.id) : userKey;
}
