import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Run } from '../../core/api/models';
import type { AppDbAdapter } from '../../core/appdb/adapter';
import { SUPABASE_ROUTES, type SupabaseEmulator } from '../emulators/supabase/supabase.emulator';
import { foreignFault } from '../emulators/shared/faults';
import { rawSqlite } from '../helpers/sqlite-store';
import { identityId, identityWorldPerTest } from '../helpers/identity-world';
import { makeTempDir } from '../helpers/temp-dir';
import type { TestApp } from '../helpers/test-app';

const dir = makeTempDir();
afterAll(() => dir.remove());
const path = join(dir.path, 'product.db');
const id = identityId;
/** One more than a listing page (identity-remote.ts: 1,000 per page). */
const USERS = 1001;

/**
 * An outside attack on issue 19's spilled identity check: the listing pages
 * are offsets (GoTrue's page mode), so a user removed between two pages
 * shifts the next page up and one live user is never listed.
 */
describe('identity check over a listing whose pages shift (attack on issue 19)', () => {
  const world = identityWorldPerTest(path, USERS, {
    // A Supabase-only user, on the first page: someone deletes it while the check lists the second page.
    seed: (emulator) => emulator.addUser({ id: id(5000), email: 'leaver@example.com', email_confirmed_at: '2026-01-01T00:00:00.000Z' }),
  });
  let app: TestApp;
  let db: AppDbAdapter;
  let emulator: SupabaseEmulator;
  beforeEach(() => ({ app, db, emulator } = world.current()));

  async function checkWhileAUserLeaves(sourceOfTruth: 'appdb' | 'supabase'): Promise<Run> {
    // Page 1 answers at once; page 2 waits, and the leaver is removed while it waits.
    emulator.fault(SUPABASE_ROUTES.list, { status: 200, passThrough: true, times: 1 });
    emulator.fault(SUPABASE_ROUTES.list, { status: 200, passThrough: true, delayMs: 400, times: 1 });
    const { runId } = await app.runs.start('identity', { retryInitialDelayMs: 5, mode: 'check', sourceOfTruth }, 'manual');
    for (let i = 0; i < 200 && emulator.count(SUPABASE_ROUTES.list) < 2; i++) await new Promise((resolve) => setTimeout(resolve, 5));
    expect(emulator.removeUser(id(5000))).toBe(true);
    return (await app.runs.waitFor(runId)) as Run;
  }

  it.each(['supabase', 'appdb'] as const)('a live user the shifted pages skipped is not a local-only user (truth: %s)', async (truth) => {
    const oldest = emulator.listUsers().at(-1);
    expect(oldest?.id).toBeDefined();
    const run = await checkWhileAUserLeaves(truth);
    expect(run.state).toBe('succeeded');
    // The leaver was live when page 1 listed it: its remote-only finding is what the check saw (a repair re-reads it).
    const open = (await app.store.findings.open('identity')).filter((f) => f.subject !== 'user:leaver@example.com');
    // Nothing is out of sync: every row has its live Supabase user. No finding may propose to delete a row
    // (truth: supabase) or to create a user that exists (truth: appdb).
    expect(open.map((f) => `${f.kind} ${f.subject} ${f.proposedAction}`)).toEqual([]);
    expect(run.result).toMatchObject({ localOnly: 0, inSync: USERS, remoteOnly: 1 });
  });

  it("a look-up answered by a proxy's HTML 404 fails the check: the skipped row is never reported local-only", async () => {
    emulator.fault(SUPABASE_ROUTES.get, foreignFault('html', 404));
    const run = await checkWhileAUserLeaves('supabase');
    expect(run.state).toBe('failed');
    expect((await app.store.findings.open('identity')).filter((f) => f.kind === 'local-only')).toEqual([]);
    expect(emulator.count(SUPABASE_ROUTES.get)).toBeGreaterThan(0);
  });

  it.each([
    ['a proxy HTML 502', { status: 502, foreign: 'html' as const }],
    ['an empty 200', { status: 200, body: '' }],
    ['another JSON, 200', { status: 200, body: { message: 'no Route matched with those values' } }],
    ['an empty page, 200', { status: 200, body: { users: [], aud: 'authenticated' }, headers: { 'X-Total-Count': String(USERS + 5) } }],
    ['an empty page with the same total, 200', { status: 200, body: { users: [], aud: 'authenticated' }, headers: { 'X-Total-Count': String(USERS + 1 /* the leaver too: as page 1 said */) } }],
  ])('a second page answered by %s (the first read ahead) reports no row local-only', async (_name, fault) => {
    emulator.fault(SUPABASE_ROUTES.list, { status: 200, passThrough: true, times: 1 });
    emulator.fault(SUPABASE_ROUTES.list, fault);
    const run = (await app.runs.waitFor((await app.runs.start('identity', { retryInitialDelayMs: 5, mode: 'check', sourceOfTruth: 'supabase' }, 'manual')).runId)) as Run;
    expect((await app.store.findings.open('identity')).filter((f) => f.kind === 'local-only'), `run ${run.state}: ${JSON.stringify(run.error)}`).toEqual([]);
  });

  it.each([
    ['an empty 200', { status: 200, body: '' }],
    ['another JSON, 200', { status: 200, body: { message: 'no Route matched with those values' } }],
  ])('a page answered by %s is a foreign answer: retried, and said plainly when it lasts', async (_name, fault) => {
    emulator.fault(SUPABASE_ROUTES.list, { status: 200, passThrough: true, times: 1 });
    emulator.fault(SUPABASE_ROUTES.list, { ...fault, times: 1 });
    const once = (await app.runs.waitFor((await app.runs.start('identity', { retryInitialDelayMs: 5, mode: 'check' }, 'manual')).runId)) as Run;
    expect(once.state, JSON.stringify(once.error)).toBe('succeeded');
    expect(once.result).toMatchObject({ localOnly: 0, inSync: USERS });
    emulator.fault(SUPABASE_ROUTES.list, fault);
    const lasting = (await app.runs.waitFor((await app.runs.start('identity', { retryInitialDelayMs: 5, mode: 'check' }, 'manual')).runId)) as Run;
    expect(lasting.state).toBe('failed');
    expect(lasting.error?.message).toMatch(/not GoTrue's user list/);
  });

  it('a check cancelled while the next page is in flight ends cancelled and leaves no scratch file of its own', async () => {
    const mine = () =>
      readdirSync(tmpdir()).filter((name) => {
        const owner = join(tmpdir(), name, 'owner');
        return name.startsWith('syncwarden-identity-') && existsSync(owner) && readFileSync(owner, 'utf8') === String(process.pid);
      });
    emulator.fault(SUPABASE_ROUTES.list, { status: 200, passThrough: true, times: 1 });
    emulator.fault(SUPABASE_ROUTES.list, { status: 200, passThrough: true, delayMs: 800, times: 1 });
    const { runId } = await app.runs.start('identity', { retryInitialDelayMs: 5, mode: 'check' }, 'manual');
    for (let i = 0; i < 200 && emulator.count(SUPABASE_ROUTES.list) < 2; i++) await new Promise((resolve) => setTimeout(resolve, 5));
    expect(mine()).toHaveLength(1);
    await app.runs.cancel(runId);
    const run = (await app.runs.waitFor(runId)) as Run;
    expect(run.state).toBe('cancelled');
    expect(mine()).toEqual([]);
    expect(await app.store.findings.open('identity')).toEqual([]);
  });

  it('a user who signs up between the read of the users table and the Supabase listing is not proposed for a ban', async () => {
    // The listing waits; meanwhile the product creates the row and the Supabase user of a new sign-up.
    emulator.fault(SUPABASE_ROUTES.list, { status: 200, passThrough: true, delayMs: 500, times: 1 });
    const { runId } = await app.runs.start('identity', { retryInitialDelayMs: 5, mode: 'check', sourceOfTruth: 'appdb', remoteOnly: 'ban' }, 'manual');
    for (let i = 0; i < 200 && emulator.count(SUPABASE_ROUTES.list) < 1; i++) await new Promise((resolve) => setTimeout(resolve, 5));
    expect(emulator.removeUser(id(5000))).toBe(true);
    await db.execute('INSERT INTO users (id, email, name, email_verified, role) VALUES (?, ?, ?, ?, ?)', [id(7000), 'new@example.com', 'New', 1, 'user']);
    emulator.addUser({ id: id(7000), email: 'new@example.com', user_metadata: { full_name: 'New' }, app_metadata: { role: 'user' }, email_confirmed_at: '2026-01-01T00:00:00.000Z' });
    const run = (await app.runs.waitFor(runId)) as Run;
    expect(run.state, JSON.stringify(run.error)).toBe('succeeded');
    expect((await app.store.findings.open('identity')).map((f) => `${f.kind} ${f.subject} ${f.proposedAction}`)).toEqual([]);
    expect(run.result).toMatchObject({ inSync: USERS + 1, remoteOnly: 0, localOnly: 0 });
  });

  it('a check that fails while it writes the users table removes what it wrote; the previous table stays published', async () => {
    const chunks = () => (rawSqlite(app.store).prepare("SELECT key FROM engine_state WHERE engine = 'identity' AND key LIKE 'sync-table:%chunk:%' ORDER BY key").pluck().all() as string[]);
    const first = (await app.runs.waitFor((await app.runs.start('identity', { mode: 'check' }, 'manual')).runId)) as Run;
    expect(first.state).toBe('succeeded');
    const published = chunks();
    expect(published).toEqual(['sync-table:a:chunk:0', 'sync-table:a:chunk:1', 'sync-table:a:chunk:2']);

    // The console store refuses the second check's second chunk (a full disk, a locked file).
    const set = app.store.engineState.set.bind(app.store.engineState);
    const refused = vi.spyOn(app.store.engineState, 'set').mockImplementation((engine, key, value, now) =>
      key === 'sync-table:b:chunk:1' ? Promise.reject(Object.assign(new Error('database or disk is full'), { code: 'SQLITE_FULL' })) : set(engine, key, value, now),
    );
    const second = (await app.runs.waitFor((await app.runs.start('identity', { mode: 'check' }, 'manual')).runId)) as Run;
    refused.mockRestore();
    expect(second.state).toBe('failed');
    expect(chunks()).toEqual(published);
    expect(await app.store.engineState.get('identity', 'sync-table:meta')).toMatchObject({ runId: first.id, buffer: 'a' });
  });
});
