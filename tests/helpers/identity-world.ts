import { afterEach, beforeEach, vi } from 'vitest';
import type { AppDbAdapter } from '../../core/appdb/adapter';
import { initCanonicalSchema } from '../../core/appdb/ddl';
import { openSqliteAppDb } from '../../core/appdb/sqlite.adapter';
import type { SyncRow } from '../../core/engines/identity/identity-model';
import { startSupabaseEmulator, type SupabaseEmulator } from '../emulators/supabase/supabase.emulator';
import { createTestApp, type TestApp } from './test-app';

/** The Supabase keys of an identity world. */
export const IDENTITY_KEYS = { serviceRoleKey: 'service-key', anonKey: 'anon-key' };

/** A UUID-shaped id for user `n` (GoTrue looks users up by UUID only). */
export const identityId = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;

/**
 * What "Repair all" sends once the admin confirmed its dialog: these params plus the digest of the plan the
 * dialog showed (identity.plan with the same Supabase-only policy and relink choice), as confirmDestructive;
 * unchanged when the plan destroys nothing. A repair of several users takes no other confirmation.
 */
export async function confirmedAll(app: Pick<TestApp, 'handlers'>, params: Record<string, unknown>): Promise<Record<string, unknown>> {
  const { remoteOnly, relink } = params as { remoteOnly?: 'ban' | 'leave' | 'delete'; relink?: boolean };
  const plan = await app.handlers['identity.plan']({ all: true, ...(remoteOnly ? { remoteOnly } : {}), ...(relink ? { relink } : {}) }, { actor: 'manual' });
  return plan.digest ? { ...params, confirmDestructive: plan.digest } : params;
}

/** A UUID for user `n` with hex letters, so that its upper-case spelling differs from it (identityId(n) has none). */
export const letteredIdentityId = (n: number) => `abcdef00-0000-4000-8000-${String(n).padStart(12, '0')}`;

/** The two connections an identity run uses: the SQLite product database at `path` and the Supabase emulator at `supabaseUrl`. */
export async function addIdentityConnections(app: TestApp, path: string, supabaseUrl: string, serviceRoleKey = IDENTITY_KEYS.serviceRoleKey): Promise<void> {
  await app.connections.create({ kind: 'appdb', name: 'Product', config: { driver: 'sqlite', path }, secrets: {} } as never);
  await app.connections.create({ kind: 'supabase', name: 'Supabase', config: { url: supabaseUrl }, secrets: { serviceRoleKey } });
}

/**
 * A product database at `path` whose users table holds users 1..`users` and a
 * Supabase emulator with the same users (`u<n>@example.com`, name 'U', role
 * 'user', verified): every user in sync. `createdAt` fixes the listing's order.
 */
export async function seedIdentityWorld(path: string, users: number, createdAt?: (n: number) => string): Promise<{ db: AppDbAdapter; emulator: SupabaseEmulator }> {
  const db = openSqliteAppDb({ path, create: true });
  await db.execute('DROP TABLE IF EXISTS users');
  await initCanonicalSchema(db);
  const emulator = await startSupabaseEmulator({ ...IDENTITY_KEYS, users: [] });
  const rows: [string, string, string, number, string][] = [];
  for (let n = 1; n <= users; n++) {
    const id = identityId(n);
    emulator.addUser({ id, email: `u${n}@example.com`, user_metadata: { full_name: 'U' }, app_metadata: { role: 'user' }, email_confirmed_at: '2026-01-01T00:00:00.000Z', ...(createdAt ? { created_at: createdAt(n) } : {}) });
    rows.push([id, `u${n}@example.com`, 'U', 1, 'user']);
  }
  await db.executeMany('INSERT INTO users (id, email, name, email_verified, role) VALUES (?, ?, ?, ?, ?)', rows);
  return { db, emulator };
}

/** One test's identity world: the product database, the Supabase emulator, and a console app connected to both. */
export interface IdentityTestWorld {
  app: TestApp;
  db: AppDbAdapter;
  emulator: SupabaseEmulator;
}

/**
 * Before each test: seedIdentityWorld(path, users, createdAt), then `seed` (what the file adds to the
 * emulator), then a console app with the two connections. After it: mocks restored, then the app, the
 * emulator and the database closed. `current()` is the running test's world.
 */
export function identityWorldPerTest(path: string, users: number, options: { createdAt?: (n: number) => string; seed?: (emulator: SupabaseEmulator) => void } = {}): { current(): IdentityTestWorld } {
  let world: IdentityTestWorld | undefined;
  beforeEach(async () => {
    const { db, emulator } = await seedIdentityWorld(path, users, options.createdAt);
    options.seed?.(emulator);
    const app = await createTestApp();
    await addIdentityConnections(app, path, emulator.url);
    world = { app, db, emulator };
  });
  afterEach(async () => {
    vi.restoreAllMocks();
    if (!world) return;
    const { app, emulator, db } = world;
    world = undefined;
    await app.dispose();
    await emulator.close();
    await db.close();
  });
  return {
    current: () => {
      if (!world) throw new Error('identityWorldPerTest: no test is running');
      return world;
    },
  };
}

/** A local-only row of the sync table, told apart by `tag` in its email (`<tag><n>@example.com`). */
export const localOnlyRow = (n: number, tag: string): SyncRow => ({
  status: 'local-only',
  matchedBy: null,
  local: { id: `id-${n}`, email: `${tag}${n}@example.com`, name: null, emailVerified: true, role: 'user' },
  remote: null,
  diffs: [],
});
