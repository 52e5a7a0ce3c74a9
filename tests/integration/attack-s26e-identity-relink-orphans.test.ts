import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Run } from '../../core/api/models';
import { identityWorldPerTest, letteredIdentityId } from '../helpers/identity-world';
import { makeTempDir } from '../helpers/temp-dir';

const dir = makeTempDir('syncwarden-s26e-');
afterAll(() => dir.remove());

/**
 * Outside review (issue 15, s26e). "Relink the row to the new Supabase id (keeps the row, changes its id)" runs
 * `UPDATE users SET id = <new> WHERE id = <old>` (identity-local.ts relink) and nothing else. The product's other
 * tables hold the user by that id (the canonical schema's files, storage accounts, videos, clips, mail:
 * `user_id` text columns with no foreign key, so nothing cascades and nothing refuses). After a relink every one of
 * the person's product rows points at an id no users row has: the re-signed-up person sees none of their data, and
 * the dialog never said so. A users-row delete refuses when other rows hang on it; a relink does not even look.
 */
describe('a relink and the rows that hold the user by id', () => {
  const world = identityWorldPerTest(join(dir.path, 'product.db'), 2);

  async function run(params: Record<string, unknown>): Promise<Run> {
    const { app } = world.current();
    return (await app.runs.waitFor((await app.runs.start('identity', { retryInitialDelayMs: 5, ...params }, 'manual')).runId)) as Run;
  }

  it("a confirmed relink leaves none of the person's product rows pointing at an id the users table no longer has", async () => {
    const { app, db, emulator } = world.current();
    const [old, renewed] = [letteredIdentityId(61), letteredIdentityId(62)];
    await db.execute('INSERT INTO users (id, email, name, email_verified, role) VALUES (?, ?, ?, ?, ?)', [old, 'back61@example.com', 'B', 1, 'user']);
    await db.execute('INSERT INTO files (id, user_id, provider, provider_file_id, name) VALUES (?, ?, ?, ?, ?)', ['f61', old, 'drive', 'drive-f61', 'thesis.pdf']);
    // The person signed up again: Supabase has the email under a new id.
    emulator.addUser({ id: renewed, email: 'back61@example.com', user_metadata: { full_name: 'B' }, app_metadata: { role: 'user' }, email_confirmed_at: '2026-01-01T00:00:00.000Z' });
    await run({ mode: 'check' });
    const [finding] = (await app.store.findings.open('identity')).filter((f) => f.kind === 're-signup');
    expect(finding).toBeDefined();
    const plan = await app.handlers['identity.plan']({ findingIds: [finding!.id], relink: true }, { actor: 'manual' } as never);
    const relink = await run({ mode: 'repair', findingIds: [finding!.id], relink: true, confirmDestructive: true });
    const orphaned = await db.query('SELECT f.id, f.user_id FROM files f WHERE NOT EXISTS (SELECT 1 FROM users u WHERE u.id = f.user_id)');
    const evidence = JSON.stringify({ shown: plan.summary, state: relink.state, result: relink.result, error: relink.error, users: await db.query('SELECT id, email FROM users WHERE email = ?', ['back61@example.com']) });
    expect(orphaned, evidence).toEqual([]);
  });
});
