import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Run } from '../../core/api/models';
import type { AppDbAdapter } from '../../core/appdb/adapter';
import { initCanonicalSchema } from '../../core/appdb/ddl';
import { openSqliteAppDb } from '../../core/appdb/sqlite.adapter';
import { startSupabaseEmulator, SUPABASE_ROUTES, type SupabaseEmulator } from '../emulators/supabase/supabase.emulator';
import { identityId as id, IDENTITY_KEYS } from '../helpers/identity-world';
import { makeTempDir } from '../helpers/temp-dir';
import { createTestApp, type TestApp } from '../helpers/test-app';

/*
 * Attacks on the identity engine through the listing's pages asked for ahead (session 16).
 *
 * After page 1 the connector asks for pages 2 and 3 at once. GoTrue answers each from the table as it is when
 * that request runs, so page 3 may be answered before page 2 (two requests in flight; or page 2 retried after a
 * 503 while page 3 went through). Users who sign up between those two answers enter at the top and push every
 * user down: page 2, answered later, starts that many users late, and the users at the end of page 2's range are
 * on neither page. One at a time (before the change) a signup could only make the next page repeat a user.
 *
 * The check sees the total change and looks the unlisted rows up by id (identity-gaps.ts), but a row whose id
 * is not its Supabase user's (it pairs by email: a non-UUID key) cannot be looked up: it is reported local-only,
 * with a proposal to delete the row (Supabase as truth), although its Supabase user existed the whole time.
 *
 * A proxy in front of the GoTrue emulator holds one page's request until another page has been answered.
 */

const USERS = 3000;
const SIGNUPS = 3;
/** Users n are created at base + n s: the listing (created_at desc) puts n = 3000 first. Page 2 ends with n = 1001. */
const LEGACY = 1002;
const LEGACY_ROW_ID = `legacy-${LEGACY}`;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

type Hook = (page: number, nth: number) => Promise<void | { status: number }> | void | { status: number };

interface PageProxy {
  url: string;
  arrivals: number[];
  setHook(hook: Hook): void;
  answered(page: number, nth?: number): Promise<void>;
  close(): Promise<void>;
}

/** Forwards everything to the emulator; a listing request first waits on `hook(page, nth)`. */
async function pageProxy(target: SupabaseEmulator): Promise<PageProxy> {
  let hook: Hook = () => undefined;
  const arrivals: number[] = [];
  const seen = new Map<number, number>();
  const done = new Map<string, () => void>();
  const doneP = new Map<string, Promise<void>>();
  const key = (page: number, nth: number) => `${page}#${nth}`;
  const promiseFor = (k: string) => {
    if (!doneP.has(k)) doneP.set(k, new Promise<void>((resolve) => done.set(k, resolve)));
    return doneP.get(k) as Promise<void>;
  };
  const server: Server = createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      const isList = req.method === 'GET' && url.pathname.endsWith('/admin/users');
      const page = Number(url.searchParams.get('page') ?? '0');
      let nth = 0;
      if (isList) {
        arrivals.push(page);
        nth = (seen.get(page) ?? 0) + 1;
        seen.set(page, nth);
        const override = await hook(page, nth);
        if (override) {
          res.writeHead(override.status, { 'content-type': 'text/html' });
          res.end('<html><body>503 Service Temporarily Unavailable</body></html>');
          return;
        }
      }
      const chunks: Buffer[] = [];
      for await (const chunk of req) chunks.push(chunk as Buffer);
      const headers: Record<string, string> = {};
      for (const [k, v] of Object.entries(req.headers)) if (typeof v === 'string' && !['host', 'connection', 'content-length'].includes(k)) headers[k] = v;
      const body = Buffer.concat(chunks);
      const upstream = await fetch(`${target.url}${req.url}`, { method: req.method, headers, ...(body.byteLength ? { body } : {}) });
      const out = Buffer.from(await upstream.arrayBuffer());
      const outHeaders: Record<string, string> = {};
      upstream.headers.forEach((v, k) => {
        if (!['content-length', 'transfer-encoding', 'connection', 'content-encoding', 'keep-alive'].includes(k)) outHeaders[k] = v;
      });
      outHeaders['content-length'] = String(out.byteLength);
      res.writeHead(upstream.status, outHeaders);
      res.end(out);
      if (isList) {
        void promiseFor(key(page, nth));
        done.get(key(page, nth))?.();
      }
    })().catch(() => res.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    arrivals,
    setHook: (h) => void (hook = h),
    answered: (page, nth = 1) => promiseFor(key(page, nth)),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

const dir = makeTempDir();
afterAll(() => dir.remove());
const path = join(dir.path, 'product.db');

describe('identity check while users sign up between two pages asked ahead', () => {
  let app: TestApp;
  let db: AppDbAdapter;
  let emulator: SupabaseEmulator;
  let proxy: PageProxy;

  beforeEach(async () => {
    db = openSqliteAppDb({ path, create: true });
    await db.execute('DROP TABLE IF EXISTS users');
    await initCanonicalSchema(db);
    emulator = await startSupabaseEmulator({ ...IDENTITY_KEYS, users: [] });
    const base = Date.parse('2024-01-01T00:00:00Z');
    const rows: [string, string, string, number, string][] = [];
    for (let n = 1; n <= USERS; n++) {
      emulator.addUser({ id: id(n), email: `u${n}@example.com`, user_metadata: { full_name: 'U' }, app_metadata: { role: 'user' }, email_confirmed_at: '2026-01-01T00:00:00.000Z', created_at: new Date(base + n * 1000).toISOString() });
      // One row keyed by a legacy id (not its Supabase user's): it pairs by email, as the engine supports.
      rows.push([n === LEGACY ? LEGACY_ROW_ID : id(n), `u${n}@example.com`, 'U', 1, 'user']);
    }
    await db.executeMany('INSERT INTO users (id, email, name, email_verified, role) VALUES (?, ?, ?, ?, ?)', rows);
    proxy = await pageProxy(emulator);
    app = await createTestApp();
    await app.connections.create({ kind: 'appdb', name: 'Product', config: { driver: 'sqlite', path }, secrets: {} } as never);
    await app.connections.create({ kind: 'supabase', name: 'Supabase', config: { url: proxy.url }, secrets: { serviceRoleKey: IDENTITY_KEYS.serviceRoleKey } });
  });
  afterEach(async () => {
    await app.dispose();
    await proxy.close();
    await emulator.close();
    await db.close();
  });

  let signups = 0;
  const signUp = () => {
    for (let k = 0; k < SIGNUPS; k++) emulator.addUser({ email: `signup${signups++}@example.com`, email_confirmed_at: '2026-01-01T00:00:00.000Z' });
  };

  /** Page `late` of the first listing waits until page `early` has been answered and a few people signed up. */
  function signupsBetween(early: number, late: number) {
    let armed = true;
    proxy.setHook(async (page, nth) => {
      if (armed && page === late && nth === 1) {
        armed = false;
        await Promise.race([proxy.answered(early), sleep(300)]);
        signUp();
      }
    });
  }

  const run = async (params: Record<string, unknown>) => (await app.runs.waitFor((await app.runs.start('identity', { retryInitialDelayMs: 5, ...params }, 'manual')).runId)) as Run;
  const legacyFinding = async () => (await app.store.findings.open('identity')).find((f) => f.userEmail === `u${LEGACY}@example.com`);

  it('baseline: nobody signs up, the legacy row pairs by email (inconsistent: differs in id), nothing is local-only', async () => {
    const check = await run({ mode: 'check', sourceOfTruth: 'supabase' });
    expect(check.state, JSON.stringify(check.error)).toBe('succeeded');
    expect(check.result).toMatchObject({ localOnly: 0, remoteOnly: 0, inconsistent: 1, inSync: USERS - 1 });
    expect(await legacyFinding()).toMatchObject({ kind: 'inconsistent' });
    // Three full pages and the empty one that ends the listing.
    expect(emulator.count(SUPABASE_ROUTES.list)).toBe(4);
  });

  it('control: signups after page 2 was answered and before page 3 (the order one at a time gives) flag nobody', async () => {
    signupsBetween(2, 3);
    const check = await run({ mode: 'check', sourceOfTruth: 'supabase' });
    expect(check.state, JSON.stringify(check.error)).toBe('succeeded');
    expect(check.result).toMatchObject({ localOnly: 0 });
    expect(await legacyFinding()).toMatchObject({ kind: 'inconsistent' });
  });

  it('signups after page 3 was answered and before page 2 flag no healthy user local-only (the legacy row was, with two pages asked side by side)', async () => {
    signupsBetween(3, 2);
    const check = await run({ mode: 'check', sourceOfTruth: 'supabase' });
    expect(check.state, JSON.stringify(check.error)).toBe('succeeded');
    // Page 2 was answered 3 users late: users 1003..1001 were on neither page. The ones keyed by their
    // Supabase id were looked up (identity-gaps.ts); the legacy row could not be.
    expect(emulator.getUser(id(LEGACY))).toBeDefined();
    expect(await legacyFinding(), 'the legacy row is reported as having no Supabase user, while u1002 existed throughout').toMatchObject({ kind: 'inconsistent' });
    expect(check.result).toMatchObject({ localOnly: 0 });
  });

  it('one 503 on page 2 (retried after its backoff) while page 3 went through, and sign-ups meanwhile: no false local-only (there was one, with two pages asked side by side)', async () => {
    proxy.setHook((page, nth) => {
      if (page === 2 && nth === 1) {
        // Page 3 is answered during page 2's backoff, and people sign up before the retry.
        void Promise.race([proxy.answered(3), sleep(50)]).then(signUp);
        return { status: 503 };
      }
      if (page === 2 && nth === 2) return Promise.race([proxy.answered(3), sleep(300)]).then(async () => void (await sleep(20)));
      return undefined;
    });
    const check = await run({ mode: 'check', sourceOfTruth: 'supabase', retryInitialDelayMs: 100 });
    expect(check.state, JSON.stringify(check.error)).toBe('succeeded');
    expect(proxy.arrivals.filter((p) => p === 2)).toHaveLength(2);
    expect(await legacyFinding(), 'the legacy row is reported as having no Supabase user, while u1002 existed throughout').toMatchObject({ kind: 'inconsistent' });
  });

  it('a repair whose own listing meets the same signups deletes no row whose Supabase user exists (it deleted the legacy row, with two pages asked side by side)', async () => {
    signupsBetween(3, 2);
    const check = await run({ mode: 'check', sourceOfTruth: 'supabase' });
    expect(check.state, JSON.stringify(check.error)).toBe('succeeded');
    // The check's sign-ups were spam, removed before the repair (not while anything lists).
    for (const u of emulator.listUsers()) if (u.email.startsWith('signup')) emulator.removeUser(u.id);
    // The repair lists Supabase's emails once before deleting any row (remoteEmails): more people sign up meanwhile.
    const listed = proxy.arrivals.length;
    let armed = true;
    proxy.setHook(async (page, nth) => {
      if (armed && page === 2 && proxy.arrivals.length > listed) {
        armed = false;
        await Promise.race([proxy.answered(3, nth), sleep(300)]);
        signUp();
      }
    });
    const repair = await run({ mode: 'repair', all: true, sourceOfTruth: 'supabase', confirmDeletes: 1, confirmDestructive: true });
    expect(repair.state, JSON.stringify(repair.error)).toBe('succeeded');
    expect(emulator.getUser(id(LEGACY))?.email).toBe(`u${LEGACY}@example.com`);
    const row = (await db.query('SELECT id, email FROM users WHERE id = ?', [LEGACY_ROW_ID]))[0];
    expect(row, 'the users row of u1002 (whose Supabase user exists) was deleted by the repair').toMatchObject({ email: `u${LEGACY}@example.com` });
  });
});

describe('cancelling an identity check while pages are asked ahead', () => {
  let app: TestApp;
  let db: AppDbAdapter;
  let emulator: SupabaseEmulator;

  beforeEach(async () => {
    db = openSqliteAppDb({ path, create: true });
    await db.execute('DROP TABLE IF EXISTS users');
    await initCanonicalSchema(db);
    emulator = await startSupabaseEmulator({ ...IDENTITY_KEYS, users: [] });
    const base = Date.parse('2024-01-01T00:00:00Z');
    const rows: [string, string, string, number, string][] = [];
    for (let n = 1; n <= 5000; n++) {
      emulator.addUser({ id: id(n), email: `u${n}@example.com`, user_metadata: { full_name: 'U' }, app_metadata: { role: 'user' }, email_confirmed_at: '2026-01-01T00:00:00.000Z', created_at: new Date(base + n * 1000).toISOString() });
      rows.push([id(n), `u${n}@example.com`, 'U', 1, 'user']);
    }
    await db.executeMany('INSERT INTO users (id, email, name, email_verified, role) VALUES (?, ?, ?, ?, ?)', rows);
    app = await createTestApp();
    await app.connections.create({ kind: 'appdb', name: 'Product', config: { driver: 'sqlite', path }, secrets: {} } as never);
    await app.connections.create({ kind: 'supabase', name: 'Supabase', config: { url: emulator.url }, secrets: { serviceRoleKey: IDENTITY_KEYS.serviceRoleKey } });
  });
  afterEach(async () => {
    await app.dispose();
    await emulator.close();
    await db.close();
  });

  it('ends cancelled, promptly, with no listing request after the cancel and no unhandled rejection', async () => {
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    try {
      // Page 1 at once; pages 2 and 3 (asked together) wait 1.5 s on the service; page 3's first answer is a 503.
      emulator.fault(SUPABASE_ROUTES.list, { status: 200, passThrough: true, times: 1 });
      emulator.fault(SUPABASE_ROUTES.list, { status: 200, passThrough: true, delayMs: 1500, times: 1 });
      emulator.fault(SUPABASE_ROUTES.list, { status: 503, delayMs: 100, times: 1 });
      const { runId } = await app.runs.start('identity', { retryInitialDelayMs: 200, mode: 'check' }, 'manual');
      for (let i = 0; i < 400 && emulator.count(SUPABASE_ROUTES.list) < 3; i++) await sleep(5);
      await sleep(150);
      const started = Date.now();
      await app.runs.cancel(runId);
      const ended = (await app.runs.waitFor(runId)) as Run;
      const took = Date.now() - started;
      expect(ended.state).toBe('cancelled');
      const at = emulator.count(SUPABASE_ROUTES.list);
      await sleep(1200);
      expect(emulator.count(SUPABASE_ROUTES.list)).toBe(at);
      expect(took).toBeLessThan(1000);
      expect(await app.store.findings.open('identity')).toEqual([]);
      expect(unhandled).toEqual([]);
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
  });
});
