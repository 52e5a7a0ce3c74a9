import { afterEach, describe, expect, it, vi } from 'vitest';
import { isConnectorError } from '../../core/connectors/shared/connector-error';
import { createSupabaseAuthConnector, type SupabaseAuthConnectorOptions } from '../../core/connectors/supabase/supabase-auth.connector';
import { startSupabaseEmulator, SUPABASE_ROUTES } from '../emulators/supabase/supabase.emulator';
import { gotruePageProxy as pageProxy, type PageOverride as Override } from '../helpers/gotrue-page-proxy';

/*
 * Attacks on the listing's pages asked for ahead (PagesInFlight in listAllUsers), session 16.
 * A proxy in front of the GoTrue emulator lets a test act on one page number: hold it, fail it, answer it
 * with a foreign body. Everything on 127.0.0.1.
 */

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function bulkEmulator(users: number) {
  const bulk = await startSupabaseEmulator({ serviceRoleKey: 's16-service', anonKey: 's16-anon', users: [] });
  const base = Date.parse('2024-01-01T00:00:00Z');
  for (let i = 0; i < users; i++) bulk.addUser({ email: `s16u${i}@example.com`, created_at: new Date(base + i * 1000).toISOString() });
  return bulk;
}

function connect(url: string, serviceRoleKey: string, options: Partial<SupabaseAuthConnectorOptions> = {}) {
  const sent = { count: 0 };
  const connector = createSupabaseAuthConnector({
    url,
    serviceRoleKey,
    perPage: 10,
    onRequest: () => sent.count++,
    ...options,
    policy: { initialDelayMs: 1, maxDelayMs: 20, ...options.policy },
  });
  return { connector, sent };
}

/** Reads the whole listing; the page numbers and every id with its count, or the failure. */
async function readAll(listing: AsyncGenerator<{ page: number; users: { id: string }[]; total: number | null }>, onPage?: (page: number) => Promise<void> | void) {
  const pages: number[] = [];
  const seen = new Map<string, number>();
  try {
    for await (const page of listing) {
      pages.push(page.page);
      for (const user of page.users) seen.set(user.id, (seen.get(user.id) ?? 0) + 1);
      if (pages.length > 50) throw new Error('listing did not stop');
      await onPage?.(page.page);
    }
    return { pages, seen, error: undefined as unknown };
  } catch (error) {
    return { pages, seen, error };
  }
}

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
  vi.restoreAllMocks();
});

async function world(users: number) {
  const emulator = await bulkEmulator(users);
  const proxy = await pageProxy(emulator);
  cleanups.push(() => emulator.close(), () => proxy.close());
  return { emulator, proxy };
}

function watchUnhandled() {
  const unhandled: unknown[] = [];
  const on = (reason: unknown) => unhandled.push(reason);
  process.on('unhandledRejection', on);
  cleanups.push(async () => void process.off('unhandledRejection', on));
  return unhandled;
}

describe('an unchanged listing costs its pages (one more, empty, after a full last page), every user once', () => {
  it.each([0, 1, 9, 10, 11, 19, 20, 21, 30, 31, 45])('%i users at 10 a page', async (n) => {
    const { emulator, proxy } = await world(n);
    const { connector, sent } = connect(proxy.url, emulator.serviceRoleKey);
    const result = await readAll(connector.listAllUsers());
    expect(result.error).toBeUndefined();
    // Only a short page ends a listing (X-Total-Count is counted apart from the rows).
    const expectedPages = Math.floor(n / 10) + 1;
    expect(result.pages).toEqual(Array.from({ length: expectedPages }, (_, i) => i + 1));
    expect(result.seen.size).toBe(n);
    expect([...result.seen.values()].every((c) => c === 1)).toBe(true);
    await sleep(50);
    expect(sent.count).toBe(expectedPages);
    expect(emulator.count(SUPABASE_ROUTES.list)).toBe(expectedPages);
  });
});

describe('a page asked ahead fails as a page asked one at a time does', () => {
  /** The failure when page `page` gets `override` once, the reader slow enough that pages 2-3 are asked ahead. */
  async function failureOn(page: number, override: Override, options: Partial<SupabaseAuthConnectorOptions> = {}) {
    const { emulator, proxy } = await world(50);
    proxy.setHook((p, nth) => (p === page && nth === 1 ? override : 'pass'));
    const { connector, sent } = connect(proxy.url, emulator.serviceRoleKey, options);
    const result = await readAll(connector.listAllUsers(), async () => void (await sleep(30)));
    await sleep(100);
    return { ...result, sent: sent.count, arrivals: proxy.arrivals.map((a) => a.page) };
  }

  const describeError = (error: unknown) => (isConnectorError(error) ? { kind: error.kind, status: error.status, reason: error.reason } : { raw: String(error) });

  it('a revoked key (401 no_authorization) on page 3 fails the listing after pages 1 and 2, like on page 1', async () => {
    const unhandled = watchUnhandled();
    const revoked: Override = { status: 401, body: JSON.stringify({ code: 'no_authorization', message: 'This endpoint requires a Bearer token' }), headers: { 'content-type': 'application/json', 'x-supabase-api-version': '2024-01-01' } };
    const ahead = await failureOn(3, revoked);
    const first = await failureOn(1, revoked);
    expect(ahead.pages).toEqual([1, 2]);
    expect(first.pages).toEqual([]);
    expect(describeError(ahead.error)).toEqual(describeError(first.error));
    expect(describeError(ahead.error)).toMatchObject({ kind: 'misconfigured', status: 401 });
    expect(unhandled).toEqual([]);
  });

  it.each([
    ['HTML 404 from a proxy', { status: 404, body: '<!DOCTYPE html><title>Error 404 (Not Found)!!1</title>', headers: { 'content-type': 'text/html' } }],
    ['an empty 200', { status: 200, body: '', headers: { 'content-type': 'text/html' } }],
    ['JSON of another shape (200)', { status: 200, body: JSON.stringify({ message: 'no Route matched', request_id: 'gw' }), headers: { 'content-type': 'application/json' } }],
    ['a 503 once', { status: 503, body: '', headers: {} }],
    ['a 429 with Retry-After: 0', { status: 429, body: JSON.stringify({ code: 'over_request_rate_limit', message: 'Request rate limit reached' }), headers: { 'content-type': 'application/json', 'retry-after': '0', 'x-supabase-api-version': '2024-01-01' } }],
  ] as [string, Override][])('%s on page 3 (ahead) is retried and the listing completes with every user once, as on page 1', async (_name, override) => {
    vi.spyOn(console, 'error').mockImplementation(() => undefined);
    const unhandled = watchUnhandled();
    const ahead = await failureOn(3, override);
    const first = await failureOn(1, override);
    for (const run of [ahead, first]) {
      expect(run.error).toBeUndefined();
      // Page 6 is the empty one after a full last page (only a short page ends a listing); one call is the retry.
      expect(run.pages).toEqual([1, 2, 3, 4, 5, 6]);
      expect(run.seen.size).toBe(50);
      expect(run.sent).toBe(7);
    }
    expect(unhandled).toEqual([]);
  });

  // Both end on the request timeout as a raw TimeoutError (not a ConnectorError, so never retried): the SDK's own
  // listUsers reads the body outside its error handling too. Pre-existing, and the same ahead as one at a time.
  it('a body that stalls mid-way on page 3 (ahead) ends as it does on page 1, after pages 1 and 2', async () => {
    vi.spyOn(console, 'error').mockImplementation(() => undefined);
    const unhandled = watchUnhandled();
    const options = { requestTimeoutMs: 400, policy: { maxAttempts: 1 } };
    const ahead = await failureOn(3, { stallAfterBytes: 20 }, options);
    const first = await failureOn(1, { stallAfterBytes: 20 }, options);
    expect(describeError(first.error)).toEqual({ raw: 'TimeoutError: The operation was aborted due to timeout' });
    expect(ahead.pages).toEqual([1, 2]);
    expect(describeError(ahead.error)).toEqual(describeError(first.error));
    expect(unhandled).toEqual([]);
  });
});

describe('a reader that stops early', () => {
  it('while a page asked ahead waits out its retry backoff: that page is never sent again', async () => {
    vi.spyOn(console, 'error').mockImplementation(() => undefined);
    const unhandled = watchUnhandled();
    const { emulator, proxy } = await world(50);
    let page3Failed!: () => void;
    const failed = new Promise<void>((resolve) => (page3Failed = resolve));
    proxy.setHook((p, nth) => {
      if (p === 3 && nth === 1) {
        setTimeout(page3Failed, 20);
        return { status: 503, body: '' };
      }
      return 'pass';
    });
    // The retry's backoff is jittered (cockatiel's decorrelated jitter: a first delay anywhere from 0 up): drawn
    // at the middle here, the retry is due about 900 ms after page 3 failed, long after the reader has left.
    vi.spyOn(Math, 'random').mockReturnValue(0.5);
    const { connector, sent } = connect(proxy.url, emulator.serviceRoleKey, { policy: { initialDelayMs: 1000, maxDelayMs: 1000 } });
    const listing = connector.listAllUsers();
    const one = await listing.next();
    expect(one.done).toBe(false);
    await failed;
    // Page 3 failed once and waits for its retry: the reader leaves now.
    await listing.return(undefined);
    const sentAtStop = sent.count;
    // Past the moment the retry was due.
    await sleep(1500);
    expect(sent.count).toBe(sentAtStop);
    expect(proxy.arrivals.filter((a) => a.page === 3)).toHaveLength(1);
    expect(unhandled).toEqual([]);
  });

  it('an outer abort while pages are asked ahead ends the listing with no request after it', async () => {
    const unhandled = watchUnhandled();
    const { emulator, proxy } = await world(50);
    const { connector, sent } = connect(proxy.url, emulator.serviceRoleKey);
    emulator.setLatency(100);
    const controller = new AbortController();
    const result = readAll(connector.listAllUsers(controller.signal), (page) => {
      if (page === 2) controller.abort(new Error('cancelled by the admin'));
    });
    const { pages, error } = await result;
    expect(pages).toEqual([1, 2]);
    expect(error).toBeDefined();
    const at = sent.count;
    await sleep(400);
    expect(sent.count).toBe(at);
    expect(unhandled).toEqual([]);
  });
});

describe('root cause: users who sign up while pages are asked ahead make the listing skip users who never changed', () => {
  it('sign-ups between page 3’s answer and page 2’s leave no user of the start out of the listing (three were, with two pages asked side by side)', async () => {
    const { emulator, proxy } = await world(50);
    const before = emulator.listUsers().map((u) => u.id);
    let armed = true;
    proxy.setHook(async (page): Promise<Override> => {
      if (armed && page === 2) {
        armed = false;
        // Page 3 (asked with page 2) is answered first; three people sign up before page 2 is.
        await Promise.race([proxy.answered(3), sleep(300)]);
        for (let k = 0; k < 3; k++) emulator.addUser({ email: `late${k}@example.com` });
      }
      return 'pass';
    });
    const { connector } = connect(proxy.url, emulator.serviceRoleKey);
    const result = await readAll(connector.listAllUsers());
    expect(result.error).toBeUndefined();
    // Nobody was removed: every user present at the start is still there, and was never listed.
    const missed = before.filter((u) => !result.seen.has(u));
    const positions = missed.map((u) => before.indexOf(u));
    expect(positions, `users at positions ${positions.join(', ')} of the listing (the end of page 2) were on no page`).toEqual([]);
  });

  it('control: the same sign-ups after page 2’s answer and before page 3’s (one at a time) skip nobody', async () => {
    const { emulator, proxy } = await world(50);
    const before = emulator.listUsers().map((u) => u.id);
    let armed = true;
    proxy.setHook(async (page): Promise<Override> => {
      if (armed && page === 3) {
        armed = false;
        await Promise.race([proxy.answered(2), sleep(300)]);
        for (let k = 0; k < 3; k++) emulator.addUser({ email: `late${k}@example.com` });
      }
      return 'pass';
    });
    const { connector } = connect(proxy.url, emulator.serviceRoleKey);
    const result = await readAll(connector.listAllUsers());
    expect(result.error).toBeUndefined();
    expect(before.filter((u) => !result.seen.has(u))).toEqual([]);
  });
});
