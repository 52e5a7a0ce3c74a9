import { createClient, type WebSocketLikeConstructor } from '@supabase/supabase-js';
import WebSocket from 'ws';
import { beforeEach, describe, expect, it } from 'vitest';
import type { Run } from '../../core/api/models';
import type { AppDbAdapter } from '../../core/appdb/adapter';
import type { SupabaseEmulator } from '../emulators/supabase/supabase.emulator';
import { confirmedAll } from '../helpers/identity-world';
import type { TestApp } from '../helpers/test-app';
import { IDENTITY_KEYS, useIdentityWorld, type AppDbUnderTest } from './identity-suite';

const id = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
const KEYS = IDENTITY_KEYS;
const NO_SESSION = { persistSession: false, autoRefreshToken: false };

/**
 * Issue 15, item 5 after review: a revert never undoes a later decision. Before acting it
 * re-reads the user and compares what the repair wrote with the after-image; an entry changed
 * since (re-banned, renamed, signed in) is left alone as `changed-since`, the run ends partial,
 * and the other entries are still reverted. Someone else's later changes go through supabase-js
 * (admin API and password sign-in) against the GoTrue emulator, as a person would make them.
 */
export function describeRevertGuard(name: string, target: AppDbUnderTest): void {
  describe(`reverts that check nothing changed since the repair, with ${name}`, () => {
    const world = useIdentityWorld(target);
    let app: TestApp;
    let db: AppDbAdapter;
    let emulator: SupabaseEmulator;
    const client = (key: string) => createClient(emulator.url, key, { auth: NO_SESSION, realtime: { transport: WebSocket as unknown as WebSocketLikeConstructor } }).auth;
    beforeEach(() => ({ app, db, emulator } = world));

    const bool = (v: boolean) => (db.dialect === 'sqlite' ? (v ? 1 : 0) : v);
    async function local(rows: [string, string, string | null, boolean, string][]) {
      await db.executeMany('INSERT INTO users (id, email, name, email_verified, role) VALUES (?, ?, ?, ?, ?)', rows.map((r) => [r[0], r[1], r[2], bool(r[3]), r[4]]));
    }
    function remote(n: number, email: string, fullName: string, role = 'user') {
      return emulator.addUser({ id: id(n), email, user_metadata: { full_name: fullName }, app_metadata: { role }, email_confirmed_at: '2026-01-01T00:00:00.000Z' });
    }
    async function run(params: Record<string, unknown>): Promise<Run> {
      return (await app.runs.waitFor((await app.runs.start('identity', { retryInitialDelayMs: 5, ...params }, 'manual')).runId)) as Run;
    }
    async function repairAll(params: Record<string, unknown> = {}): Promise<Run> {
      await run({ mode: 'check', ...params });
      const repair = await run(await confirmedAll(app, { mode: 'repair', all: true, confirmDeletes: 1, ...params  }));
      expect(repair.state, JSON.stringify(repair.error ?? repair.result)).toBe('succeeded');
      return repair;
    }
    const entryOf = async (runId: number, subject: string) => (await app.store.audit.byRun(runId)).find((e) => e.subject === `user:${subject}`);
    const revertEntry = (auditId: number | undefined) => run({ mode: 'revert', confirmDestructive: true, auditId });
    const admin = () => client(KEYS.serviceRoleKey).admin;

    it('a ban that someone set again since (another duration) is not lifted: the user stays banned', async () => {
      remote(10, 'stray@example.com', 'Stray');
      const repair = await repairAll();
      expect(emulator.getUser(id(10))?.banned_until).toEqual(expect.any(String));
      expect((await admin().updateUserById(id(10), { ban_duration: '24h' })).error).toBeNull();
      const reban = emulator.getUser(id(10))?.banned_until;

      const undo = await revertEntry((await entryOf(repair.id, 'stray@example.com'))?.id);
      expect(undo.state, JSON.stringify(undo.error ?? undo.result)).toBe('partial');
      expect(undo.result).toMatchObject({ status: 'changed-since', itemsFailed: 1, changedSince: [{ field: 'bannedUntil', current: reban }] });
      // The run drawer lists notUndone: a one-entry revert says there why it did nothing.
      expect(undo.result?.notUndone).toEqual([expect.stringMatching(/^user:stray@example\.com \(identity\.ban-remote\): not reverted: /)]);
      expect(String(undo.result?.message)).toMatch(/not reverted: user:stray@example\.com changed since the repair \(bannedUntil is now/);
      expect(emulator.getUser(id(10))?.banned_until).toBe(reban);
      // Nothing was done, so nothing is audited as reverted.
      expect(await app.store.audit.byRun(undo.id)).toEqual([]);
    });

    it('a ban set again since with the same duration is told apart by the end GoTrue answered the repair', async () => {
      remote(12, 'again@example.com', 'Again');
      const repair = await repairAll();
      const entry = await entryOf(repair.id, 'again@example.com');
      expect(entry?.after).toMatchObject({ bannedUntil: emulator.getUser(id(12))?.banned_until });
      await new Promise((resolve) => setTimeout(resolve, 20));
      expect((await admin().updateUserById(id(12), { ban_duration: '876000h' })).error).toBeNull();
      const undo = await revertEntry(entry?.id);
      expect(undo.result).toMatchObject({ status: 'changed-since', changedSince: [{ field: 'bannedUntil' }] });
      expect(emulator.getUser(id(12))?.banned_until).toEqual(expect.any(String));
    });

    it('a ban someone lifted since is reported, not "reverted" again', async () => {
      remote(11, 'lifted@example.com', 'Lifted');
      const repair = await repairAll();
      expect((await admin().updateUserById(id(11), { ban_duration: 'none' })).error).toBeNull();
      const undo = await revertEntry((await entryOf(repair.id, 'lifted@example.com'))?.id);
      expect(undo.state).toBe('partial');
      expect(undo.result).toMatchObject({ status: 'changed-since', changedSince: [{ field: 'banned', repairLeft: true, current: false }] });
    });

    it('a name update is not reverted over a later rename: the later name is kept', async () => {
      await local([[id(20), 'rename@example.com', 'Repaired Name', true, 'user']]);
      remote(20, 'rename@example.com', 'Old Name');
      const repair = await repairAll();
      expect(emulator.getUser(id(20))?.user_metadata).toMatchObject({ full_name: 'Repaired Name' });
      // The person renames themselves afterwards.
      expect((await admin().updateUserById(id(20), { user_metadata: { full_name: 'Chosen Later' } })).error).toBeNull();

      const undo = await revertEntry((await entryOf(repair.id, 'rename@example.com'))?.id);
      expect(undo.state).toBe('partial');
      expect(undo.result).toMatchObject({ status: 'changed-since', changedSince: [{ field: 'name', repairLeft: 'Repaired Name', current: 'Chosen Later' }] });
      expect(emulator.getUser(id(20))?.user_metadata).toMatchObject({ full_name: 'Chosen Later' });
    });

    it('a later change of a field the repair did not write does not block the revert, and survives it', async () => {
      await local([[id(25), 'field@example.com', 'Repaired Name', true, 'user']]);
      remote(25, 'field@example.com', 'Old Name');
      const repair = await repairAll();
      expect((await admin().updateUserById(id(25), { app_metadata: { role: 'admin' } })).error).toBeNull();

      const undo = await revertEntry((await entryOf(repair.id, 'field@example.com'))?.id);
      expect(undo.state, JSON.stringify(undo.error ?? undo.result)).toBe('succeeded');
      expect(undo.result).toMatchObject({ status: 'reverted', notRestored: [] });
      expect(emulator.getUser(id(25))?.user_metadata).toMatchObject({ full_name: 'Old Name' });
      expect(emulator.getUser(id(25))?.app_metadata).toMatchObject({ role: 'admin' });
    });

    it('a created user who has signed in since is never deleted by a revert', async () => {
      await local([[id(30), 'created@example.com', 'Created', true, 'user']]);
      const repair = await repairAll();
      expect(emulator.getUser(id(30))).toBeDefined();
      // The user gets a password and signs in (POST /auth/v1/token?grant_type=password).
      expect((await admin().updateUserById(id(30), { password: 'pw-30-secret' })).error).toBeNull();
      expect((await client(KEYS.anonKey).signInWithPassword({ email: 'created@example.com', password: 'pw-30-secret' })).error).toBeNull();

      const undo = await revertEntry((await entryOf(repair.id, 'created@example.com'))?.id);
      expect(undo.state).toBe('partial');
      expect(undo.result).toMatchObject({ status: 'changed-since', changedSince: [{ field: 'lastSignInAt', current: expect.any(String) }] });
      expect(emulator.getUser(id(30))).toMatchObject({ email: 'created@example.com' });
      expect(emulator.getUser(id(30))?.deleted_at).toBeUndefined();
    });

    it('a created user changed since (email) is not deleted either', async () => {
      await local([[id(31), 'made@example.com', 'Made', true, 'user']]);
      const repair = await repairAll();
      expect((await admin().updateUserById(id(31), { email: 'moved@example.com' })).error).toBeNull();
      const undo = await revertEntry((await entryOf(repair.id, 'made@example.com'))?.id);
      expect(undo.result).toMatchObject({ status: 'changed-since', changedSince: [{ field: 'email', current: 'moved@example.com' }] });
      expect(emulator.getUser(id(31))).toBeDefined();
    });

    it('a users-row update (Supabase as truth) is not reverted over a later edit of the row', async () => {
      await local([[id(40), 'row@example.com', 'Old Row Name', true, 'user']]);
      remote(40, 'row@example.com', 'Supabase Name');
      const repair = await repairAll({ sourceOfTruth: 'supabase' });
      await db.execute('UPDATE users SET name = ? WHERE id = ?', ['Edited In Product', id(40)]);
      const undo = await revertEntry((await entryOf(repair.id, 'row@example.com'))?.id);
      expect(undo.result).toMatchObject({ status: 'changed-since', changedSince: [{ field: 'name', repairLeft: 'Supabase Name', current: 'Edited In Product' }] });
      expect(await db.query('SELECT name FROM users WHERE id = ?', [id(40)])).toEqual([{ name: 'Edited In Product' }]);
    });

    it('an inserted users row edited since is not deleted by a revert', async () => {
      remote(45, 'signup@example.com', 'Sign Up');
      const repair = await repairAll({ sourceOfTruth: 'supabase' });
      expect(repair.result).toMatchObject({ actions: { 'insert-local': 1 } });
      await db.execute('UPDATE users SET role = ? WHERE id = ?', ['admin', id(45)]);
      const undo = await revertEntry((await entryOf(repair.id, 'signup@example.com'))?.id);
      expect(undo.result).toMatchObject({ status: 'changed-since', changedSince: [{ field: 'role', repairLeft: 'user', current: 'admin' }] });
      expect(await db.query('SELECT role FROM users WHERE id = ?', [id(45)])).toEqual([{ role: 'admin' }]);
    });

    it('"revert this run" with one entry changed since ends partial, reverts the others and names the skipped one', async () => {
      await local([
        [id(50), 'create@example.com', 'Create Me', true, 'user'],
        [id(51), 'rename@example.com', 'New Name', true, 'user'],
        [id(52), 'later@example.com', 'Repaired', true, 'user'],
      ]);
      remote(51, 'rename@example.com', 'Old Name');
      remote(52, 'later@example.com', 'Before');
      remote(53, 'stray@example.com', 'Stray');
      const repair = await repairAll();
      expect(repair.result).toMatchObject({ actions: { 'create-remote': 1, 'update-remote': 2, 'ban-remote': 1 } });
      expect((await admin().updateUserById(id(52), { user_metadata: { full_name: 'Later Still' } })).error).toBeNull();

      const started = await app.handlers['identity.revertRun']({ runId: repair.id, confirm: true }, { actor: 'manual' } as never);
      const undo = (await app.runs.waitFor(started.runId)) as Run;
      expect(undo.state).toBe('partial');
      expect(undo.result).toMatchObject({ entries: 4, reverted: 3, changedSince: 1, itemsFailed: 1 });
      expect(undo.result?.notUndone).toEqual([expect.stringMatching(/^user:later@example\.com \(identity\.update-remote\): not reverted: .*name is now "Later Still"/)]);
      expect(emulator.getUser(id(52))?.user_metadata).toMatchObject({ full_name: 'Later Still' });
      expect(emulator.getUser(id(50))).toBeUndefined();
      expect(emulator.getUser(id(51))?.user_metadata).toMatchObject({ full_name: 'Old Name' });
      expect(emulator.getUser(id(53))?.banned_until).toBeUndefined();
      expect((await app.store.audit.byRun(undo.id)).map((e) => e.subject).sort()).toEqual(['user:create@example.com', 'user:rename@example.com', 'user:stray@example.com']);
    });
  });
}
