import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Run } from '../../core/api/models';
import type { AppDbAdapter } from '../../core/appdb/adapter';
import { initCanonicalSchema } from '../../core/appdb/ddl';
import { chunkKey, decodeRow, SNAPSHOT_META_KEY, type EncodedRow, type SnapshotMeta } from '../../core/engines/identity/identity-snapshot';
import { rateLimitFault, startSupabaseEmulator, SUPABASE_ROUTES, type SupabaseEmulator } from '../emulators/supabase/supabase.emulator';
import { confirmedAll } from '../helpers/identity-world';
import { createTestApp, type TestApp } from '../helpers/test-app';

/** The identity engine end to end: real supabase-js against the GoTrue emulator and a real users table. */
export interface AppDbUnderTest {
  open(): Promise<AppDbAdapter>;
  /** The appdb connection config that reaches the same database. */
  config: () => Record<string, unknown>;
  reset(db: AppDbAdapter): Promise<void>;
}

const id = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
export const IDENTITY_KEYS = { serviceRoleKey: 'service-key', anonKey: 'anon-key' };

/** What each identity test starts from: an empty users table and GoTrue emulator behind real connections. */
export interface IdentityWorld {
  app: TestApp;
  db: AppDbAdapter;
  emulator: SupabaseEmulator;
}

/** A fresh identity world for every test of the calling describe block (its fields are set in beforeEach). */
export function useIdentityWorld(target: AppDbUnderTest): IdentityWorld {
  const world = {} as IdentityWorld;
  beforeEach(async () => {
    world.db = await target.open();
    await target.reset(world.db);
    await initCanonicalSchema(world.db);
    world.emulator = await startSupabaseEmulator({ ...IDENTITY_KEYS, users: [] });
    world.app = await createTestApp();
    await world.app.connections.create({ kind: 'appdb', name: 'Product', config: target.config(), secrets: {} } as never);
    await world.app.connections.create({ kind: 'supabase', name: 'Supabase', config: { url: world.emulator.url }, secrets: { serviceRoleKey: IDENTITY_KEYS.serviceRoleKey } });
  });
  afterEach(async () => {
    await world.app.dispose();
    await world.emulator.close();
    await world.db.close();
  });
  return world;
}


export function describeIdentityEngine(name: string, target: AppDbUnderTest): void {
  describe(`identity engine with ${name}`, () => {
    const world = useIdentityWorld(target);
    let app: TestApp;
    let db: AppDbAdapter;
    let emulator: SupabaseEmulator;
    beforeEach(() => ({ app, db, emulator } = world));

    const bool = (v: boolean) => (db.dialect === 'sqlite' ? (v ? 1 : 0) : v);
    async function local(rows: [string, string, string | null, boolean, string][]) {
      await db.executeMany('INSERT INTO users (id, email, name, email_verified, role) VALUES (?, ?, ?, ?, ?)', rows.map((r) => [r[0], r[1], r[2], bool(r[3]), r[4]]));
    }
    function remote(n: number | string, email: string, fullName: string, verified: boolean, role?: string, extra: Record<string, unknown> = {}) {
      emulator.addUser({
        id: typeof n === 'number' ? id(n) : n,
        email,
        user_metadata: { full_name: fullName },
        app_metadata: role ? { role } : {},
        ...(verified ? { email_confirmed_at: '2026-01-01T00:00:00.000Z' } : {}),
        ...extra,
      });
    }
    async function run(params: Record<string, unknown>): Promise<Run> {
      return (await app.runs.waitFor((await app.runs.start('identity', { retryInitialDelayMs: 5, ...params }, 'manual')).runId)) as Run;
    }
    const localRow = async (userId: string) => (await db.query('SELECT * FROM users WHERE id = ?', [userId]))[0];

    /** One user of every status: in sync, local only, remote only, inconsistent by id and by email, and a soft-deleted stranger. */
    async function seedEveryStatus() {
      await local([
        [id(1), 'ada@example.com', 'Ada Lovelace', true, 'admin'],
        [id(2), 'grace@example.com', 'Grace Hopper', true, 'user'],
        [id(4), 'linus@example.com', 'Linus T', true, 'admin'],
        ['local-5', 'edsger@example.com', 'Edsger Dijkstra', false, 'user'],
      ]);
      remote(1, 'ada@example.com', 'Ada Lovelace', true, 'admin');
      remote(3, 'stranger@example.com', 'Some Stranger', false);
      remote(4, 'linus.old@example.com', 'Linus Torvalds', false, 'user');
      remote(5, 'edsger@example.com', 'Edsger Dijkstra', false);
      remote(6, 'gone@example.com', 'Gone', true, undefined, { deleted_at: '2026-02-01T00:00:00.000Z' });
    }

    it('check classifies every status, pairs by id then by email, and skips soft-deleted users', async () => {
      await seedEveryStatus();
      const check = await run({ mode: 'check' });
      expect(check.state, JSON.stringify(check.error)).toBe('succeeded');
      expect(check.result).toMatchObject({ users: 5, inSync: 1, localOnly: 1, remoteOnly: 1, inconsistent: 2, matchedByEmail: 1, softDeletedRemote: 1, findings: 4 });
      const findings = await app.store.findings.open('identity');
      const linus = findings.find((f) => f.userEmail === 'linus@example.com');
      expect(linus?.details).toMatchObject({
        matchedBy: 'id',
        diffs: [
          { field: 'email', local: 'linus@example.com', remote: 'linus.old@example.com' },
          { field: 'name', local: 'Linus T', remote: 'Linus Torvalds' },
          { field: 'emailVerified', local: true, remote: false },
          { field: 'role', local: 'admin', remote: 'user' },
        ],
      });
      // A row id that is not a UUID only ever pairs by email: not a re-signup, and the ids are left for a person.
      expect(findings.find((f) => f.userEmail === 'edsger@example.com')).toMatchObject({ kind: 'inconsistent', reason: 'Differs in id', proposedAction: expect.stringMatching(/left for a person.*an id/) });
      expect(findings.map((f) => f.kind).sort()).toEqual(['inconsistent', 'inconsistent', 'local-only', 'remote-only']);
      // The Supabase-only stranger gets the reversible repair by default: a ban, not a delete.
      expect(findings.find((f) => f.userEmail === 'stranger@example.com')?.details).toMatchObject({ action: 'ban-remote' });

      const validate = await run({ mode: 'validate' });
      expect(validate.result?.report).toMatchObject({ counts: { 'in-sync': 1, 'local-only': 1, 'remote-only': 1, inconsistent: 2 }, issuesByField: { id: 1, email: 1, name: 1, emailVerified: 1, role: 1 } });
      expect((validate.result?.report as { recommendations: string[] }).recommendations.join(' ')).toMatch(/bans them in Supabase \(reversible/);
      expect(await app.store.findings.open('identity')).toHaveLength(4);
    });

    it('with the app DB as truth, repair creates, bans and updates in Supabase through a 429, and a second repair is a no-op', async () => {
      await seedEveryStatus();
      await run({ mode: 'check' });
      const refused = await run({ mode: 'repair', all: true });
      expect(refused.state).toBe('failed');
      expect(refused.error?.message).toMatch(/would delete or ban 1 users.*confirmDeletes: 1/);
      // Within the count but not confirmed: the effect and the user are named, nothing is touched.
      const unconfirmed = await run({ mode: 'repair', all: true, confirmDeletes: 1 });
      expect(unconfirmed.error?.message).toMatch(/would ban 1 user in Supabase Auth \(sign-in refused; a revert unbans\): [^ ]+@example\.com\. Confirm it first/);
      expect(emulator.getUser(id(3))?.banned_until).toBeUndefined();

      emulator.fault(SUPABASE_ROUTES.update, rateLimitFault(2, 0));
      const repair = await run(await confirmedAll(app, { mode: 'repair', all: true, confirmDeletes: 1  }));
      expect(repair.state, JSON.stringify(repair.error)).toBe('succeeded');
      expect(repair.result).toMatchObject({ repaired: 3, manual: 1, failed: 0, itemsFailed: 0, actions: { 'create-remote': 1, 'ban-remote': 1, 'update-remote': 1 } });
      expect(emulator.getUser(id(2))).toMatchObject({ email: 'grace@example.com', user_metadata: { full_name: 'Grace Hopper' }, app_metadata: { role: 'user' } });
      expect(emulator.getUser(id(2))?.email_confirmed_at).toBeTruthy();
      expect(emulator.getUser(id(3))?.deleted_at).toBeUndefined();
      expect(Date.parse(emulator.getUser(id(3))?.banned_until ?? '')).toBeGreaterThan(Date.now() + 50 * 365 * 86_400_000);
      expect(emulator.getUser(id(4))).toMatchObject({ email: 'linus@example.com', user_metadata: { full_name: 'Linus T' }, app_metadata: { role: 'admin' } });
      expect(emulator.getUser(id(4))?.email_confirmed_at).toBeTruthy();
      expect((await app.store.audit.list({ engine: 'identity', limit: 10, offset: 0 })).items.map((a) => a.action).sort()).toEqual(['identity.ban-remote', 'identity.create-remote', 'identity.update-remote']);
      // The run's item log: one line per user, what was done or why not.
      const log = await app.store.runItems.page(repair.id, 50, 0);
      expect(log.items.map((l) => `${l.action}:${l.outcome}`).sort()).toEqual(['ban-remote:done', 'create-remote:done', 'manual:skipped', 'update-remote:done']);
      expect(log.counts).toEqual({ done: 3, skipped: 1 });

      // The users sync table follows the repair: the repaired users are in sync, the banned stranger stays for a person.
      const meta = await app.store.engineState.get<SnapshotMeta>('identity', SNAPSHOT_META_KEY);
      const chunk = (await app.store.engineState.get<EncodedRow[]>('identity', chunkKey(0, meta?.buffer)) ?? []).map(decodeRow);
      expect(chunk.filter((row) => row.local || row.remote).map((row) => row.status).sort()).toEqual(['in-sync', 'in-sync', 'in-sync', 'inconsistent', 'remote-only']);
      expect(chunk.find((row) => row.remote?.id === id(3))?.remote?.banned).toBe(true);

      const writes = () => ['create', 'update', 'delete'].reduce((sum, r) => sum + emulator.count(SUPABASE_ROUTES[r as 'create']), 0);
      const before = writes();
      const recheck = await run({ mode: 'check' });
      expect(recheck.result).toMatchObject({ inSync: 3, inconsistent: 1, localOnly: 0, remoteOnly: 1 });
      expect((await app.store.findings.open('identity')).find((f) => f.userEmail === 'stranger@example.com')).toMatchObject({ reason: expect.stringMatching(/banned/), proposedAction: expect.stringMatching(/already banned/) });
      const again = await run({ mode: 'repair', all: true });
      expect(again.result).toMatchObject({ repaired: 0, manual: 2, actions: {} });
      expect(writes()).toBe(before);
    });

    it('with Supabase as truth, repair inserts, deletes and updates rows of the users table', async () => {
      await seedEveryStatus();
      await run({ mode: 'check', sourceOfTruth: 'supabase' });
      const repair = await run(await confirmedAll(app, { mode: 'repair', all: true, confirmDeletes: 1  }));
      expect(repair.state, JSON.stringify(repair.error)).toBe('succeeded');
      expect(repair.result).toMatchObject({ sourceOfTruth: 'supabase', repaired: 3, manual: 1, actions: { 'insert-local': 1, 'delete-local': 1, 'update-local': 1 } });
      expect(await localRow(id(2))).toBeUndefined();
      expect(await localRow(id(3))).toMatchObject({ email: 'stranger@example.com', name: 'Some Stranger', role: 'user' });
      expect(await localRow(id(4))).toMatchObject({ email: 'linus.old@example.com', name: 'Linus Torvalds', email_verified: bool(false), role: 'user' });
      const audit = (await app.store.audit.list({ engine: 'identity', limit: 10, offset: 0 })).items.find((a) => a.action === 'identity.delete-local');
      expect(audit?.before).toMatchObject({ local: { id: id(2), email: 'grace@example.com' } });
      // The choice is remembered for the connection: a later check without it still treats Supabase as truth.
      expect((await run({ mode: 'check' })).result).toMatchObject({ sourceOfTruth: 'supabase', inSync: 3, inconsistent: 1 });
    });

    it('a repair is reverted from the audit log and verified; what cannot be restored is named, a soft delete is refused', async () => {
      await seedEveryStatus();
      await run({ mode: 'check', sourceOfTruth: 'supabase' });
      await run(await confirmedAll(app, { mode: 'repair', all: true, confirmDeletes: 1  }));
      const entries = (await app.store.audit.list({ engine: 'identity', limit: 10, offset: 0 })).items;
      const entry = (action: string) => entries.find((a) => a.action === `identity.${action}`)?.id;

      // update-local: the row gets its old values back.
      const undoUpdate = await run({ mode: 'revert', confirmDestructive: true, auditId: entry('update-local') });
      expect(undoUpdate.state, JSON.stringify(undoUpdate.error)).toBe('succeeded');
      expect(undoUpdate.result).toMatchObject({ status: 'reverted', notRestored: [] });
      expect(await localRow(id(4))).toMatchObject({ email: 'linus@example.com', name: 'Linus T', email_verified: bool(true), role: 'admin' });
      // delete-local: the deleted row comes back from its before-image.
      expect((await run({ mode: 'revert', confirmDestructive: true, auditId: entry('delete-local') })).state).toBe('succeeded');
      expect(await localRow(id(2))).toMatchObject({ email: 'grace@example.com', name: 'Grace Hopper' });
      // insert-local: the inserted row goes again.
      expect((await run({ mode: 'revert', confirmDestructive: true, auditId: entry('insert-local') })).state).toBe('succeeded');
      expect(await localRow(id(3))).toBeUndefined();
      // Each revert is audited too.
      expect((await app.store.audit.list({ engine: 'identity', limit: 20, offset: 0 })).items.filter((a) => a.action.startsWith('identity.revert.'))).toHaveLength(3);

      // App DB as truth: an update in Supabase is undone; an email confirmation cannot be, and is named.
      await local([[id(7), 'barbara@example.com', 'Barbara Liskov', true, 'user']]);
      remote(7, 'barbara@example.com', 'B. Liskov', true, 'user');
      await run({ mode: 'check', sourceOfTruth: 'appdb' });
      await run(await confirmedAll(app, { mode: 'repair', all: true, confirmDeletes: 1  }));
      expect(emulator.getUser(id(7))?.user_metadata).toMatchObject({ full_name: 'Barbara Liskov' });
      const appdbEntries = (await app.store.audit.list({ engine: 'identity', limit: 30, offset: 0 })).items;
      const nameUpdate = appdbEntries.find((a) => a.action === 'identity.update-remote' && a.subject.includes('barbara'));
      expect((await run({ mode: 'revert', confirmDestructive: true, auditId: nameUpdate?.id ?? 0 })).state).toBe('succeeded');
      expect(emulator.getUser(id(7))?.user_metadata).toMatchObject({ full_name: 'B. Liskov' });
      const verifiedUpdate = appdbEntries.find((a) => a.action === 'identity.update-remote' && a.subject.includes('linus'));
      const partly = await run({ mode: 'revert', confirmDestructive: true, auditId: verifiedUpdate?.id ?? 0 });
      expect(partly.state).toBe('partial');
      expect(partly.result).toMatchObject({ status: 'partial', notRestored: [{ field: 'emailVerified', expected: false, actual: true, reason: expect.stringMatching(/cannot unconfirm/) }] });
      // The fields it could restore are back all the same.
      expect(emulator.getUser(id(4))).toMatchObject({ email: 'linus.old@example.com', user_metadata: { full_name: 'Linus Torvalds' }, app_metadata: { role: 'user' } });

      // The ban of the stranger (inserted row reverted above) is undone by an unban.
      const ban = appdbEntries.find((a) => a.action === 'identity.ban-remote');
      expect(emulator.getUser(id(3))?.banned_until).toBeTruthy();
      expect((await run({ mode: 'revert', confirmDestructive: true, auditId: ban?.id ?? 0 })).state).toBe('succeeded');
      expect(emulator.getUser(id(3))?.banned_until).toBeUndefined();

      // A soft delete, chosen explicitly, is refused by a revert with the reason.
      await run({ mode: 'check' });
      await run(await confirmedAll(app, { mode: 'repair', all: true, remoteOnly: 'delete', confirmDeletes: 1  }));
      expect(emulator.getUser(id(3))?.deleted_at).toBeTruthy();
      const softDelete = (await app.store.audit.list({ engine: 'identity', limit: 50, offset: 0 })).items.find((a) => a.action === 'identity.delete-remote');
      const refused = await run({ mode: 'revert', confirmDestructive: true, auditId: softDelete?.id ?? 0 });
      expect(refused).toMatchObject({ state: 'failed', error: { message: expect.stringMatching(/cannot restore the deleted user/) } });
      expect((await run({ mode: 'revert', confirmDestructive: true, auditId: 999_999 })).error?.message).toBe('Audit entry 999999 is not an identity repair.');
    });

    it('pages through 12,345 Supabase users in pages of 1,000 (past the SDK page-number bug) with the floor of calls', async () => {
      const n = 12_345;
      const rows: [string, string, string | null, boolean, string][] = [];
      for (let i = 0; i < n; i++) {
        rows.push([id(100 + i), `user${i}@example.com`, `User ${i}`, true, 'user']);
        remote(100 + i, `user${i}@example.com`, i === n - 1 ? 'Renamed' : `User ${i}`, true);
      }
      await local(rows);
      const check = await run({ mode: 'check' });
      expect(check.result).toMatchObject({ users: n, inSync: n - 1, inconsistent: 1 });
      expect(check.apiCalls.supabase).toBe(Math.ceil(n / 1000));
      // One user's repair by email: only that user is touched.
      const repair = await run({ mode: 'repair', user: `user${n - 1}@example.com` });
      expect(repair.result).toMatchObject({ selected: 1, repaired: 1 });
      expect(emulator.getUser(id(100 + n - 1))?.user_metadata).toMatchObject({ full_name: `User ${n - 1}` });
    }, 60_000);
  });
}
