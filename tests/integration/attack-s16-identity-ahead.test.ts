import { join } from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Run } from '../../core/api/models';
import type { AppDbAdapter } from '../../core/appdb/adapter';
import { SUPABASE_ROUTES, type SupabaseEmulator } from '../emulators/supabase/supabase.emulator';
import type { GoTruePageProxy } from '../helpers/gotrue-page-proxy';
import { confirmedAll, identityId as id } from '../helpers/identity-world';
import { legacyIdentityWorld, type LegacyIdentityWorld } from '../helpers/legacy-identity-world';
import { makeTempDir } from '../helpers/temp-dir';
import type { TestApp } from '../helpers/test-app';

/*
 * Attacks on the identity engine through the listing's pages asked for ahead (session 16).
 *
 * With two pages asked side by side (8ae2327), GoTrue could answer page 3 before page 2 (two requests in
 * flight; or page 2 retried after a 503 while page 3 went through). Users who sign up between those two answers
 * enter at the top and push every user down: page 2, answered later, started that many users late, and the users
 * at the end of page 2's range were on neither page. The check looked the unlisted rows up by id
 * (identity-gaps.ts), but a row whose id is not its Supabase user's (it pairs by email: a non-UUID key) cannot
 * be: it was reported local-only, with a proposal to delete the row, although its Supabase user existed.
 * Now each page is asked for only once the one before it is answered (PagesInFlight): the waits below for
 * page 3 before page 2 give up after 300 ms, since page 3 is not asked for first.
 *
 * A proxy in front of the GoTrue emulator holds one page's request until another page has been answered.
 */

const USERS = 3000;
const SIGNUPS = 3;
/** Users n are created at base + n s: the listing (created_at desc) puts n = 3000 first. Page 2 ends with n = 1001. */
const LEGACY = 1002;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const dir = makeTempDir();
afterAll(() => dir.remove());
const path = join(dir.path, 'product.db');

describe('identity check while users sign up between two pages asked ahead', () => {
  let world: LegacyIdentityWorld;
  let db: AppDbAdapter;
  let emulator: SupabaseEmulator;
  let proxy: GoTruePageProxy;

  beforeEach(async () => {
    world = await legacyIdentityWorld({ path, users: USERS, legacy: LEGACY });
    ({ db, emulator, proxy } = world);
  });
  afterEach(() => world.close());

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

  const run = (params: Record<string, unknown>) => world.run(params);
  const legacyFinding = () => world.legacyFinding();

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
        return { status: 503, body: '<html><body>503 Service Temporarily Unavailable</body></html>', headers: { 'content-type': 'text/html' } };
      }
      if (page === 2 && nth === 2) return Promise.race([proxy.answered(3), sleep(300)]).then(async () => void (await sleep(20)));
      return 'pass';
    });
    const check = await run({ mode: 'check', sourceOfTruth: 'supabase', retryInitialDelayMs: 100 });
    expect(check.state, JSON.stringify(check.error)).toBe('succeeded');
    expect(proxy.arrivals.filter((a) => a.page === 2)).toHaveLength(2);
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
    const repair = await run(await confirmedAll(world.app, { mode: 'repair', all: true, sourceOfTruth: 'supabase', confirmDeletes: 1  }));
    expect(repair.state, JSON.stringify(repair.error)).toBe('succeeded');
    expect(emulator.getUser(id(LEGACY))?.email).toBe(`u${LEGACY}@example.com`);
    const row = (await db.query('SELECT id, email FROM users WHERE id = ?', [world.legacyRowId]))[0];
    expect(row, 'the users row of u1002 (whose Supabase user exists) was deleted by the repair').toMatchObject({ email: `u${LEGACY}@example.com` });
  });
});

describe('cancelling an identity check while pages are asked ahead', () => {
  let world: LegacyIdentityWorld;
  let app: TestApp;
  let emulator: SupabaseEmulator;

  beforeEach(async () => {
    world = await legacyIdentityWorld({ path, users: 5000, legacy: null, direct: true });
    ({ app, emulator } = world);
  });
  afterEach(() => world.close());

  it('ends cancelled, promptly, with no listing request after the cancel and no unhandled rejection', async () => {
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    try {
      // Page 1 at once; page 2 waits 1.5 s on the service (page 3 is asked once it is answered); a 503 follows.
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
