import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Run } from '../../core/api/models';
import { identityWorldPerTest, letteredIdentityId } from '../helpers/identity-world';
import { makeTempDir } from '../helpers/temp-dir';

const dir = makeTempDir('syncwarden-s26e-');
afterAll(() => dir.remove());

/**
 * Outside review (issue 15, s26e). A finding's subject is `user:<email>` with the users row's email first
 * (identity-check.ts subjectOf), and one open finding is kept per subject. A row paired by id with a Supabase user
 * that still has the old email, while another Supabase user (a re-signup under the new email) has no row: both
 * users' findings get the subject `user:<new email>`, and the later one replaces the earlier. The drifted pair
 * vanishes from the findings (and from a repair by that email), though the check counted two users out of sync.
 */
describe('two drifted users whose findings share a subject', () => {
  const world = identityWorldPerTest(join(dir.path, 'product.db'), 2);

  async function run(params: Record<string, unknown>): Promise<Run> {
    const { app } = world.current();
    return (await app.runs.waitFor((await app.runs.start('identity', { retryInitialDelayMs: 5, ...params }, 'manual')).runId)) as Run;
  }

  it('each user out of sync keeps a finding of its own', async () => {
    const { app, db, emulator } = world.current();
    const [one, two] = [letteredIdentityId(51), letteredIdentityId(52)];
    const user = { user_metadata: { full_name: 'N' }, app_metadata: { role: 'user' }, email_confirmed_at: '2026-01-01T00:00:00.000Z' };
    emulator.addUser({ id: one, email: 'old51@example.com', ...user });
    emulator.addUser({ id: two, email: 'new51@example.com', ...user });
    await db.execute('INSERT INTO users (id, email, name, email_verified, role) VALUES (?, ?, ?, ?, ?)', [one, 'new51@example.com', 'N', 1, 'user']);
    const check = await run({ mode: 'check' });
    const open = (await app.store.findings.open('identity')).map((f) => ({ subject: f.subject, kind: f.kind, localId: (f.details as { localId?: string }).localId, remoteId: (f.details as { remoteId?: string }).remoteId }));
    const evidence = JSON.stringify({ result: check.result, open }, null, 1);
    expect(check.result, evidence).toMatchObject({ inconsistent: 1, remoteOnly: 1 });
    // The pair (row one, Supabase one: email differs) and Supabase two (no row): two users, two findings.
    expect(open.map((f) => f.remoteId).sort(), evidence).toEqual([one, two].sort());
  });
});
