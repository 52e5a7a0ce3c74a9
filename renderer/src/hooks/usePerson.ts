import type { Person } from '@core/api';
import { useQuery } from '@tanstack/react-query';
import type { ApiClient } from '../client/client';
import { useClient } from './useClient';

/** As `users.lookup` takes them (MAX_LOOKUP_KEYS). */
const MAX_KEYS = 200;
/** Labels mounted in the same render ask within this window, and are answered by one call. */
const BATCH_WINDOW_MS = 10;
/** People change rarely; an identity repair shows up within this time. */
const PERSON_STALE_MS = 5 * 60_000;

type Waiter = (person: Person | null) => void;

/**
 * Collects the keys every label asks for during a short window and resolves
 * them with one `users.lookup` per 200 keys: a page of 100 runs is one call,
 * not 100. A failed lookup answers null (the label shows the id as given):
 * a person's name is a nicety, never a reason for an error toast.
 */
class PersonBatcher {
  private pending = new Map<string, Waiter[]>();
  private timer: ReturnType<typeof setTimeout> | null = null;

  constructor(private readonly client: ApiClient) {}

  load(key: string): Promise<Person | null> {
    return new Promise((resolve) => {
      const waiters = this.pending.get(key);
      if (waiters) waiters.push(resolve);
      else this.pending.set(key, [resolve]);
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
      const answer = (found: Map<string, Person>) => chunk.forEach((key) => batch.get(key)?.forEach((resolve) => resolve(found.get(key) ?? null)));
      this.client.request('users.lookup', { keys: chunk }).then(
        (result) => answer(new Map(result.users.map((entry) => [entry.key, entry.user]))),
        () => answer(new Map()),
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

/** Who a user id or email is (null: nobody the product database knows, or not known yet). Cached per key. */
export function usePerson(key: string | null | undefined): { person: Person | null; loading: boolean } {
  const client = useClient();
  const query = useQuery({
    queryKey: ['users.lookup', 'person', key ?? ''],
    queryFn: () => batcherOf(client).load(key ?? ''),
    enabled: Boolean(key),
    staleTime: PERSON_STALE_MS,
  });
  return { person: query.data ?? null, loading: query.isPending && Boolean(key) };
}

/** The person's email (or the key as given) as plain text, for a line that is already a button (Overview's recent runs). */
export function usePersonName(userKey: string | null): string | null {
  const { person } = usePerson(userKey);
  if (!userKey) return null;
  return person ? (person.email ?? person.id) : userKey;
}
