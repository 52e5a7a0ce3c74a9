import { join } from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { IdentityUserInputSchema } from '../../core/api/identity-user';
import type { AppDbAdapter } from '../../core/appdb/adapter';
import { initCanonicalSchema } from '../../core/appdb/ddl';
import { openSqliteAppDb } from '../../core/appdb/sqlite.adapter';
import { createIdentityUserHandlers } from '../../core/engines/identity/identity-user.handlers';
import { startSupabaseEmulator, SUPABASE_ROUTES, type SupabaseEmulator } from '../emulators/supabase/supabase.emulator';
import { createTestApp, type TestApp } from '../helpers/test-app';
import { makeTempDir } from '../helpers/temp-dir';
import { addIdentityConnections } from '../helpers/identity-world';

const id = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
const KEYS = { serviceRoleKey: 'service-key', anonKey: 'anon-key' };
const manual = { actor: 'manual' as const };

/**
 * `identity.user` reads one user in full from both sides, live, through the
 * real supabase-js against the GoTrue emulator and a SQLite users table with
 * columns the canonical schema does not know (one of them a password hash).
 */
describe('identity.user: one user in full, both sides, with findings and audit', () => {
  const dir = makeTempDir();
  const path = join(dir.path, 'product.db');
  let app: TestApp;
  let db: AppDbAdapter;
  let emulator: SupabaseEmulator;
  afterAll(() => dir.remove());

  beforeEach(async () => {
    db = openSqliteAppDb({ path, create: true });
    await db.execute('DROP TABLE IF EXISTS users');
    await initCanonicalSchema(db);
    await db.execute('ALTER TABLE users ADD COLUMN plan TEXT');
    await db.execute('ALTER TABLE users ADD COLUMN password_hash TEXT');
    await db.execute('ALTER TABLE users ADD COLUMN avatar BLOB');
    await db.executeMany('INSERT INTO users (id, email, name, email_verified, role, plan, password_hash, avatar, created_at) VALUES (?, ?, ?, 1, ?, ?, ?, ?, ?)', [
      [id(1), 'ada@example.com', 'Ada Lovelace', 'admin', 'pro', '$2b$10$abcdefghijklmnopqrstuv', Buffer.from([1, 2, 3]), '2025-03-01T10:00:00.000Z'],
      [id(2), 'grace@example.com', 'Grace Hopper', 'user', 'free', null, null, null],
      ['legacy-7', 'linus@example.com', 'Linus', 'user', 'free', null, null, null],
    ]);
    emulator = await startSupabaseEmulator({
      ...KEYS,
      users: [
        {
          id: id(1),
          email: 'ada@example.com',
          user_metadata: { full_name: 'Ada King' },
          app_metadata: { role: 'admin' },
          email_confirmed_at: '2025-03-01T10:05:00.000Z',
          created_at: '2025-03-01T10:00:00.000Z',
          last_sign_in_at: '2026-11-30T08:15:00.000Z',
        },
        { id: id(3), email: 'barbara@example.com', user_metadata: { full_name: 'Barbara Liskov' } },
      ],
    });
    app = await createTestApp();
    await addIdentityConnections(app, path, emulator.url, KEYS.serviceRoleKey);
  });
  afterEach(async () => {
    await app.dispose();
    await emulator.close();
    await db.close();
  });

  const detail = (input: { localId?: string | null; remoteId?: string | null; email?: string | null }) =>
    createIdentityUserHandlers(app)['identity.user'](IdentityUserInputSchema.parse({ localId: null, remoteId: null, email: null, ...input }), manual);
  const run = async (params: Record<string, unknown>) => app.runs.waitFor((await app.runs.start('identity', { retryInitialDelayMs: 5, ...params }, 'manual')).runId);

  it('shows every column of the users row and every field of the Supabase user, hiding the password hash', async () => {
    const user = await detail({ localId: id(1), remoteId: id(1), email: 'ada@example.com' });
    expect(user.local).toMatchObject({ state: 'found', message: null, redacted: ['password_hash'] });
    expect(user.local.record).toMatchObject({ id: id(1), email: 'ada@example.com', name: 'Ada Lovelace', role: 'admin', plan: 'pro', avatar: '(3 bytes)', created_at: '2025-03-01T10:00:00.000Z' });
    expect(Object.keys(user.local.record ?? {})).not.toContain('password_hash');
    expect(JSON.stringify(user)).not.toContain('$2b$10$');
    expect(user.remote).toMatchObject({ state: 'found', redacted: [] });
    expect(user.remote.record).toMatchObject({
      id: id(1),
      aud: 'authenticated',
      email: 'ada@example.com',
      created_at: '2025-03-01T10:00:00.000Z',
      last_sign_in_at: '2026-11-30T08:15:00.000Z',
      email_confirmed_at: '2025-03-01T10:05:00.000Z',
      user_metadata: { full_name: 'Ada King' },
      app_metadata: { role: 'admin', provider: 'email' },
    });
    expect(user.remote.record?.identities).toHaveLength(1);
    // Reading is free of side effects: only GETs reached GoTrue.
    expect(emulator.count(SUPABASE_ROUTES.update) + emulator.count(SUPABASE_ROUTES.create) + emulator.count(SUPABASE_ROUTES.delete)).toBe(0);
  });

  it('lists only this user’s findings and audit entries, newest first, whichever side’s email they were filed under', async () => {
    await run({ mode: 'check' });
    await run({ mode: 'repair', user: 'ada@example.com' });
    const ada = await detail({ localId: id(1), remoteId: id(1), email: 'ada@example.com' });
    expect(ada.findings.map((f) => [f.subject, f.kind, f.status])).toEqual([['user:ada@example.com', 'inconsistent', 'repaired']]);
    expect(ada.audit.map((a) => [a.action, a.subject])).toEqual([['identity.update-remote', 'user:ada@example.com']]);
    expect(ada.auditTotal).toBe(1);
    // After the repair Supabase has the users table's name.
    expect(ada.remote.record?.user_metadata).toMatchObject({ full_name: 'Ada Lovelace' });

    const barbara = await detail({ localId: null, remoteId: id(3), email: 'barbara@example.com' });
    expect(barbara.local).toMatchObject({ state: 'not-linked', record: null });
    expect(barbara.remote.state).toBe('found');
    expect(barbara.findings.map((f) => [f.subject, f.kind])).toEqual([['user:barbara@example.com', 'remote-only']]);
    expect(barbara.audit).toEqual([]);
    // Ada's history is not Barbara's, and the other way round.
    expect(ada.findings.some((f) => f.subject.includes('barbara'))).toBe(false);
  });

  it('a user whose id is not a UUID, or gone from Supabase, is told apart from one Supabase could not be asked about', async () => {
    const linus = await detail({ localId: 'legacy-7', remoteId: null, email: 'linus@example.com' });
    expect(linus.local).toMatchObject({ state: 'found', record: { id: 'legacy-7', plan: 'free' } });
    expect(linus.remote.state).toBe('not-linked');

    // GoTrue's own 404 user_not_found: absent.
    expect((await detail({ remoteId: id(9) })).remote).toMatchObject({ state: 'absent', record: null });
    // A proxy's HTML 404 is not GoTrue's answer: unavailable, never absent.
    emulator.fault(SUPABASE_ROUTES.get, { status: 404, body: '<html><body>Not Found</body></html>', headers: { 'content-type': 'text/html' }, times: 1 });
    const proxied = await detail({ remoteId: id(1) });
    expect(proxied.remote.state).toBe('unavailable');
    expect(proxied.remote.message).toMatch(/^Supabase Auth could not be read: /);
    // A 5xx and a malformed id: unavailable too, with the reason.
    emulator.fault(SUPABASE_ROUTES.get, { status: 500, body: { code: 'unexpected_failure', message: 'Database error' }, times: 1 });
    expect((await detail({ remoteId: id(1) })).remote.state).toBe('unavailable');
    expect((await detail({ remoteId: 'legacy-7' })).remote).toMatchObject({ state: 'unavailable', message: expect.stringMatching(/must be a UUID/) });
    // The users table says "absent" only when the row is not there.
    expect((await detail({ localId: 'nobody' })).local).toMatchObject({ state: 'absent', message: 'No row with id nobody in users.' });
  });

  it('a wrong service role key or a missing connection leaves the other side readable', async () => {
    const [supabase] = (await app.connections.list()).filter((c) => c.kind === 'supabase');
    await app.connections.update({ id: supabase!.id, secrets: { serviceRoleKey: 'not-the-key' } } as never);
    const user = await detail({ localId: id(1), remoteId: id(1) });
    expect(user.local.state).toBe('found');
    expect(user.remote.state).toBe('unavailable');
    expect(user.remote.message).not.toContain('not-the-key');
    await app.connections.delete(supabase!.id);
    expect((await detail({ remoteId: id(1) })).remote).toMatchObject({ state: 'unavailable', message: 'No Supabase connection is set up: add one on the Connections page.' });
  });

  it('refuses a call that names no user', () => {
    expect(IdentityUserInputSchema.safeParse({ localId: null, remoteId: null, email: null }).success).toBe(false);
    expect(IdentityUserInputSchema.safeParse({ localId: ' ', remoteId: null, email: null }).success).toBe(false);
  });
});
