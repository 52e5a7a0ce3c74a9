import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Run } from '../../core/api/models';
import type { AppDbAdapter } from '../../core/appdb/adapter';
import { initCanonicalSchema } from '../../core/appdb/ddl';
import { openSqliteAppDb } from '../../core/appdb/sqlite.adapter';
import { startSupabaseEmulator, type SupabaseEmulator } from '../emulators/supabase/supabase.emulator';
import { identityId as id, IDENTITY_KEYS } from '../helpers/identity-world';
import { makeTempDir } from '../helpers/temp-dir';
import { createTestApp, type TestApp } from '../helpers/test-app';

/*
 * Attack s16b: the last page's X-Total-Count ends the listing even when that page is full. GoTrue counts and
 * selects in two statements; people who sign up between them make the last page full of rows while the count says
 * it was the last. The oldest users are then on no page. The row of the oldest user, keyed by a legacy id (pairs by
 * email), cannot be looked up by id: the check reports it local-only although its Supabase user exists.
 */
const USERS = 3000;
const LEGACY = 1; // the oldest user: last on the last page
const LEGACY_ROW_ID = `legacy-${LEGACY}`;

async function countRaceProxy(target: SupabaseEmulator, onLastPage: () => number | undefined) {
  const server: Server = createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      const isList = req.method === 'GET' && url.pathname.endsWith('/admin/users');
      const page = Number(url.searchParams.get('page') ?? '0');
      const countBefore = isList && page === 3 ? onLastPage() : undefined;
      const chunks: Buffer[] = [];
      for await (const chunk of req) chunks.push(chunk as Buffer);
      const headers: Record<string, string> = {};
      for (const [k, v] of Object.entries(req.headers)) if (typeof v === 'string' && !['host', 'connection', 'content-length'].includes(k)) headers[k] = v;
      const body = Buffer.concat(chunks);
      const upstream = await fetch(`${target.url}${req.url}`, { method: req.method, headers, ...(body.byteLength ? { body } : {}) });
      const out = Buffer.from(await upstream.arrayBuffer());
      const outHeaders: Record<string, string> = {};
      upstream.headers.forEach((v, k) => {
        if (!['content-length', 'transfer-encoding', 'connection', 'content-encoding', 'keep-alive'].includes(k)) outHeaders[k] = v;
      });
      if (countBefore !== undefined) outHeaders['x-total-count'] = String(countBefore);
      outHeaders['content-length'] = String(out.byteLength);
      res.writeHead(upstream.status, outHeaders);
      res.end(out);
    })().catch(() => res.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

const dir = makeTempDir();
afterAll(() => dir.remove());
const path = join(dir.path, 'product.db');

describe('identity check when the last page is full but its count says it is the last', () => {
  let app: TestApp;
  let db: AppDbAdapter;
  let emulator: SupabaseEmulator;
  let proxy: Awaited<ReturnType<typeof countRaceProxy>>;
  let armed = false;

  beforeEach(async () => {
    db = openSqliteAppDb({ path, create: true });
    await db.execute('DROP TABLE IF EXISTS users');
    await initCanonicalSchema(db);
    emulator = await startSupabaseEmulator({ ...IDENTITY_KEYS, users: [] });
    const base = Date.parse('2024-01-01T00:00:00Z');
    const rows: [string, string, string, number, string][] = [];
    for (let n = 1; n <= USERS; n++) {
      emulator.addUser({ id: id(n), email: `u${n}@example.com`, user_metadata: { full_name: 'U' }, app_metadata: { role: 'user' }, email_confirmed_at: '2026-01-01T00:00:00.000Z', created_at: new Date(base + n * 1000).toISOString() });
      rows.push([n === LEGACY ? LEGACY_ROW_ID : id(n), `u${n}@example.com`, 'U', 1, 'user']);
    }
    await db.executeMany('INSERT INTO users (id, email, name, email_verified, role) VALUES (?, ?, ?, ?, ?)', rows);
    armed = false;
    proxy = await countRaceProxy(emulator, () => {
      if (!armed) return undefined;
      armed = false;
      // SELECT count(*) …; two people sign up; SELECT … OFFSET 2000 LIMIT 1000.
      const count = emulator.listUsers().length;
      emulator.addUser({ email: 'late1@example.com', email_confirmed_at: '2026-01-01T00:00:00.000Z' });
      emulator.addUser({ email: 'late2@example.com', email_confirmed_at: '2026-01-01T00:00:00.000Z' });
      return count;
    });
    app = await createTestApp();
    await app.connections.create({ kind: 'appdb', name: 'Product', config: { driver: 'sqlite', path }, secrets: {} } as never);
    await app.connections.create({ kind: 'supabase', name: 'Supabase', config: { url: proxy.url }, secrets: { serviceRoleKey: IDENTITY_KEYS.serviceRoleKey } });
  });
  afterEach(async () => {
    await app.dispose();
    await proxy.close();
    await emulator.close();
    await db.close();
  });

  const run = async (params: Record<string, unknown>) => (await app.runs.waitFor((await app.runs.start('identity', { retryInitialDelayMs: 5, ...params }, 'manual')).runId)) as Run;
  const legacyFinding = async () => (await app.store.findings.open('identity')).find((f) => f.userEmail === `u${LEGACY}@example.com`);

  it('baseline: no sign-ups, the legacy row pairs by email, nothing local-only', async () => {
    const check = await run({ mode: 'check', sourceOfTruth: 'supabase' });
    expect(check.state, JSON.stringify(check.error)).toBe('succeeded');
    expect(check.result).toMatchObject({ localOnly: 0, inconsistent: 1 });
  });

  it('two sign-ups between page 3 count and rows: the legacy row is not reported local-only while its Supabase user exists', async () => {
    armed = true;
    const check = await run({ mode: 'check', sourceOfTruth: 'supabase' });
    expect(check.state, JSON.stringify(check.error)).toBe('succeeded');
    expect(emulator.getUser(id(LEGACY))).toBeDefined();
    expect(await legacyFinding(), `u${LEGACY} existed throughout; result ${JSON.stringify(check.result)}`).toMatchObject({ kind: 'inconsistent' });
    expect(check.result).toMatchObject({ localOnly: 0 });
  });
});
