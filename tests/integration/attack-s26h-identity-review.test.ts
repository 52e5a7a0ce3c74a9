import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Run } from '../../core/api/models';
import { identityWorldPerTest, letteredIdentityId } from '../helpers/identity-world';
import { makeTempDir } from '../helpers/temp-dir';

const dir = makeTempDir('syncwarden-s26h-');
afterAll(() => dir.remove());

const user = { user_metadata: { full_name: 'D' }, app_metadata: { role: 'user' }, email_confirmed_at: '2026-01-01T00:00:00.000Z' };

describe('s26h identity review', () => {
  const world = identityWorldPerTest(join(dir.path, 'product.db'), 2);

  async function run(params: Record<string, unknown>): Promise<Run> {
    const { app } = world.current();
    return (await app.runs.waitFor((await app.runs.start('identity', { retryInitialDelayMs: 5, ...params }, 'manual')).runId)) as Run;
  }

  it("the Users page detail panel shows a duplicate-email user's own finding (subject user:<email>#row:<id>)", async () => {
    const { app, db, emulator } = world.current();
    const [one, two] = [letteredIdentityId(41), letteredIdentityId(42)];
    emulator.addUser({ id: one, email: 'old41@example.com', ...user });
    emulator.addUser({ id: two, email: 'dup@example.com', ...user });
    await db.executeMany('INSERT INTO users (id, email, name, email_verified, role) VALUES (?, ?, ?, ?, ?)', [
      [one, 'Dup@Example.com', 'D', 1, 'user'],
      [two, 'dup@example.com', 'D', 1, 'user'],
    ]);
    await run({ mode: 'check' });
    const open = await app.store.findings.open('identity');
    const mine = open.find((f) => f.subject.endsWith(`#row:${one}`));
    expect(mine, JSON.stringify(open.map((f) => [f.subject, f.kind]))).toBeDefined();
    // What the Users page sends when the row is opened: the row's email and both ids.
    const detail = await app.handlers['identity.user']({ email: 'dup@example.com', localId: one, remoteId: one } as never, { actor: 'manual' } as never);
    expect(detail.findings.map((f) => f.id), JSON.stringify({ subjects: detail.subjects, finding: mine!.subject })).toContain(mine!.id);
  });

  it('a relink moves the product rows that hold the old id as Supabase writes it (the row keeps it upper-cased)', async () => {
    const { app, db, emulator } = world.current();
    const [old, renewed] = [letteredIdentityId(61), letteredIdentityId(62)];
    // The users row was written under the upper-cased Supabase id (00801a0 pairs them: idKey); the product's files
    // were written under auth.uid(), as GoTrue gives it.
    await db.execute('INSERT INTO users (id, email, name, email_verified, role) VALUES (?, ?, ?, ?, ?)', [old.toUpperCase(), 'back61@example.com', 'D', 1, 'user']);
    await db.executeMany('INSERT INTO files (id, user_id, provider, provider_file_id, name) VALUES (?, ?, ?, ?, ?)', [
      ['f61a', old.toUpperCase(), 'drive', 'd-a', 'a.pdf'],
      ['f61b', old, 'drive', 'd-b', 'b.pdf'],
    ]);
    emulator.addUser({ id: old, email: 'back61@example.com', ...user, deleted_at: '2026-01-05T00:00:00.000Z' });
    emulator.addUser({ id: renewed, email: 'back61@example.com', ...user });
    await run({ mode: 'check' });
    const open = await app.store.findings.open('identity');
    const finding = open.find((f) => f.kind === 're-signup');
    expect(finding, JSON.stringify(open.map((f) => [f.subject, f.kind]))).toBeDefined();
    const relink = await run({ mode: 'repair', findingIds: [finding!.id], relink: true, confirmDestructive: true });
    const evidence = JSON.stringify({ state: relink.state, result: relink.result, users: await db.query('SELECT id FROM users'), files: await db.query('SELECT id, user_id FROM files') });
    expect(relink.state, evidence).toBe('succeeded');
    const left = await db.query('SELECT id FROM files WHERE lower(user_id) = ?', [old]);
    expect(left, evidence).toEqual([]);
  });
});
