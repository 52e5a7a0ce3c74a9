import { createClient, type WebSocketLikeConstructor } from '@supabase/supabase-js';
import WebSocket from 'ws';
import { beforeEach, describe, expect, it } from 'vitest';
import type { Run } from '../../core/api/models';
import type { AppDbAdapter } from '../../core/appdb/adapter';
import { gotrueFault, SUPABASE_ROUTES, type SupabaseEmulator } from '../emulators/supabase/supabase.emulator';
import type { TestApp } from '../helpers/test-app';
import { confirmedAll, letteredIdentityId } from '../helpers/identity-world';
import { IDENTITY_KEYS, useIdentityWorld, type AppDbUnderTest } from './identity-suite';

const id = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
const KEYS = IDENTITY_KEYS;
type LocalRow = [string, string, string | null, boolean, string];

/**
 * Issue 15: the identity engine never proposes a repair that cannot succeed,
 * asks before destroying, bans rather than deletes, reports partial runs
 * honestly, stops retrying what GoTrue refused for good, and verifies reverts.
 * Real supabase-js against the GoTrue emulator and a real users table.
 */
export function describeIdentityTrust(name: string, target: AppDbUnderTest): void {
  describe(`identity repairs that can be trusted, with ${name}`, () => {
    const world = useIdentityWorld(target);
    let app: TestApp;
    let db: AppDbAdapter;
    let emulator: SupabaseEmulator;
    beforeEach(() => ({ app, db, emulator } = world));

    const bool = (v: boolean) => (db.dialect === 'sqlite' ? (v ? 1 : 0) : v);
    async function local(rows: LocalRow[]) {
      await db.executeMany('INSERT INTO users (id, email, name, email_verified, role) VALUES (?, ?, ?, ?, ?)', rows.map((r) => [r[0], r[1], r[2], bool(r[3]), r[4]]));
    }
    function remote(n: number, email: string, fullName: string, extra: Record<string, unknown> = {}) {
      return emulator.addUser({ id: id(n), email, user_metadata: { full_name: fullName }, app_metadata: { role: 'user' }, email_confirmed_at: '2026-01-01T00:00:00.000Z', ...extra });
    }
    async function run(params: Record<string, unknown>): Promise<Run> {
      return (await app.runs.waitFor((await app.runs.start('identity', { retryInitialDelayMs: 5, ...params }, 'manual')).runId)) as Run;
    }
    const finding = async (email: string) => (await app.store.findings.open('identity')).find((f) => f.userEmail === email);
    const writes = () => ['create', 'update', 'delete'].reduce((sum, r) => sum + emulator.count(SUPABASE_ROUTES[r as 'create']), 0);

    it('a users row whose Supabase user was soft-deleted is its own finding, and no create is attempted', async () => {
      await local([[id(10), 'sd@example.com', 'Soft Deleted', true, 'user']]);
      remote(10, 'sd@example.com', 'Soft Deleted', { deleted_at: '2026-02-01T00:00:00.000Z' });
      await run({ mode: 'check' });
      expect(await finding('sd@example.com')).toMatchObject({
        kind: 'remote-soft-deleted',
        reason: expect.stringMatching(/soft-deleted.*keeps that id taken/),
        proposedAction: expect.stringMatching(/remove the stale row.*relink/),
        details: { action: 'manual' },
      });
      const repair = await run({ mode: 'repair', all: true });
      expect(repair.state, JSON.stringify(repair.error)).toBe('succeeded');
      expect(repair.result).toMatchObject({ manual: 1, failed: 0, actions: {} });
      expect(writes()).toBe(0);
    });

    it('rows whose emails differ only by case are a duplicate-email finding; neither is created twice', async () => {
      await local([
        [id(11), 'Case@Example.com', 'Case One', true, 'user'],
        [id(12), 'case@example.com', 'Case Two', true, 'user'],
        ['local-13', 'Twin@Example.com', 'Twin A', true, 'user'],
        ['local-14', 'twin@EXAMPLE.com', 'Twin B', true, 'user'],
      ]);
      remote(11, 'case@example.com', 'Case One');
      await run({ mode: 'check' });
      const kinds = (await app.store.findings.open('identity')).map((f) => [f.details?.localId, f.kind]);
      expect(kinds.sort()).toEqual([
        [id(12), 'duplicate-email'],
        ['local-13', 'duplicate-email'],
        ['local-14', 'duplicate-email'],
      ]);
      expect((await app.store.findings.open('identity'))[0]?.proposedAction).toMatch(/merge the duplicate rows/);
      const repair = await run({ mode: 'repair', all: true });
      expect(repair.result).toMatchObject({ manual: 3, failed: 0 });
      expect(emulator.count(SUPABASE_ROUTES.create)).toBe(0);
      expect(emulator.listUsers()).toHaveLength(1);
    });

    it('a re-signup (same email, new id) is relinked only when chosen, with confirmation, and the relink reverts', async () => {
      await local([[id(20), 'again@example.com', 'Again', true, 'user']]);
      remote(20, 'again@example.com', 'Again', { deleted_at: '2026-01-05T00:00:00.000Z' });
      remote(21, 'again@example.com', 'Again');
      await run({ mode: 'check' });
      const f = await finding('again@example.com');
      expect(f).toMatchObject({ kind: 're-signup', proposedAction: expect.stringMatching(/relink the row to the new Supabase id/) });
      // Repair all leaves it: relinking changes an id, which only a person chooses.
      expect((await run({ mode: 'repair', all: true })).result).toMatchObject({ manual: 1, actions: {} });
      // Chosen but not confirmed: refused, naming the effect.
      const unconfirmed = await run({ mode: 'repair', findingIds: [f?.id ?? 0], relink: true });
      expect(unconfirmed.error?.message).toMatch(/relink 1 row to the Supabase user's new id/);
      const relink = await run({ mode: 'repair', findingIds: [f?.id ?? 0], relink: true, confirmDestructive: true });
      expect(relink.state, JSON.stringify(relink.error)).toBe('succeeded');
      expect(relink.result).toMatchObject({ repaired: 1, actions: { 'relink-local': 1 } });
      expect(await db.query('SELECT id FROM users')).toEqual([{ id: id(21) }]);
      const undo = await run({ mode: 'revert', confirmDestructive: true, revertRunId: relink.id });
      expect(undo.state, JSON.stringify(undo.result)).toBe('succeeded');
      expect(await db.query('SELECT id FROM users')).toEqual([{ id: id(20) }]);
    });

    it('ban is the default repair of a Supabase-only user: sign-in is refused until the revert unbans', async () => {
      emulator.addUser({ id: id(30), email: 'stray@example.com', password: 'pw-30-secret' });
      const auth = createClient(emulator.url, KEYS.anonKey, {
        auth: { persistSession: false, autoRefreshToken: false },
        realtime: { transport: WebSocket as unknown as WebSocketLikeConstructor },
      }).auth;
      expect((await auth.signInWithPassword({ email: 'stray@example.com', password: 'pw-30-secret' })).error).toBeNull();
      await run({ mode: 'check' });
      const plan = await app.handlers['identity.plan']({ all: true }, { actor: 'manual' } as never);
      expect(plan).toMatchObject({
        destructive: 1,
        irreversible: 0,
        counts: { 'ban-remote': 1 },
        summary: 'ban 1 user in Supabase Auth (sign-in refused; a revert unbans)',
        destructiveUsers: [{ email: 'stray@example.com', action: 'ban-remote' }],
        digest: expect.stringMatching(/^[0-9a-f]{16}$/),
      });
      // "Repair all" is confirmed by whom it touches, not by a count: a count (even the right one) is refused.
      const counted = await run({ mode: 'repair', all: true, confirmDestructive: 1, confirmDeletes: 1 });
      expect(counted.error?.message).toMatch(/would ban 1 user .*: stray@example.com\. Confirm these users, not a count/);
      const repair = await run({ mode: 'repair', all: true, confirmDestructive: plan.digest, confirmDeletes: 1 });
      expect(repair.state, JSON.stringify(repair.error)).toBe('succeeded');
      expect(emulator.getUser(id(30))).toMatchObject({ banned_until: expect.any(String) });
      expect(emulator.getUser(id(30))?.deleted_at).toBeUndefined();
      const banned = await auth.signInWithPassword({ email: 'stray@example.com', password: 'pw-30-secret' });
      expect(banned.error).toMatchObject({ status: 400, code: 'user_banned' });

      const undo = await run({ mode: 'revert', confirmDestructive: true, revertRunId: repair.id });
      expect(undo.result).toMatchObject({ reverted: 1, itemsFailed: 0 });
      expect(emulator.getUser(id(30))?.banned_until).toBeUndefined();
      expect((await auth.signInWithPassword({ email: 'stray@example.com', password: 'pw-30-secret' })).error).toBeNull();
      // The "leave" setting proposes nothing for such a user.
      await run({ mode: 'check', remoteOnly: 'leave' });
      expect(await finding('stray@example.com')).toMatchObject({ details: { action: 'manual' }, proposedAction: expect.stringMatching(/leave/) });
    });

    it('a row added after the check (by id in any letter case, or by email in another case) is never banned away as "Supabase only"', async () => {
      remote(36, 'late.id@example.com', 'Late Id');
      remote(37, 'late.email@example.com', 'Late Email');
      remote(38, 'late.upper@example.com', 'Late Upper', { id: letteredIdentityId(38) });
      await run({ mode: 'check' });
      await local([
        [id(36), 'changed@example.com', 'Late Id', true, 'user'],
        ['row-37', 'Late.Email@Example.com', 'Late Email', true, 'user'],
        // The product's own spelling of the Supabase id (upper case), under another email: paired by id, as the check pairs.
        [letteredIdentityId(38).toUpperCase(), 'moved@example.com', 'Late Upper', true, 'user'],
      ]);
      const repair = await run(await confirmedAll(app, { mode: 'repair', all: true, confirmDeletes: 3  }));
      expect(repair.result).toMatchObject({ failed: 0 });
      expect((repair.result?.actions as Record<string, number>)['ban-remote']).toBeUndefined();
      expect(emulator.getUser(id(36))?.banned_until).toBeUndefined();
      expect(emulator.getUser(id(37))?.banned_until).toBeUndefined();
      expect(emulator.getUser(letteredIdentityId(38))?.banned_until).toBeUndefined();
    });

    it('a ban the service answers 200 to but does not apply is a failure (verified by re-reading), not a success', async () => {
      remote(38, 'unbannable@example.com', 'Unbannable');
      await run({ mode: 'check' });
      // A proxy or a broken deploy that swallows the write: 200 with an empty object.
      emulator.fault(SUPABASE_ROUTES.update, { status: 200, body: {}, times: 1 });
      const repair = await run(await confirmedAll(app, { mode: 'repair', all: true, confirmDeletes: 1  }));
      expect(repair.state).toBe('partial');
      expect(repair.result).toMatchObject({ repaired: 0, failed: 1, itemsFailed: 1, errors: [expect.stringMatching(/ban-remote did not take effect/)] });
      // Named like every engine's failures (failed-items.ts): the run drawer, the CLI and the docs read failedItems.
      expect(repair.result).toMatchObject({ failedItems: [{ item: 'user:unbannable@example.com', reason: expect.stringMatching(/ban-remote did not take effect/) }] });
      expect(emulator.getUser(id(38))?.banned_until).toBeUndefined();
    });

    it('a scheduled run never soft-deletes, even when asked to', async () => {
      remote(35, 'scheduled@example.com', 'Scheduled');
      await run({ mode: 'check' });
      const scheduled = (await app.runs.waitFor((await app.runs.start('identity', { mode: 'repair', all: true, remoteOnly: 'delete', retryInitialDelayMs: 5 }, 'schedule')).runId)) as Run;
      expect(scheduled.state, JSON.stringify(scheduled.error)).toBe('succeeded');
      expect(scheduled.result).toMatchObject({ remoteOnly: 'leave', manual: 1, actions: {} });
      expect(emulator.getUser(id(35))?.deleted_at).toBeUndefined();
      expect(emulator.count(SUPABASE_ROUTES.delete)).toBe(0);
    });

    it("a repair GoTrue refuses for good makes the run partial with GoTrue's message, then is a manual finding no run retries", async () => {
      await local([
        [id(40), 'refused@example.com', 'Refused', true, 'user'],
        [id(41), 'second@example.com', 'Second', true, 'user'],
      ]);
      await run({ mode: 'check' });
      // Repairs go in the order the check recorded its findings, by subject (the email): refused@ comes first.
      emulator.fault(SUPABASE_ROUTES.create, { ...gotrueFault(422, 'email_exists', 'A user with this email address has already been registered'), times: 1 });
      const repair = await run({ mode: 'repair', all: true });
      expect(repair.state).toBe('partial');
      expect(repair.result).toMatchObject({ repaired: 1, failed: 1, refused: 1, itemsFailed: 1 });
      expect(String((repair.result?.errors as string[])[0])).toMatch(/A user with this email address has already been registered/);

      await run({ mode: 'check' });
      expect(await finding('refused@example.com')).toMatchObject({
        kind: 'repair-refused',
        reason: expect.stringMatching(/Supabase refused to create the user in Supabase Auth: .*already been registered \(email_exists\)/),
        details: { action: 'manual', block: { code: 'email_exists' } },
      });
      const creates = emulator.count(SUPABASE_ROUTES.create);
      const again = await run({ mode: 'repair', all: true });
      expect(again.state).toBe('succeeded');
      expect(again.result).toMatchObject({ manual: 1, failed: 0 });
      expect(emulator.count(SUPABASE_ROUTES.create)).toBe(creates);
      // The admin fixed the cause and repairs that user by hand: tried again, and the block is gone.
      const byHand = await run({ mode: 'repair', user: 'refused@example.com' });
      expect(byHand.result).toMatchObject({ repaired: 1 });
      await run({ mode: 'check' });
      expect(await finding('refused@example.com')).toBeUndefined();
    });

    it("a 5xx shows GoTrue's own message instead of {} and is retried by the next run", async () => {
      await local([[id(50), 'flaky@example.com', 'Flaky', true, 'user']]);
      await run({ mode: 'check' });
      emulator.fault(SUPABASE_ROUTES.create, { ...gotrueFault(500, 'unexpected_failure', 'Database error creating new user'), times: 10 });
      const failed = await run({ mode: 'repair', all: true });
      expect(failed.state).toBe('partial');
      expect(failed.result).toMatchObject({ failed: 1, refused: 0 });
      expect(String((failed.result?.errors as string[])[0])).toMatch(/Database error creating new user/);
      expect(String((failed.result?.errors as string[])[0])).not.toMatch(/\{\}/);
      emulator.clearFaults();
      const retried = await run({ mode: 'repair', all: true });
      expect(retried.result).toMatchObject({ repaired: 1, failed: 0 });
    });

    it('a create whose row id is not a UUID is reverted by the Supabase id in the after-image', async () => {
      await local([['local-60', 'nouuid@example.com', 'No Uuid', true, 'user']]);
      await run({ mode: 'check' });
      const repair = await run({ mode: 'repair', all: true });
      expect(repair.result).toMatchObject({ actions: { 'create-remote': 1 } });
      const created = emulator.listUsers().find((u) => u.email === 'nouuid@example.com');
      expect(created).toBeDefined();
      const entry = (await app.store.audit.byRun(repair.id))[0];
      expect(entry?.after).toMatchObject({ remote: { id: created?.id } });
      const undo = await run({ mode: 'revert', confirmDestructive: true, auditId: entry?.id });
      expect(undo.state, JSON.stringify(undo.error ?? undo.result)).toBe('succeeded');
      expect(undo.result).toMatchObject({ status: 'reverted', notRestored: [] });
      expect(emulator.getUser(created?.id ?? '')).toBeUndefined();
    });

    it('a row whose id is not a UUID pairs by email for good: it is not called a re-signup and its name is still repaired', async () => {
      await local([['row-65', 'plain@example.com', 'New Name', true, 'user']]);
      remote(65, 'plain@example.com', 'Old Name');
      await run({ mode: 'check' });
      expect(await finding('plain@example.com')).toMatchObject({ kind: 'inconsistent', details: { action: 'update-remote', matchedBy: 'email' } });
      expect((await run({ mode: 'repair', all: true })).result).toMatchObject({ actions: { 'update-remote': 1 }, failed: 0 });
      expect(emulator.getUser(id(65))?.user_metadata).toMatchObject({ full_name: 'New Name' });
    });

    it('"revert this run" undoes every change of one run and sums up what could not be undone', async () => {
      await local([
        [id(70), 'create@example.com', 'Create Me', true, 'admin'],
        [id(71), 'rename@example.com', 'New Name', true, 'user'],
        [id(72), 'confirm@example.com', 'Confirm', true, 'user'],
      ]);
      remote(71, 'rename@example.com', 'Old Name');
      remote(72, 'confirm@example.com', 'Confirm', { email_confirmed_at: undefined });
      remote(73, 'stray@example.com', 'Stray');
      await run({ mode: 'check' });
      const repair = await run(await confirmedAll(app, { mode: 'repair', all: true, confirmDeletes: 1  }));
      expect(repair.result).toMatchObject({ repaired: 4, actions: { 'create-remote': 1, 'update-remote': 2, 'ban-remote': 1 } });

      const undo = await app.handlers['identity.revertRun']({ runId: repair.id, confirm: true }, { actor: 'manual' } as never);
      const reverted = (await app.runs.waitFor(undo.runId)) as Run;
      expect(reverted.state).toBe('partial');
      expect(reverted.result).toMatchObject({ revertedRun: repair.id, entries: 4, reverted: 3, partial: 1, itemsFailed: 1 });
      expect(reverted.result?.notUndone).toEqual([expect.stringMatching(/confirm@example\.com .*emailVerified: Supabase's admin API cannot unconfirm/)]);
      expect(emulator.getUser(id(70))).toBeUndefined();
      expect(emulator.getUser(id(71))?.user_metadata).toMatchObject({ full_name: 'Old Name' });
      expect(emulator.getUser(id(73))?.banned_until).toBeUndefined();
      // The revert itself is audited per user, so it can be looked at and reverted in turn.
      expect((await app.store.audit.byRun(reverted.id)).map((e) => e.action).sort()).toEqual([
        'identity.revert.ban-remote',
        'identity.revert.create-remote',
        'identity.revert.update-remote',
        'identity.revert.update-remote',
      ]);
    });
  });
}
