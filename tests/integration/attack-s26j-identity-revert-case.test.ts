import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Run } from '../../core/api/models';
import { identityWorldPerTest, letteredIdentityId } from '../helpers/identity-world';
import { makeTempDir } from '../helpers/temp-dir';

const dir = makeTempDir('syncwarden-s26j-');
afterAll(() => dir.remove());

const user = { user_metadata: { full_name: 'D' }, app_metadata: { role: 'user' }, email_confirmed_at: '2026-01-01T00:00:00.000Z' };

describe('s26j identity relink revert, ids in mixed case', () => {
  const world = identityWorldPerTest(join(dir.path, 'product.db'), 1);

  async function run(params: Record<string, unknown>): Promise<Run> {
    const { app } = world.current();
    return (await app.runs.waitFor((await app.runs.start('identity', { retryInitialDelayMs: 5, ...params }, 'manual')).runId)) as Run;
  }

  it('reverting a relink puts every moved row back exactly as it was (a lower-case auth.uid() row stays lower-case)', async () => {
    const { app, db, emulator } = world.current();
    const [old, renewed] = [letteredIdentityId(71), letteredIdentityId(72)];
    await db.execute('INSERT INTO users (id, email, name, email_verified, role) VALUES (?, ?, ?, ?, ?)', [old.toUpperCase(), 'back71@example.com', 'D', 1, 'user']);
    await db.executeMany('INSERT INTO files (id, user_id, provider, provider_file_id, name) VALUES (?, ?, ?, ?, ?)', [
      ['f71a', old.toUpperCase(), 'drive', 'd-a', 'a.pdf'],
      ['f71b', old, 'drive', 'd-b', 'b.pdf'],
    ]);
    const before = await db.query('SELECT id, user_id FROM files ORDER BY id');
    emulator.addUser({ id: old, email: 'back71@example.com', ...user, deleted_at: '2026-01-05T00:00:00.000Z' });
    emulator.addUser({ id: renewed, email: 'back71@example.com', ...user });
    await run({ mode: 'check' });
    const finding = (await app.store.findings.open('identity')).find((f) => f.kind === 're-signup');
    expect(finding).toBeDefined();
    const relink = await run({ mode: 'repair', findingIds: [finding!.id], relink: true, confirmDestructive: true });
    expect(relink.state, JSON.stringify(relink.result)).toBe('succeeded');
    const undo = await run({ mode: 'revert', confirmDestructive: true, revertRunId: relink.id });
    const after = await db.query('SELECT id, user_id FROM files ORDER BY id');
    const evidence = JSON.stringify({ undo: { state: undo.state, result: undo.result }, before, after, users: await db.query('SELECT id FROM users') });
    expect(undo.state, evidence).toBe('succeeded');
    // Reversible means byte-equal: f71b held auth.uid() in lower case before the relink.
    expect(after, evidence).toEqual(before);
  });
});
