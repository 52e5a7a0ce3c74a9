import type { Finding, Run } from '../../core/api/models';
import type { AppDbAdapter } from '../../core/appdb/adapter';
import { initCanonicalSchema } from '../../core/appdb/ddl';
import { openSqliteAppDb } from '../../core/appdb/sqlite.adapter';
import { startSupabaseEmulator, type SupabaseEmulator } from '../emulators/supabase/supabase.emulator';
import { gotruePageProxy, type GoTruePageProxy } from './gotrue-page-proxy';
import { identityId, IDENTITY_KEYS } from './identity-world';
import { createTestApp, type TestApp } from './test-app';

/**
 * An identity world for listing attacks: `users` Supabase users (user n created at n seconds past a base, so the
 * listing, newest first, puts n = users first) and their users rows, the row of user `legacy` keyed by a legacy
 * id (not its Supabase user's: it pairs by email and cannot be looked up by id). The console reaches Supabase
 * through a page proxy (gotrue-page-proxy.ts) unless `direct`.
 */
export interface LegacyIdentityWorld {
  app: TestApp;
  db: AppDbAdapter;
  emulator: SupabaseEmulator;
  proxy: GoTruePageProxy;
  legacyRowId: string;
  /** Starts an identity run with these parameters (fast retries) and waits for its end. */
  run(params: Record<string, unknown>): Promise<Run>;
  /** The open finding about the legacy row's user, if any. */
  legacyFinding(): Promise<Finding | undefined>;
  close(): Promise<void>;
}

export async function legacyIdentityWorld(options: { path: string; users: number; legacy: number | null; direct?: boolean }): Promise<LegacyIdentityWorld> {
  const db = openSqliteAppDb({ path: options.path, create: true });
  await db.execute('DROP TABLE IF EXISTS users');
  await initCanonicalSchema(db);
  const emulator = await startSupabaseEmulator({ ...IDENTITY_KEYS, users: [] });
  const base = Date.parse('2024-01-01T00:00:00Z');
  const legacyRowId = `legacy-${options.legacy ?? 'none'}`;
  const rows: [string, string, string, number, string][] = [];
  for (let n = 1; n <= options.users; n++) {
    emulator.addUser({ id: identityId(n), email: `u${n}@example.com`, user_metadata: { full_name: 'U' }, app_metadata: { role: 'user' }, email_confirmed_at: '2026-01-01T00:00:00.000Z', created_at: new Date(base + n * 1000).toISOString() });
    rows.push([n === options.legacy ? legacyRowId : identityId(n), `u${n}@example.com`, 'U', 1, 'user']);
  }
  await db.executeMany('INSERT INTO users (id, email, name, email_verified, role) VALUES (?, ?, ?, ?, ?)', rows);
  const proxy = await gotruePageProxy(emulator);
  const app = await createTestApp();
  await app.connections.create({ kind: 'appdb', name: 'Product', config: { driver: 'sqlite', path: options.path }, secrets: {} } as never);
  await app.connections.create({ kind: 'supabase', name: 'Supabase', config: { url: options.direct ? emulator.url : proxy.url }, secrets: { serviceRoleKey: IDENTITY_KEYS.serviceRoleKey } });
  return {
    app,
    db,
    emulator,
    proxy,
    legacyRowId,
    run: async (params) => (await app.runs.waitFor((await app.runs.start('identity', { retryInitialDelayMs: 5, ...params }, 'manual')).runId)) as Run,
    legacyFinding: async () => (await app.store.findings.open('identity')).find((f) => f.userEmail === `u${options.legacy}@example.com`),
    close: async () => {
      await app.dispose();
      await proxy.close();
      await emulator.close();
      await db.close();
    },
  };
}
