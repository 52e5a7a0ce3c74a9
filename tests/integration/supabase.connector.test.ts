import { createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { isConnectorError } from '../../core/connectors/shared/connector-error';
import { createSupabaseAuthConnector, type SupabaseAuthConnectorOptions } from '../../core/connectors/supabase/supabase-auth.connector';
import type { SupabaseUser } from '../../core/connectors/supabase/supabase-user';
import { gotrueFault, rateLimitFault, startSupabaseEmulator, SUPABASE_ROUTES, type SupabaseEmulator } from '../emulators/supabase/supabase.emulator';
import { connectorFailure } from '../helpers/connector-failure';

// The real supabase-js 2.109 against the GoTrue emulator: one emulator for the file (the
// bulk-listing test starts its own), fast backoff so retries cost milliseconds.
const ADA = '6f1c2e1a-1b8e-4c43-9a57-0d0c6f0a0001';
const GRACE = '6f1c2e1a-1b8e-4c43-9a57-0d0c6f0a0002';
const GONE = '6f1c2e1a-1b8e-4c43-9a57-0d0c6f0a0003';
const UNKNOWN = '00000000-0000-4000-8000-000000000000';

let emulator: SupabaseEmulator;
beforeAll(async () => {
  emulator = await startSupabaseEmulator();
});
afterAll(async () => emulator?.close());

function connect(target: SupabaseEmulator, options: Partial<SupabaseAuthConnectorOptions> = {}) {
  const sent = { count: 0 };
  const connector = createSupabaseAuthConnector({
    url: target.url,
    serviceRoleKey: target.serviceRoleKey,
    onRequest: () => sent.count++,
    ...options,
    policy: { initialDelayMs: 1, maxDelayMs: 20, ...options.policy },
  });
  return { connector, sent };
}

/** The SDK logs every failed fetch with console.error; keep the test output readable. */
function quietSdk() {
  return vi.spyOn(console, 'error').mockImplementation(() => undefined);
}

describe('listing users', () => {
  it('sees 12,345 users exactly once in 13 calls of 1,000, through page numbers ≥ 10 that the SDK misreads', async () => {
    const bulk = await startSupabaseEmulator({ serviceRoleKey: 'bulk-service', anonKey: 'bulk-anon', users: [] });
    try {
      const base = Date.parse('2024-01-01T00:00:00Z');
      for (let i = 0; i < 12_345; i++) bulk.addUser({ email: `user${i}@example.com`, created_at: new Date(base + i * 1000).toISOString() });
      const { connector, sent } = connect(bulk);
      const seen = new Map<string, number>();
      const pages: number[] = [];
      for await (const page of connector.listAllUsers()) {
        pages.push(page.page);
        expect(page.total).toBe(12_345);
        for (const user of page.users) seen.set(user.id, (seen.get(user.id) ?? 0) + 1);
        if (pages.length > 20) throw new Error('listing did not stop');
      }
      expect(pages).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13]);
      expect(seen.size).toBe(12_345);
      expect([...seen.values()].every((n) => n === 1)).toBe(true);
      expect(bulk.count(SUPABASE_ROUTES.list)).toBe(13);
      expect(sent.count).toBe(13);
    } finally {
      await bulk.close();
    }
  });

  it('a full page that reaches X-Total-Count is not the end: one more page is asked for (the count is a statement of its own)', async () => {
    const { connector } = connect(emulator, { perPage: 1 });
    const before = emulator.count(SUPABASE_ROUTES.list);
    const ids: string[] = [];
    for await (const page of connector.listAllUsers()) ids.push(...page.users.map((u) => u.id));
    expect(ids).toHaveLength(emulator.listUsers().length);
    expect(emulator.count(SUPABASE_ROUTES.list) - before).toBe(emulator.listUsers().length + 1);
  });

  it('keeps soft-deleted users in the listing, flagged deleted and without their obfuscated email', async () => {
    const { connector } = connect(emulator);
    const users: SupabaseUser[] = [];
    for await (const page of connector.listAllUsers()) users.push(...page.users);
    expect(users.find((u) => u.id === GONE)).toMatchObject({ deleted: true, email: null, name: null, userMetadata: {} });
    expect(users.find((u) => u.id === ADA)).toMatchObject({ deleted: false, email: 'ada@example.com' });
  });
});

describe('listing pages asked for ahead', () => {
  const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

  async function bulkEmulator(users: number) {
    const bulk = await startSupabaseEmulator({ serviceRoleKey: 'ahead-service', anonKey: 'ahead-anon', users: [] });
    const base = Date.parse('2024-01-01T00:00:00Z');
    for (let i = 0; i < users; i++) bulk.addUser({ email: `ahead${i}@example.com`, created_at: new Date(base + i * 1000).toISOString() });
    return bulk;
  }

  it('while the reader holds a page the next two are asked for, each once the one before it is answered, never a third', async () => {
    const bulk = await bulkEmulator(4_500);
    try {
      const { connector, sent } = connect(bulk);
      const listing = connector.listAllUsers()[Symbol.asyncIterator]();
      const first = await listing.next();
      expect(first.done ? null : first.value.page).toBe(1);
      await vi.waitFor(() => expect(bulk.count(SUPABASE_ROUTES.list)).toBe(3));
      await sleep(150);
      expect(bulk.count(SUPABASE_ROUTES.list)).toBe(3);
      const seen = new Set(first.done ? [] : first.value.users.map((u) => u.id));
      const pages = [1];
      for (let step = await listing.next(); !step.done; step = await listing.next()) {
        pages.push(step.value.page);
        for (const user of step.value.users) seen.add(user.id);
      }
      expect(pages).toEqual([1, 2, 3, 4, 5]);
      expect(seen.size).toBe(4_500);
      // Never past the total: exactly the listing's pages.
      expect(bulk.count(SUPABASE_ROUTES.list)).toBe(5);
      expect(sent.count).toBe(5);
    } finally {
      await bulk.close();
    }
  });

  it('a reader that stops early leaves no page running: those asked ahead are aborted, not retried, never thrown', async () => {
    const bulk = await bulkEmulator(5_000);
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    try {
      // Every call waits 150 ms on the network: page 2 is on its way when the reader leaves.
      bulk.setLatency(150);
      const { connector, sent } = connect(bulk);
      let read = 0;
      for await (const page of connector.listAllUsers()) {
        read += page.users.length;
        break;
      }
      expect(read).toBe(1_000);
      // Page 2 was asked for when page 1 was answered; page 3 waits for page 2's answer, which never comes.
      expect(sent.count).toBe(2);
      await sleep(400);
      expect(sent.count).toBe(2);
      expect(unhandled).toEqual([]);
    } finally {
      process.off('unhandledRejection', onUnhandled);
      await bulk.close();
    }
  });

  it('a page asked for ahead that fails fails the listing where the reader takes it, after the pages before it', async () => {
    const bulk = await bulkEmulator(5_000);
    try {
      bulk.setLatency(150);
      const { connector, sent } = connect(bulk);
      const pages: number[] = [];
      const failure = await (async () => {
        try {
          for await (const page of connector.listAllUsers()) {
            pages.push(page.page);
            // Page 2 is already asked for: it meets a refusal that is never retried.
            if (page.page === 1) bulk.fault(SUPABASE_ROUTES.list, gotrueFault(403, 'not_admin', 'User not allowed', { times: 1 }));
          }
          return null;
        } catch (error) {
          return error;
        }
      })();
      expect(pages).toEqual([1]);
      expect(failure).toMatchObject({ kind: 'misconfigured', status: 403, reason: 'not_admin' });
      // Page 3 is never asked for: page 2 was not answered.
      expect(sent.count).toBe(2);
    } finally {
      await bulk.close();
    }
  });

  it('a listing whose total shrinks while pages are asked ahead ends on its short page', async () => {
    const bulk = await bulkEmulator(3_000);
    try {
      bulk.setLatency(150);
      const { connector, sent } = connect(bulk);
      const listing = connector.listAllUsers()[Symbol.asyncIterator]();
      const first = await listing.next();
      expect(first.done ? null : first.value.total).toBe(3_000);
      // Page 2 is on its way; 1,500 users go before the service answers it. Offset paging then skips users (the
      // engine looks them up, identity-gaps.ts), but the listing ends on page 2 (500 users), whose answer says
      // there is no page 3: it is never asked for.
      for (const user of bulk.listUsers().slice(0, 1_500)) bulk.removeUser(user.id);
      const pages: { page: number; users: number; total: number | null }[] = [];
      for (let step = await listing.next(); !step.done; step = await listing.next()) pages.push({ page: step.value.page, users: step.value.users.length, total: step.value.total });
      expect(pages).toEqual([{ page: 2, users: 500, total: 1_500 }]);
      expect(sent.count).toBe(2);
    } finally {
      await bulk.close();
    }
  });
});

describe('typed outcomes', () => {
  it('returns plain users: name from full_name, else name; verified from email_confirmed_at', async () => {
    const { connector } = connect(emulator);
    expect(await connector.getUser(ADA)).toMatchObject({ id: ADA, email: 'ada@example.com', name: 'Ada Lovelace', emailVerified: true, role: 'authenticated', deleted: false, appMetadata: { plan: 'pro' } });
    expect(await connector.getUser(GRACE)).toMatchObject({ name: 'Grace Hopper', emailVerified: false });
  });

  it('an unknown id is not-found (user_not_found), the only outcome that proves absence', async () => {
    const error = await connectorFailure(connect(emulator).connector.getUser(UNKNOWN));
    expect(error).toMatchObject({ kind: 'not-found', status: 404, reason: 'user_not_found' });
  });

  it('a malformed id is invalid-request and sends no request', async () => {
    const { connector, sent } = connect(emulator);
    const error = await connectorFailure(connector.getUser('not-a-uuid'));
    expect(error).toMatchObject({ kind: 'invalid-request', reason: 'validation_failed' });
    expect(sent.count).toBe(0);
  });

  it('a key without the admin role is the connection’s misconfiguration, with the service’s message, and not retried', async () => {
    const { connector, sent } = connect(emulator, { serviceRoleKey: emulator.anonKey });
    const error = await connectorFailure(connector.getUser(ADA));
    expect(error).toMatchObject({ kind: 'misconfigured', status: 403, reason: 'not_admin' });
    expect(error.message).toContain('User not allowed');
    expect(sent.count).toBe(1);
  });

  it('a 429 that outlasts the attempts is rate-limited and carries Retry-After', async () => {
    emulator.fault(SUPABASE_ROUTES.get, rateLimitFault(2, 0.01));
    const { connector, sent } = connect(emulator, { policy: { maxAttempts: 2 } });
    const error = await connectorFailure(connector.getUser(ADA));
    emulator.clearFaults();
    expect(error).toMatchObject({ kind: 'rate-limited', status: 429, reason: 'over_request_rate_limit', retryAfterMs: 10 });
    expect(sent.count).toBe(2);
  });

  it('a 429 with a body that is not JSON is still rate-limited', async () => {
    emulator.fault(SUPABASE_ROUTES.get, { status: 429, body: 'slow down', times: 1 });
    const error = await connectorFailure(connect(emulator, { policy: { maxAttempts: 1 } }).connector.getUser(ADA));
    expect(error).toMatchObject({ kind: 'rate-limited', status: 429 });
  });

  it('5xx, dropped connections and timeouts are unavailable', async () => {
    const quiet = quietSdk();
    const { connector } = connect(emulator, { policy: { maxAttempts: 1 }, requestTimeoutMs: 100 });
    emulator.fault(SUPABASE_ROUTES.get, { status: 503, body: 'upstream down', times: 1 });
    expect(await connectorFailure(connector.getUser(ADA))).toMatchObject({ kind: 'unavailable', status: 503 });
    emulator.fault(SUPABASE_ROUTES.get, { status: 0, drop: true, times: 1 });
    expect(await connectorFailure(connector.getUser(ADA))).toMatchObject({ kind: 'unavailable', status: 0 });
    emulator.fault(SUPABASE_ROUTES.get, { status: 200, delayMs: 400, times: 1 });
    const timeout = await connectorFailure(connector.getUser(ADA));
    expect(timeout).toMatchObject({ kind: 'unavailable', status: 0 });
    expect(timeout.message).toContain('ETIMEDOUT');
    quiet.mockRestore();
  });

  it('a cancelled call rejects with the abort and is not retried', async () => {
    const quiet = quietSdk();
    emulator.fault(SUPABASE_ROUTES.get, { status: 200, delayMs: 1000, times: 1 });
    const before = emulator.count(SUPABASE_ROUTES.get);
    const controller = new AbortController();
    setTimeout(() => controller.abort(new Error('run cancelled')), 50);
    const error = await connect(emulator).connector.getUser(ADA, controller.signal).catch((e: unknown) => e);
    quiet.mockRestore();
    expect(isConnectorError(error)).toBe(false);
    expect(String(error)).toMatch(/cancel|abort/i);
    expect(emulator.count(SUPABASE_ROUTES.get) - before).toBe(1);
  });
});

describe('connection test', () => {
  it('reports ok, bad credentials with the service’s message, unreachable, and other failures, each in one request', async () => {
    expect(await connect(emulator).connector.testConnection()).toMatchObject({ ok: true, status: 'ok' });
    expect(await connect(emulator, { serviceRoleKey: emulator.anonKey }).connector.testConnection()).toEqual({ ok: false, status: 'bad-credentials', message: 'User not allowed' });
    expect(await connect(emulator, { serviceRoleKey: 'wrong' }).connector.testConnection()).toMatchObject({ status: 'bad-credentials', message: expect.stringMatching(/invalid JWT/) });

    const quiet = quietSdk();
    const closedPort = await freePort();
    const unreachable = await connect(emulator, { url: `http://127.0.0.1:${closedPort}` }).connector.testConnection();
    quiet.mockRestore();
    expect(unreachable).toMatchObject({ ok: false, status: 'unreachable', message: expect.stringMatching(/ECONNREFUSED/) });

    emulator.fault(SUPABASE_ROUTES.list, { status: 503, body: 'maintenance', times: 5 });
    const before = emulator.count(SUPABASE_ROUTES.list);
    expect(await connect(emulator).connector.testConnection()).toMatchObject({ ok: false, status: 'error' });
    expect(emulator.count(SUPABASE_ROUTES.list) - before).toBe(1);
    emulator.clearFaults();
  });
});

/** A port with nothing listening: bind an ephemeral one, then release it. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}
