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

const dir = makeTempDir('syncwarden-s26b-');
afterAll(() => dir.remove());

const A = '0000000a-0000-4000-8000-00000000000a';
const B = '0000000b-0000-4000-8000-00000000000b';

/**
 * A gateway on 127.0.0.1 in front of the emulator that passes every request on, except that it
 * loses the answer to the first user create: GoTrue made the user, the client sees its socket
 * closed (a gateway timeout, a dropped connection on the way back).
 */
async function lossyGateway(target: string): Promise<{ url: string; close(): Promise<void> }> {
  let lost = false;
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      void (async () => {
        const headers = Object.fromEntries(Object.entries(req.headers).filter(([k, v]) => typeof v === 'string' && !['host', 'connection', 'content-length'].includes(k))) as Record<string, string>;
        const body = chunks.length ? Buffer.concat(chunks) : undefined;
        const answer = await fetch(target + (req.url ?? '/'), { method: req.method ?? 'GET', headers, ...(body && req.method !== 'GET' ? { body } : {}) });
        const text = Buffer.from(await answer.arrayBuffer());
        if (!lost && req.method === 'POST' && /\/admin\/users$/.test(req.url ?? '')) {
          lost = true;
          req.socket.destroy();
          return;
        }
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
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/**
 * Outside review (issue 15, s26b). A create whose answer is lost is retried (the service policy
 * retries network errors); the retry meets the user it made (email_exists, or the id taken). The
 * repair reported the user failed (a "lasting refusal") and wrote no audit entry, so "Revert this run"
 * could not see the user this run created and reported every change undone. Now the user is looked up
 * by the id the create asked for: ours (our id, our email), it is this create, audited and counted.
 */
describe('a create whose answer was lost on the way back', () => {
  let app: TestApp;
  let db: AppDbAdapter;
  let emulator: SupabaseEmulator;
  let gateway: Awaited<ReturnType<typeof lossyGateway>>;

  beforeEach(async () => {
    const path = join(dir.path, 'product.db');
    ({ db, emulator } = await seedIdentityWorld(path, 2));
    gateway = await lossyGateway(emulator.url);
    app = await createTestApp();
    await addIdentityConnections(app, path, gateway.url);
  });
  afterEach(async () => {
    await app.dispose();
    await gateway.close();
    await emulator.close();
    await db.close();
  });

  async function run(params: Record<string, unknown>): Promise<Run> {
    return (await app.runs.waitFor((await app.runs.start('identity', { retryInitialDelayMs: 5, ...params }, 'manual')).runId)) as Run;
  }

  it('"Revert this run" undoes, or names, every Supabase user the run created', async () => {
    await db.executeMany('INSERT INTO users (id, email, name, email_verified, role) VALUES (?, ?, ?, ?, ?)', [
      [A, 'a@example.com', 'A', 1, 'user'],
      [B, 'b@example.com', 'B', 1, 'user'],
    ]);
    await run({ mode: 'check' });
    const repair = await run({ mode: 'repair', all: true });
    // Both users exist in Supabase now: this run made them.
    expect(emulator.getUser(A)).toBeDefined();
    expect(emulator.getUser(B)).toBeDefined();
    const report = { state: repair.state, result: repair.result };
    // The create took effect: repaired and audited like any create, not a failure and never a lasting refusal.
    expect(report, JSON.stringify(report)).toMatchObject({ state: 'succeeded', result: { repaired: 2, failed: 0, refused: 0, actions: { 'create-remote': 2 } } });

    const undo = await run({ mode: 'revert', confirmDestructive: true, revertRunId: repair.id });
    const claims = JSON.stringify({ repair: report, undo: { state: undo.state, error: undo.error, result: undo.result } });
    const left = [A, B].filter((id) => emulator.getUser(id) !== undefined);
    // Honest: either every user the run created is gone again, or the revert does not say "succeeded" and names who is left.
    if (undo.state === 'succeeded') expect(left, claims).toEqual([]);
    else expect(JSON.stringify(undo.result?.notUndone ?? undo.error), claims).toContain('a@example.com');
    expect(undo, claims).toMatchObject({ state: 'succeeded', result: { entries: 2, reverted: 2 } });
  });
});
