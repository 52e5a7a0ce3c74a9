import Database from 'better-sqlite3';

/**
 * The bare floor of an identity check of the same two sides: plain fetch
 * paging of the same GoTrue emulator's admin listing (1,000 a page, as the
 * engine asks; GoTrue has no field selection), each user folded to one
 * comparable string, then one bare better-sqlite3 pass over the users table
 * (`iterate`, never all rows at once) classifying each row: in sync, local
 * only, inconsistent; what is left of the remote side is remote only.
 * No findings, no progress, no yielding: what any implementation must spend.
 * It holds the remote side in a Map (a floor of time, not of memory).
 */
interface IdentityFloorWorld {
  url: string;
  serviceRoleKey: string;
  dbPath: string;
  /**
   * Ask for the next page as soon as this page's answer head comes (X-Total-Count says it exists), before its body
   * is read, as the engine does (PagesInFlight). Off: one request at a time, the plain paging.
   */
  nextAtHead?: boolean;
}

interface RemoteUser {
  id: string;
  email?: string;
  email_confirmed_at?: string | null;
  user_metadata?: { full_name?: string; name?: string };
  app_metadata?: { role?: string };
}

interface IdentityFloorResult {
  calls: number;
  inSync: number;
  localOnly: number;
  remoteOnly: number;
  inconsistent: number;
}

const PER_PAGE = 1000;

export async function identityFloor(world: IdentityFloorWorld): Promise<IdentityFloorResult> {
  const counter = { calls: 0 };
  const remote = new Map<string, string>();
  await listEveryUser(world, counter, (u) => remote.set(u.id, signature(u.email ?? '', u.user_metadata?.full_name ?? u.user_metadata?.name ?? '', u.email_confirmed_at ? 1 : 0, u.app_metadata?.role ?? '')));
  const result: IdentityFloorResult = { calls: 0, inSync: 0, localOnly: 0, remoteOnly: 0, inconsistent: 0 };
  const db = new Database(world.dbPath, { readonly: true });
  try {
    const rows = db.prepare('SELECT id, email, name, email_verified, role FROM users').raw().iterate() as Iterable<[string, string, string | null, number, string | null]>;
    for (const [id, email, name, verified, role] of rows) {
      const theirs = remote.get(id);
      if (theirs === undefined) result.localOnly++;
      else {
        remote.delete(id);
        if (theirs === signature(email, name ?? '', verified ? 1 : 0, role ?? '')) result.inSync++;
        else result.inconsistent++;
      }
    }
  } finally {
    db.close();
  }
  result.remoteOnly = remote.size;
  result.calls = counter.calls;
  return result;
}

/**
 * The floor's listing, every page of it (1,000 a page), each user handed to `onUser`. Alone (a no-op `onUser`), it is
 * the identity bench's warm-up: the emulator's first listing then costs neither the product nor the floor.
 */
export async function listEveryUser(world: Pick<IdentityFloorWorld, 'url' | 'serviceRoleKey' | 'nextAtHead'>, counter: { calls: number }, onUser: (user: RemoteUser) => void): Promise<void> {
  const headers = { apikey: world.serviceRoleKey, authorization: `Bearer ${world.serviceRoleKey}` };
  const request = (page: number) => {
    counter.calls++;
    return fetch(`${world.url}/auth/v1/admin/users?page=${page}&per_page=${PER_PAGE}`, { headers });
  };
  let next: Promise<Response> | undefined = request(1);
  for (let page = 1; ; page++) {
    const response = await (next ?? request(page));
    next = undefined;
    if (!response.ok) throw new Error(`floor listing: HTTP ${response.status}`);
    // GoTrue's Link header names a next page only when there is one: no empty trailing page is asked for.
    const more = (response.headers.get('link') ?? '').includes('rel="next"');
    if (world.nextAtHead && more && page * PER_PAGE < Number(response.headers.get('x-total-count') ?? 0)) next = request(page + 1);
    const body = (await response.json()) as { users: RemoteUser[] };
    for (const u of body.users) onUser(u);
    if (body.users.length < PER_PAGE || !more) return;
  }
}

const signature = (email: string, name: string, verified: number, role: string) => `${email.toLowerCase()}\u0000${name}\u0000${verified}\u0000${role}`;
