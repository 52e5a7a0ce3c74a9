import { afterEach, describe, expect, it } from 'vitest';
import { createSupabaseAuthConnector } from '../../core/connectors/supabase/supabase-auth.connector';
import { startSupabaseEmulator } from '../emulators/supabase/supabase.emulator';
import { gotruePageProxy } from '../helpers/gotrue-page-proxy';

/*
 * Attack s16b: the listing's stop condition trusts X-Total-Count over a full page. A total that is too small
 * (a proxy, or GoTrue's count query and page query, which are two statements: a sign-up between them) ends
 * the listing while a full page says more users follow: users are on no page, and nothing says so.
 */

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function world(users: number) {
  const emulator = await startSupabaseEmulator({ serviceRoleKey: 's16b-service', anonKey: 's16b-anon', users: [] });
  const base = Date.parse('2024-01-01T00:00:00Z');
  for (let i = 0; i < users; i++) emulator.addUser({ email: `s16b${i}@example.com`, created_at: new Date(base + i * 1000).toISOString() });
  const proxy = await gotruePageProxy(emulator);
  cleanups.push(() => emulator.close(), () => proxy.close());
  const connector = createSupabaseAuthConnector({ url: proxy.url, serviceRoleKey: emulator.serviceRoleKey, perPage: 10, policy: { initialDelayMs: 1, maxDelayMs: 20 } });
  return { emulator, proxy, connector };
}

async function readAll(connector: ReturnType<typeof createSupabaseAuthConnector>) {
  const seen = new Set<string>();
  const totals: (number | null)[] = [];
  let error: unknown;
  try {
    let pages = 0;
    for await (const page of connector.listAllUsers()) {
      totals.push(page.total);
      for (const u of page.users) seen.add(u.id);
      if (++pages > 50) throw new Error('listing did not stop');
    }
  } catch (e) {
    error = e;
  }
  return { seen, totals, error };
}

describe('X-Total-Count that is too small while pages are full', () => {
  it('a constant total of 20 over 30 users: the listing gives every user, or fails (it must not end quietly at 20)', async () => {
    const { proxy, connector } = await world(30);
    proxy.setRewrite((_page, headers) => void (headers['x-total-count'] = '20'));
    const { seen, totals, error } = await readAll(connector);
    // Every page said 20, so no consumer comparing totals sees a shift, and 20 distinct users = the total.
    expect(totals.every((total) => total === 20)).toBe(true);
    expect(error !== undefined || seen.size === 30, `the listing ended quietly after ${seen.size} of 30 users (page 2 was full)`).toBe(true);
  });

  it("GoTrue's count and page are two statements: sign-ups between page 3's count and its rows end the listing one page short", async () => {
    const { emulator, proxy, connector } = await world(30);
    const oldIds = new Set(emulator.listUsers().map((u) => u.id));
    proxy.setRewrite((page, headers) => {
      if (page === 3) headers['x-total-count'] = String(countBefore ?? headers['x-total-count']);
    });
    let countBefore: number | undefined;
    proxy.setHook((page) => {
      if (page === 3 && countBefore === undefined) {
        // GoTrue: SELECT count(*) ... ; (two people sign up) ; SELECT ... ORDER BY created_at DESC OFFSET 20 LIMIT 10
        countBefore = emulator.listUsers().length;
        emulator.addUser({ email: 'late1@example.com' });
        emulator.addUser({ email: 'late2@example.com' });
      }
    });
    const { seen, totals, error } = await readAll(connector);
    expect(error).toBeUndefined();
    // Users who existed before the listing began and throughout it, on no page.
    const missing = [...oldIds].filter((id) => !seen.has(id));
    expect(missing, `users present throughout on no page; totals ${JSON.stringify(totals)}, pages ${JSON.stringify(proxy.arrivals.map((a) => a.page))}`).toEqual([]);
  });
});

describe('answers that do not follow the page numbers', () => {
  it('a proxy that answers page 1 to every page fails the listing on page 2, never lists for ever', async () => {
    const { emulator, proxy, connector } = await world(30);
    const pageOne = await fetch(`${emulator.url}/auth/v1/admin/users?page=1&per_page=10`, { headers: { apikey: emulator.serviceRoleKey, authorization: `Bearer ${emulator.serviceRoleKey}` } });
    const body = await pageOne.text();
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    for (const name of ['link', 'x-total-count']) headers[name] = pageOne.headers.get(name) ?? '';
    proxy.setHook(() => ({ status: 200, body, headers }));
    const { seen, error } = await readAll(connector);
    expect(error).toMatchObject({ kind: 'unavailable', reason: 'foreign-answer' });
    expect((error as Error).message).toContain('page 2 came back as page 1 again');
    expect(seen.size).toBe(10);
    // Page 1, page 2 and at most page 3 asked ahead: bounded.
    expect(proxy.arrivals.length).toBeLessThanOrEqual(3);
  });
});
