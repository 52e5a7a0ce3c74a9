import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import type { Run } from '../../core/api/models';
import type { AppDbAdapter } from '../../core/appdb/adapter';
import { openSqliteAppDb } from '../../core/appdb/sqlite.adapter';
import { LocalUsers } from '../../core/engines/identity/identity-local';
import type { IdentityRecord } from '../../core/engines/identity/identity-model';
import { rateLimitFault, startSupabaseEmulator, SUPABASE_ROUTES, type SupabaseEmulator } from '../emulators/supabase/supabase.emulator';
import { IDENTITY_KEYS, identityId } from '../helpers/identity-world';
import { makeTempDir } from '../helpers/temp-dir';
import { createTestApp, type TestApp } from '../helpers/test-app';

/*
 * Outside attack on 243be07 (readSides: the table read and the listing run together; the first failure aborts
 * the other). When the users table fails, a listing that is slow, stalled or backing off must be stopped at once:
 * the check fails promptly and does not wait out the other side.
 */

const dir = makeTempDir();
afterAll(() => dir.remove());
let fileNo = 0;
const USERS = 4500;

let app: TestApp;
let db: AppDbAdapter;
let emulator: SupabaseEmulator;

async function world(): Promise<void> {
  const path = join(dir.path, `product-${++fileNo}.db`);
  db = openSqliteAppDb({ path, create: true });
  await db.execute("CREATE TABLE users (id TEXT PRIMARY KEY, email TEXT NOT NULL, name TEXT, email_verified INTEGER NOT NULL DEFAULT 0, role TEXT NOT NULL DEFAULT 'user')");
  emulator = await startSupabaseEmulator({ ...IDENTITY_KEYS, users: [] });
  const rows: unknown[][] = [];
  for (let n = 1; n <= USERS; n++) {
    emulator.addUser({ id: identityId(n), email: `u${n}@example.com`, user_metadata: { full_name: 'U' }, app_metadata: { role: 'user' }, email_confirmed_at: '2026-01-01T00:00:00.000Z' });
    rows.push([identityId(n), `u${n}@example.com`, 'U', 1, 'user']);
  }
  await db.executeMany('INSERT INTO users (id, email, name, email_verified, role) VALUES (?, ?, ?, ?, ?)', rows as never);
  app = await createTestApp();
  await app.connections.create({ kind: 'appdb', name: 'Product', config: { driver: 'sqlite', path }, secrets: {} } as never);
  await app.connections.create({ kind: 'supabase', name: 'Supabase', config: { url: emulator.url }, secrets: { serviceRoleKey: IDENTITY_KEYS.serviceRoleKey } });
}

/** The users table goes away after the first chunk (a migration renames it under the reader). */
function tableFailsAfterFirstChunk(): void {
  const original = LocalUsers.prototype.stream;
  vi.spyOn(LocalUsers.prototype, 'stream').mockImplementation(async function* (this: LocalUsers, chunkSize?: number): AsyncGenerator<IdentityRecord[]> {
    let taken = 0;
    for await (const chunk of original.call(this, chunkSize)) {
      yield chunk;
      if (++taken === 1) await db.execute('ALTER TABLE users RENAME TO users_gone');
    }
  });
}

afterEach(async () => {
  vi.restoreAllMocks();
  await app?.dispose();
  await emulator?.close();
  await db?.close();
});

describe('one side fails while the other waits (attack on 243be07)', () => {
  it('a listing page that takes 20 s is abandoned when the table read fails', async () => {
    await world();
    emulator.fault(SUPABASE_ROUTES.list, { status: 200, passThrough: true, delayMs: 20_000 });
    tableFailsAfterFirstChunk();
    const started = Date.now();
    const run = (await app.runs.waitFor((await app.runs.start('identity', { retryInitialDelayMs: 5, mode: 'check' }, 'manual')).runId)) as Run;
    expect(run.state).toBe('failed');
    expect(run.error?.message).toMatch(/users/);
    expect(Date.now() - started).toBeLessThan(5_000);
  }, 30_000);

  it('a listing backing off a 429 (Retry-After 20 s) is abandoned when the table read fails', async () => {
    await world();
    emulator.fault(SUPABASE_ROUTES.list, rateLimitFault(5, 20));
    tableFailsAfterFirstChunk();
    const started = Date.now();
    const run = (await app.runs.waitFor((await app.runs.start('identity', { retryInitialDelayMs: 5, mode: 'check' }, 'manual')).runId)) as Run;
    expect(run.state).toBe('failed');
    expect(run.error?.message).not.toMatch(/429|rate/i);
    expect(Date.now() - started).toBeLessThan(5_000);
  }, 60_000);

  it('a table read that fails while the listing fails too reports one plain error and leaves the process healthy', async () => {
    await world();
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => void unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    try {
      emulator.fault(SUPABASE_ROUTES.list, { status: 503, delayMs: 30 });
      tableFailsAfterFirstChunk();
      const run = (await app.runs.waitFor((await app.runs.start('identity', { retryInitialDelayMs: 5, mode: 'check' }, 'manual')).runId)) as Run;
      expect(run.state).toBe('failed');
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(unhandled).toEqual([]);
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
  }, 30_000);
});
