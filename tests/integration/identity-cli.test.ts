import { createClient, type WebSocketLikeConstructor } from '@supabase/supabase-js';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { initCanonicalSchema } from '../../core/appdb/ddl';
import { openSqliteAppDb } from '../../core/appdb/sqlite.adapter';
import { EnvSecretStore } from '../../core/secrets/env.secret-store';
import { connectionSecretKey } from '../../core/secrets/secret-store';
import { gotrueFault, startSupabaseEmulator, SUPABASE_ROUTES, type SupabaseEmulator } from '../emulators/supabase/supabase.emulator';
import { REPO_ROOT } from '../helpers/paths';
import { createTestApp } from '../helpers/test-app';
import { makeTempDir } from '../helpers/temp-dir';

const KEYS = { serviceRoleKey: 'service-key', anonKey: 'anon-key' };
const id = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;

let emulator: SupabaseEmulator | undefined;
const dir = makeTempDir();
afterEach(async () => {
  await emulator?.close();
  emulator = undefined;
});

/** The CLI from source in a child process (async: the emulator lives in this process and must keep answering). */
function cli(dataDir: string, env: NodeJS.ProcessEnv, ...args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', join(REPO_ROOT, 'core/cli/main.ts'), '--data-dir', dataDir, ...args], { cwd: REPO_ROOT, env: { ...process.env, ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}
const lastJson = (text: string) => JSON.parse(text.trim().split('\n').at(-1) as string) as Record<string, unknown>;

describe('syncwarden repair / revert identity', () => {
  it('names destructive effects and needs --yes, exits 4 for a partial run, and reverts a run with --yes', async () => {
    const productDb = join(dir.path, 'product.db');
    const db = openSqliteAppDb({ path: productDb, create: true });
    await initCanonicalSchema(db);
    await db.executeMany('INSERT INTO users (id, email, name, email_verified, role) VALUES (?, ?, ?, ?, ?)', [
      [id(1), 'ada@example.com', 'Ada', 1, 'user'],
      [id(2), 'refused@example.com', 'Refused', 1, 'user'],
    ]);
    await db.close();
    emulator = await startSupabaseEmulator({ ...KEYS, users: [{ id: id(1), email: 'ada@example.com', user_metadata: { full_name: 'Ada' }, email_confirmed_at: '2026-01-01T00:00:00Z' }] });
    emulator.addUser({ id: id(3), email: 'stray@example.com' });

    const dataDir = join(dir.path, 'console');
    const app = await createTestApp({ dataDir });
    await app.connections.create({ kind: 'appdb', name: 'Product', config: { driver: 'sqlite', path: productDb }, secrets: {} } as never);
    const supabase = await app.connections.create({ kind: 'supabase', name: 'Supabase', config: { url: emulator.url }, secrets: { serviceRoleKey: KEYS.serviceRoleKey } });
    await app.close();
    const env = { SYNCWARDEN_SECRETS: 'env', [EnvSecretStore.variableFor(connectionSecretKey(supabase.id, 'serviceRoleKey'))]: KEYS.serviceRoleKey };

    expect((await cli(dataDir, env, 'check', 'identity')).code).toBe(0);
    // A ban is destructive: the effect, the count and the users are stated, nothing runs, exit 2.
    const refused = await cli(dataDir, env, 'repair', 'identity', '--user', 'stray@example.com');
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/would ban 1 user in Supabase Auth \(sign-in refused; a revert unbans\): stray@example.com \(1 of 1 finding\(s\)\); add --yes/);
    expect(emulator.getUser(id(3))?.banned_until).toBeUndefined();

    // GoTrue refuses one create for good: the run is partial and the CLI exits 4.
    emulator.fault(SUPABASE_ROUTES.create, { ...gotrueFault(422, 'email_exists', 'A user with this email address has already been registered'), times: 1 });
    const partial = await cli(dataDir, env, '--json', 'repair', 'identity', '--all', '--yes', '--params', '{"confirmDeletes":1}');
    expect(partial.code).toBe(4);
    const run = lastJson(partial.stdout);
    expect(run).toMatchObject({ state: 'partial', result: { failed: 1, refused: 1, itemsFailed: 1, actions: { 'ban-remote': 1 } } });
    expect(emulator.getUser(id(3))?.banned_until).toBeTruthy();

    const revertRefused = await cli(dataDir, env, 'revert', '--run', String(run.id));
    expect(revertRefused.code).toBe(2);
    expect(revertRefused.stderr).toMatch(/would undo 1 identity change\(s\) of run \d+ \(identity.ban-remote\)/);
    const reverted = await cli(dataDir, env, 'revert', '--run', String(run.id), '--yes');
    expect(reverted.code, reverted.stderr).toBe(0);
    expect(reverted.stdout).toMatch(/succeeded\n {2}entries 1, reverted 1, partial 0, notRevertible 0, failed 0/);
    expect(emulator.getUser(id(3))?.banned_until).toBeUndefined();
  }, 90_000);

  it('a revert of a ban someone changed since is skipped: exit 4, and the text says which entry and why', async () => {
    const productDb = join(dir.path, 'product-guard.db');
    const db = openSqliteAppDb({ path: productDb, create: true });
    await initCanonicalSchema(db);
    await db.close();
    emulator = await startSupabaseEmulator({ ...KEYS, users: [{ id: id(9), email: 'stray@example.com' }] });
    const dataDir = join(dir.path, 'console-guard');
    const app = await createTestApp({ dataDir });
    await app.connections.create({ kind: 'appdb', name: 'Product', config: { driver: 'sqlite', path: productDb }, secrets: {} } as never);
    const supabase = await app.connections.create({ kind: 'supabase', name: 'Supabase', config: { url: emulator.url }, secrets: { serviceRoleKey: KEYS.serviceRoleKey } });
    await app.close();
    const env = { SYNCWARDEN_SECRETS: 'env', [EnvSecretStore.variableFor(connectionSecretKey(supabase.id, 'serviceRoleKey'))]: KEYS.serviceRoleKey };

    expect((await cli(dataDir, env, 'check', 'identity')).code).toBe(0);
    const repair = lastJson((await cli(dataDir, env, '--json', 'repair', 'identity', '--all', '--yes', '--params', '{"confirmDeletes":1}')).stdout);
    expect(repair).toMatchObject({ state: 'succeeded', result: { actions: { 'ban-remote': 1 } } });
    // Someone bans the user again, for a day, through the admin API.
    const admin = createClient(emulator.url, KEYS.serviceRoleKey, {
      auth: { persistSession: false, autoRefreshToken: false },
      realtime: { transport: WebSocket as unknown as WebSocketLikeConstructor },
    }).auth.admin;
    expect((await admin.updateUserById(id(9), { ban_duration: '24h' })).error).toBeNull();
    const reban = emulator.getUser(id(9))?.banned_until;

    const byRun = await cli(dataDir, env, 'revert', '--run', String(repair.id), '--yes');
    expect(byRun.code, byRun.stderr).toBe(4);
    expect(byRun.stdout).toMatch(/partial\n {2}entries 1, reverted 0, .*changedSince 1\n {2}not undone: user:stray@example\.com \(identity\.ban-remote\): not reverted: .*bannedUntil is now/);
    const reader = await createTestApp({ dataDir });
    const auditId = (await reader.store.audit.byRun(repair.id as number))[0]?.id;
    await reader.close();
    const byAudit = await cli(dataDir, env, 'revert', '--audit', String(auditId), '--yes');
    expect(byAudit.code, byAudit.stderr).toBe(4);
    expect(byAudit.stdout).toMatch(/partial\n {2}audit entry \d+: changed-since\n {2}not undone: user:stray@example\.com \(identity\.ban-remote\): not reverted: user:stray@example\.com changed since the repair \(bannedUntil is now/);
    expect(emulator.getUser(id(9))?.banned_until).toBe(reban);
  }, 90_000);
});
