import { join } from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AppDbAdapter } from '../../core/appdb/adapter';
import { initCanonicalSchema } from '../../core/appdb/ddl';
import { openSqliteAppDb } from '../../core/appdb/sqlite.adapter';
import { createIdentityHandlers } from '../../core/engines/identity/identity.handlers';
import type { SyncRow } from '../../core/engines/identity/identity-model';
import { writeSnapshot } from '../../core/engines/identity/identity-snapshot';
import { SyncTableReader } from '../../core/engines/identity/identity-sync-table';
import { startSupabaseEmulator, type SupabaseEmulator } from '../emulators/supabase/supabase.emulator';
import { createTestApp, type TestApp } from '../helpers/test-app';
import { makeTempDir } from '../helpers/temp-dir';
import { addIdentityConnections } from '../helpers/identity-world';

const id = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
const KEYS = { serviceRoleKey: 'service-key', anonKey: 'anon-key' };
const call = { call: { actor: 'manual' as const } };
const query = (input: Record<string, unknown> = {}) => ({ sort: 'email' as const, direction: 'asc' as const, limit: 100, offset: 0, ...input });

describe('identity.users and identity.summary read the users sync table', () => {
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
    await db.executeMany('INSERT INTO users (id, email, name, email_verified, role) VALUES (?, ?, ?, 1, ?)', [
      [id(1), 'ada@example.com', 'Ada Lovelace', 'admin'],
      [id(2), 'grace@example.com', 'Grace Hopper', 'user'],
      [id(4), 'linus@example.com', 'Linus T', 'user'],
    ]);
    const confirmed = { email_confirmed_at: '2026-01-01T00:00:00.000Z' };
    emulator = await startSupabaseEmulator({
      ...KEYS,
      users: [
        { id: id(1), email: 'ada@example.com', user_metadata: { full_name: 'Ada Lovelace' }, app_metadata: { role: 'admin' }, ...confirmed },
        { id: id(3), email: 'barbara@example.com', user_metadata: { full_name: 'Barbara Liskov' }, ...confirmed },
        { id: id(4), email: 'linus@example.com', user_metadata: { full_name: 'Linus Torvalds' }, ...confirmed },
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

  const run = async (params: Record<string, unknown>) => app.runs.waitFor((await app.runs.start('identity', { retryInitialDelayMs: 5, ...params }, 'manual')).runId);

  it('before any check the table is empty and the summary says so', async () => {
    const handlers = createIdentityHandlers(app);
    expect(await handlers['identity.summary']({}, call.call)).toMatchObject({ checked: false, total: 0, runId: null });
    expect(await handlers['identity.users'](query(), call.call)).toMatchObject({ items: [], total: 0, runId: null });
  });

  it('pages, filters, searches and sorts the last check, and follows a one-user repair', async () => {
    const handlers = createIdentityHandlers(app);
    const check = await run({ mode: 'check' });
    const page = async (input: Record<string, unknown> = {}) => (await handlers['identity.users'](query(input), call.call)) as Awaited<ReturnType<SyncTableReader['page']>>;

    expect(await handlers['identity.summary']({}, call.call)).toMatchObject({
      checked: true,
      runId: check?.id,
      sourceOfTruth: 'appdb',
      total: 4,
      inSync: 1,
      issues: 3,
      percentInSync: 25,
      counts: { 'in-sync': 1, 'local-only': 1, 'remote-only': 1, inconsistent: 1 },
      pendingDeletes: 1,
    });
    expect((await page()).items.map((r) => r.email)).toEqual(['ada@example.com', 'barbara@example.com', 'grace@example.com', 'linus@example.com']);
    expect((await page({ direction: 'desc', limit: 2, offset: 1 }))).toMatchObject({ total: 4, items: [{ email: 'grace@example.com' }, { email: 'barbara@example.com' }] });
    expect((await page({ sort: 'status' })).items.map((r) => r.status)).toEqual(['in-sync', 'local-only', 'remote-only', 'inconsistent']);
    expect((await page({ search: 'HOPPER' })).items.map((r) => r.email)).toEqual(['grace@example.com']);
    const inconsistent = (await page({ status: 'inconsistent' }));
    expect(inconsistent).toMatchObject({ total: 1, items: [{ email: 'linus@example.com', matchedBy: 'id', localId: id(4), remoteId: id(4), diffs: [{ field: 'name', local: 'Linus T', remote: 'Linus Torvalds' }] }] });

    await run({ mode: 'repair', user: 'linus@example.com' });
    expect((await page({ search: 'linus' })).items).toMatchObject([{ status: 'in-sync', diffs: [] }]);
    expect(await handlers['identity.summary']({}, call.call)).toMatchObject({ inSync: 2, issues: 2 });
  });

  it('pages 100,000 users in milliseconds once loaded', async () => {
    const values = new Map<string, unknown>();
    const state = {
      get: <T>(key: string) => Promise.resolve(structuredClone(values.get(key)) as T | undefined),
      set: (key: string, value: unknown) => Promise.resolve(void values.set(key, JSON.parse(JSON.stringify(value)))),
      delete: (key: string) => Promise.resolve(void values.delete(key)),
    };
    const rows: SyncRow[] = Array.from({ length: 100_000 }, (_, n) => {
      const local = { id: id(n), email: `user${n}@example.com`, name: `User ${n}`, emailVerified: true, role: 'user' };
      const drift = n % 1000 === 0;
      return { status: drift ? 'inconsistent' : 'in-sync', matchedBy: 'id', local, remote: drift ? { ...local, name: 'Other' } : local, diffs: drift ? ['name'] : [] };
    });
    await writeSnapshot(state, rows, { runId: 1, checkedAt: '2026-01-01T00:00:00.000Z', sourceOfTruth: 'appdb' });
    const reader = new SyncTableReader({ get: <T>(_engine: string, key: string) => state.get<T>(key) });
    await reader.page(query());
    const started = performance.now();
    const last = await reader.page(query({ sort: 'name', direction: 'desc', offset: 99_900 }));
    const filtered = await reader.page(query({ status: 'inconsistent', search: 'user99' }));
    const elapsed = performance.now() - started;
    expect(last.items).toHaveLength(100);
    expect(filtered.total).toBe(1);
    expect(elapsed).toBeLessThan(500);
  });
});
