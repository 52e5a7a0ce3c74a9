import { beforeEach, describe, expect, it } from 'vitest';
import type { Run } from '../../core/api/models';
import type { AppDbAdapter } from '../../core/appdb/adapter';
import type { SupabaseEmulator } from '../emulators/supabase/supabase.emulator';
import type { TestApp } from '../helpers/test-app';
import { useIdentityWorld, type AppDbUnderTest } from './identity-suite';

const id = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;

/**
 * Issue 15, s26e: a relink changes the users row's id, and the product's rows that hold the person by that id
 * (the mapping's user columns, every foreign key to users.id) move with it in the same transaction; the audit
 * keeps which rows moved, and its revert moves exactly those back. A table that cannot follow refuses the relink.
 */
export function describeRelinkReferences(name: string, target: AppDbUnderTest): void {
  describe(`a relink and the product rows that hold the user, with ${name}`, () => {
    const world = useIdentityWorld(target);
    let app: TestApp;
    let db: AppDbAdapter;
    let emulator: SupabaseEmulator;
    beforeEach(() => ({ app, db, emulator } = world));

    async function run(params: Record<string, unknown>): Promise<Run> {
      return (await app.runs.waitFor((await app.runs.start('identity', { retryInitialDelayMs: 5, ...params }, 'manual')).runId)) as Run;
    }
    const bool = (v: boolean) => (db.dialect === 'sqlite' ? (v ? 1 : 0) : v);
    /** Row n and its person's re-signup under n + 1 (the old Supabase user soft-deleted). */
    async function resignup(n: number, email: string): Promise<number> {
      await db.execute('INSERT INTO users (id, email, name, email_verified, role) VALUES (?, ?, ?, ?, ?)', [id(n), email, 'R', bool(true), 'user']);
      const user = { user_metadata: { full_name: 'R' }, app_metadata: { role: 'user' }, email_confirmed_at: '2026-01-01T00:00:00.000Z' };
      emulator.addUser({ id: id(n), email, ...user, deleted_at: '2026-01-05T00:00:00.000Z' });
      emulator.addUser({ id: id(n + 1), email, ...user });
      await run({ mode: 'check' });
      const finding = (await app.store.findings.open('identity')).find((f) => f.userEmail === email && f.kind === 're-signup');
      expect(finding).toBeDefined();
      return finding!.id;
    }
    const owners = async (table: string, column: string, key: string) =>
      Object.fromEntries((await db.query<Record<string, string>>(`SELECT ${key} AS k, ${column} AS o FROM ${table} ORDER BY ${key}`)).map((r) => [r.k, r.o]));

    it('the rows move with the row, the audit names them, and the revert moves exactly those back', async () => {
      await db.execute('DROP TABLE IF EXISTS relink_notes');
      await db.execute('DELETE FROM files');
      await db.execute('CREATE TABLE relink_notes (id TEXT PRIMARY KEY, owner TEXT REFERENCES users (id) DEFERRABLE INITIALLY IMMEDIATE)');
      try {
        const findingId = await resignup(70, 'moved70@example.com');
        await db.executeMany('INSERT INTO files (id, user_id, provider, provider_file_id, name) VALUES (?, ?, ?, ?, ?)', [
          ['f70a', id(70), 'drive', 'd-f70a', 'a.pdf'],
          ['f70b', id(70), 'drive', 'd-f70b', 'b.pdf'],
          ['other', id(99), 'drive', 'd-other', 'c.pdf'],
        ]);
        await db.execute('INSERT INTO users (id, email, name, email_verified, role) VALUES (?, ?, ?, ?, ?)', [id(99), 'other99@example.com', 'O', bool(true), 'user']);
        await db.execute('INSERT INTO relink_notes (id, owner) VALUES (?, ?)', ['n70', id(70)]);

        const plan = await app.handlers['identity.plan']({ findingIds: [findingId], relink: true }, { actor: 'manual' } as never);
        expect(plan.summary).toMatch(/product rows follow it/);
        const relink = await run({ mode: 'repair', findingIds: [findingId], relink: true, confirmDestructive: true });
        expect(relink.state, JSON.stringify(relink.error ?? relink.result)).toBe('succeeded');
        expect(await owners('files', 'user_id', 'id')).toEqual({ f70a: id(71), f70b: id(71), other: id(99) });
        expect(await owners('relink_notes', 'owner', 'id')).toEqual({ n70: id(71) });
        const [entry] = (await app.store.audit.byRun(relink.id)).filter((e) => e.action === 'identity.relink-local');
        expect((entry?.after as { moved?: unknown }).moved).toEqual(
          expect.arrayContaining([
            // `was`: what each row held, as spelt, so the revert puts exactly that back (s26j).
            { table: 'files', column: 'user_id', key: 'id', keys: ['f70a', 'f70b'], was: [id(70), id(70)] },
            { table: 'relink_notes', column: 'owner', key: 'id', keys: ['n70'], was: [id(70)] },
          ]),
        );
        expect(JSON.stringify(await app.store.runItems.page(relink.id, 50, 0))).toMatch(/Its 3 product rows followed it/);

        // Made under the new id after the relink: not the relink's to move back.
        await db.execute('INSERT INTO files (id, user_id, provider, provider_file_id, name) VALUES (?, ?, ?, ?, ?)', ['f70c', id(71), 'drive', 'd-f70c', 'new.pdf']);
        const undo = await run({ mode: 'revert', confirmDestructive: true, revertRunId: relink.id });
        expect(undo.state, JSON.stringify(undo.result ?? undo.error)).toBe('succeeded');
        expect(await db.query('SELECT id FROM users WHERE email = ?', ['moved70@example.com'])).toEqual([{ id: id(70) }]);
        expect(await owners('files', 'user_id', 'id')).toEqual({ f70a: id(70), f70b: id(70), f70c: id(71), other: id(99) });
        expect(await owners('relink_notes', 'owner', 'id')).toEqual({ n70: id(70) });
      } finally {
        await db.execute('DROP TABLE IF EXISTS relink_notes');
        await db.execute('DELETE FROM files');
      }
    });

    it('a table that holds the user but has no key to record its rows by refuses the relink, naming it; nothing moves', async () => {
      await db.execute('DROP TABLE IF EXISTS relink_keyless');
      await db.execute('DELETE FROM files');
      await db.execute('CREATE TABLE relink_keyless (owner TEXT REFERENCES users (id) DEFERRABLE INITIALLY IMMEDIATE, note TEXT)');
      try {
        const findingId = await resignup(80, 'keyless80@example.com');
        await db.execute('INSERT INTO relink_keyless (owner, note) VALUES (?, ?)', [id(80), 'x']);
        await db.execute('INSERT INTO files (id, user_id, provider, provider_file_id, name) VALUES (?, ?, ?, ?, ?)', ['f80', id(80), 'drive', 'd-f80', 'a.pdf']);
        const relink = await run({ mode: 'repair', findingIds: [findingId], relink: true, confirmDestructive: true });
        expect(relink.result).toMatchObject({ failed: 1, repaired: 0 });
        expect(JSON.stringify(relink.result)).toMatch(/relink_keyless \(no key to record which rows moved/);
        expect(await db.query('SELECT id FROM users WHERE email = ?', ['keyless80@example.com'])).toEqual([{ id: id(80) }]);
        expect(await owners('files', 'user_id', 'id')).toEqual({ f80: id(80) });
      } finally {
        await db.execute('DROP TABLE IF EXISTS relink_keyless');
        await db.execute('DELETE FROM files');
      }
    });
  });
}
