import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Run } from '../../core/api/models';
import type { AppDbAdapter } from '../../core/appdb/adapter';
import { IdentitySpill } from '../../core/engines/identity/identity-spill';
import { SUPABASE_ROUTES, type SupabaseEmulator } from '../emulators/supabase/supabase.emulator';
import { identityId, identityWorldPerTest } from '../helpers/identity-world';
import { makeTempDir } from '../helpers/temp-dir';
import type { TestApp } from '../helpers/test-app';

/*
 * Outside attack (s20) on 03bfd5d through the engine: with 6,000 rows the users table's side is past
 * OFF_THREAD_FROM / 2, so a real check detaches it and indexes it on a worker while the listing goes on.
 */

const dir = makeTempDir();
afterAll(() => dir.remove());
const path = join(dir.path, 'product.db');
const USERS = 6000;

const mine = () =>
  readdirSync(tmpdir()).filter((name) => {
    const owner = join(tmpdir(), name, 'owner');
    return name.startsWith('syncwarden-identity-') && existsSync(owner) && readFileSync(owner, 'utf8') === String(process.pid);
  });
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('s20: identity check with the users table side indexed on a worker', () => {
  const world = identityWorldPerTest(path, USERS);
  let app: TestApp;
  let db: AppDbAdapter;
  let emulator: SupabaseEmulator;
  beforeEach(() => ({ app, db, emulator } = world.current()));

  const check = async () => (await app.runs.waitFor((await app.runs.start('identity', { retryInitialDelayMs: 5, mode: 'check' }, 'manual')).runId)) as Run;

  /** Starts a check whose second page waits, and resolves once the users table's side was ended (its worker started). */
  async function checkPastEndLocal(secondPage: Parameters<SupabaseEmulator['fault']>[1]) {
    const endLocal = vi.spyOn(IdentitySpill.prototype, 'endLocal');
    emulator.fault(SUPABASE_ROUTES.list, { status: 200, passThrough: true, times: 1 });
    emulator.fault(SUPABASE_ROUTES.list, secondPage);
    const { runId } = await app.runs.start('identity', { retryInitialDelayMs: 5, mode: 'check' }, 'manual');
    for (let i = 0; i < 400 && endLocal.mock.calls.length === 0; i++) await sleep(5);
    expect(endLocal).toHaveBeenCalled();
    return runId;
  }

  it('a check with both sides on workers is right; a cancel after endLocal ends cancelled, leaves the published table and no scratch', async () => {
    const first = await check();
    expect(first.state, JSON.stringify(first.error)).toBe('succeeded');
    expect(first.result).toMatchObject({ inSync: USERS, localOnly: 0, remoteOnly: 0 });
    const meta = await app.store.engineState.get('identity', 'sync-table:meta');

    const runId = await checkPastEndLocal({ status: 200, passThrough: true, delayMs: 1500, times: 1 });
    await app.runs.cancel(runId);
    const run = (await app.runs.waitFor(runId)) as Run;
    expect(run.state).toBe('cancelled');
    expect(mine()).toEqual([]);
    expect(await app.store.engineState.get('identity', 'sync-table:meta')).toEqual(meta);
    expect(await app.store.findings.open('identity')).toEqual([]);
  }, 60_000);

  it('a listing that fails after endLocal fails the check plainly, leaves the published table and no scratch', async () => {
    const first = await check();
    expect(first.state).toBe('succeeded');
    const meta = await app.store.engineState.get('identity', 'sync-table:meta');
    const runId = await checkPastEndLocal({ status: 403, body: { code: 403, error_code: 'not_admin', msg: 'User not allowed' }, delayMs: 200 });
    const run = (await app.runs.waitFor(runId)) as Run;
    expect(run.state).toBe('failed');
    expect(run.error?.message ?? '').not.toMatch(/scratch|local_side|no such table/);
    expect(mine()).toEqual([]);
    expect(await app.store.engineState.get('identity', 'sync-table:meta')).toEqual(meta);
  }, 60_000);

  it('users table side on a worker, listing in-thread (most users gone from Supabase): every row classified', async () => {
    for (let n = 1; n <= USERS - 40; n++) emulator.removeUser(identityId(n));
    const run = await check();
    expect(run.state, JSON.stringify(run.error)).toBe('succeeded');
    expect(run.result).toMatchObject({ inSync: 40, localOnly: USERS - 40, remoteOnly: 0, localUsers: USERS, remoteUsers: 40 });
    expect(mine()).toEqual([]);
  }, 60_000);

  it('users table side in-thread, listing on a worker (most rows gone from the table): every user classified', async () => {
    await db.execute('DELETE FROM users WHERE id > ?', [identityId(40)]);
    const run = await check();
    expect(run.state, JSON.stringify(run.error)).toBe('succeeded');
    expect(run.result).toMatchObject({ inSync: 40, localOnly: 0, remoteOnly: USERS - 40, localUsers: 40, remoteUsers: USERS });
    expect(mine()).toEqual([]);
  }, 60_000);
});
