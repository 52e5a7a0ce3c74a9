import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Run } from '../../core/api/models';
import type { AppDbAdapter } from '../../core/appdb/adapter';
import type { SupabaseEmulator } from '../emulators/supabase/supabase.emulator';
import { addIdentityConnections, seedIdentityWorld } from '../helpers/identity-world';
import { makeTempDir } from '../helpers/temp-dir';
import { createTestApp, type TestApp } from '../helpers/test-app';

const dir = makeTempDir('syncwarden-s26e-');
afterAll(() => dir.remove());

const R = 'abcdef00-0000-4000-8000-0000000000e1';

/** A gateway on 127.0.0.1 that passes every request on; before the first user create it runs `before` (another writer's create). */
async function gateway(target: string, before: () => void): Promise<{ url: string; close(): Promise<void> }> {
  let done = false;
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      void (async () => {
        if (!done && req.method === 'POST' && /\/admin\/users$/.test(req.url ?? '')) {
          done = true;
          before();
        }
        const headers = Object.fromEntries(Object.entries(req.headers).filter(([k, v]) => typeof v === 'string' && !['host', 'connection', 'content-length'].includes(k))) as Record<string, string>;
        const body = chunks.length ? Buffer.concat(chunks) : undefined;
        const answer = await fetch(target + (req.url ?? '/'), { method: req.method ?? 'GET', headers, ...(body && req.method !== 'GET' ? { body } : {}) });
        const text = Buffer.from(await answer.arrayBuffer());
        const out: Record<string, string> = {};
        answer.headers.forEach((v, k) => {
          if (!['content-encoding', 'transfer-encoding', 'connection', 'content-length'].includes(k)) out[k] = v;
        });
        res.writeHead(answer.status, out);
        res.end(text);
      })().catch(() => req.socket.destroy());
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

/**
 * Outside review (issue 15, s26e). Since s26b, a create that fails is looked up by the id it sent, and a user
 * holding that id and the row's email is taken for "this create took effect, its answer was lost"
 * (identity-apply.ts createRemote). That is also what another writer's create looks like: the product's own
 * sign-up writes the users row, then creates the Supabase user under the row's id. When that lands between the
 * repair's re-read and its create, GoTrue answers the create plainly (422 email_exists: nothing lost, nothing made
 * by us), yet the repair audits the product's user as its own create and counts it repaired; "Revert this run"
 * then hard-deletes a user this console never made.
 */
describe("another writer's create is not this repair's", () => {
  let app: TestApp;
  let db: AppDbAdapter;
  let emulator: SupabaseEmulator;
  let gw: Awaited<ReturnType<typeof gateway>>;

  beforeEach(async () => {
    const path = join(dir.path, 'product.db');
    ({ db, emulator } = await seedIdentityWorld(path, 2));
    gw = await gateway(emulator.url, () => {
      // The product's sign-up finishing: its Supabase user, under the row's id, made before this repair's create arrives.
      emulator.addUser({
        id: R,
        email: 'racer@example.com',
        user_metadata: { full_name: 'Racer' },
        app_metadata: { role: 'user' },
        email_confirmed_at: '2026-01-01T00:00:00.000Z',
        created_at: '2026-01-01T00:00:00.000Z',
      });
    });
    app = await createTestApp();
    await addIdentityConnections(app, path, gw.url);
  });
  afterEach(async () => {
    await app.dispose();
    await gw.close();
    await emulator.close();
    await db.close();
  });

  async function run(params: Record<string, unknown>): Promise<Run> {
    return (await app.runs.waitFor((await app.runs.start('identity', { retryInitialDelayMs: 5, ...params }, 'manual')).runId)) as Run;
  }

  it('a create GoTrue refused (the id and email were already taken by another writer) is not audited as ours, and a run revert keeps that user', async () => {
    await db.execute('INSERT INTO users (id, email, name, email_verified, role) VALUES (?, ?, ?, ?, ?)', [R, 'racer@example.com', 'Racer', 1, 'user']);
    await run({ mode: 'check' });
    const [finding] = (await app.store.findings.open('identity')).filter((f) => f.kind === 'local-only');
    expect(finding).toBeDefined();
    const repair = await run({ mode: 'repair', findingIds: [finding!.id] });
    const created = (await app.store.audit.byRun(repair.id)).filter((e) => e.action === 'identity.create-remote');
    const claims = JSON.stringify({ state: repair.state, result: repair.result, audited: created.map((e) => e.subject) });
    // The user was there before this repair's create reached GoTrue, which said so: this run created nobody.
    expect.soft(repair.result?.actions, claims).not.toMatchObject({ 'create-remote': 1 });

    if (created.length) await run({ mode: 'revert', revertRunId: repair.id, confirmDestructive: true });
    expect(emulator.getUser(R), `${claims}: the product's own Supabase user was hard-deleted by "Revert this run"`).toBeDefined();
  });
});
