import { join } from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { SupabaseEmulator } from '../emulators/supabase/supabase.emulator';
import { identityId as id } from '../helpers/identity-world';
import { legacyIdentityWorld, type LegacyIdentityWorld } from '../helpers/legacy-identity-world';
import { makeTempDir } from '../helpers/temp-dir';

/*
 * Attack s16b: the last page's X-Total-Count ends the listing even when that page is full. GoTrue counts and
 * selects in two statements; people who sign up between them make the last page full of rows while the count says
 * it was the last. The oldest users are then on no page. The row of the oldest user, keyed by a legacy id (pairs by
 * email), cannot be looked up by id: the check reports it local-only although its Supabase user exists.
 */
const USERS = 3000;
const LEGACY = 1; // the oldest user: last on the last page

const dir = makeTempDir();
afterAll(() => dir.remove());
const path = join(dir.path, 'product.db');

describe('identity check when the last page is full but its count says it is the last', () => {
  let world: LegacyIdentityWorld;
  let emulator: SupabaseEmulator;
  let armed = false;

  beforeEach(async () => {
    world = await legacyIdentityWorld({ path, users: USERS, legacy: LEGACY });
    emulator = world.emulator;
    armed = false;
    let countBefore: number | undefined;
    world.proxy.setHook((page) => {
      if (page !== 3 || !armed) return;
      armed = false;
      // SELECT count(*) …; two people sign up; SELECT … OFFSET 2000 LIMIT 1000.
      countBefore = emulator.listUsers().length;
      emulator.addUser({ email: 'late1@example.com', email_confirmed_at: '2026-01-01T00:00:00.000Z' });
      emulator.addUser({ email: 'late2@example.com', email_confirmed_at: '2026-01-01T00:00:00.000Z' });
    });
    world.proxy.setRewrite((page, headers) => {
      if (page === 3 && countBefore !== undefined) headers['x-total-count'] = String(countBefore);
    });
  });
  afterEach(() => world.close());

  const run = (params: Record<string, unknown>) => world.run(params);
  const legacyFinding = () => world.legacyFinding();

  it('baseline: no sign-ups, the legacy row pairs by email, nothing local-only', async () => {
    const check = await run({ mode: 'check', sourceOfTruth: 'supabase' });
    expect(check.state, JSON.stringify(check.error)).toBe('succeeded');
    expect(check.result).toMatchObject({ localOnly: 0, inconsistent: 1 });
  });

  it('two sign-ups between page 3 count and rows: the legacy row is not reported local-only while its Supabase user exists', async () => {
    armed = true;
    const check = await run({ mode: 'check', sourceOfTruth: 'supabase' });
    expect(check.state, JSON.stringify(check.error)).toBe('succeeded');
    expect(emulator.getUser(id(LEGACY))).toBeDefined();
    expect(await legacyFinding(), `u${LEGACY} existed throughout; result ${JSON.stringify(check.result)}`).toMatchObject({ kind: 'inconsistent' });
    expect(check.result).toMatchObject({ localOnly: 0 });
  });
});
