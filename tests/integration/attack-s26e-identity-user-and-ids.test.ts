import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Run } from '../../core/api/models';
import { identityWorldPerTest, letteredIdentityId } from '../helpers/identity-world';
import { makeTempDir } from '../helpers/temp-dir';

const dir = makeTempDir('syncwarden-s26e-');
afterAll(() => dir.remove());

/**
 * Outside review (issue 15, s26e). A bare `true` confirms destructive actions only where "the selection itself
 * names one user" (identity-confirm.ts). The engine decides that from `params.user !== undefined ||
 * findingIds.length === 1` (identity.engine.ts), while the findings repaired are taken from `findingIds` when
 * both are given (engine-resources.ts findingsForRepair). A caller of runs.start (WebSocket, CLI --params) that
 * names one user and lists several finding ids bans every one of them with `confirmDestructive: true`.
 */
describe('a selection that names one user but lists several findings', () => {
  const world = identityWorldPerTest(join(dir.path, 'product.db'), 40);

  async function run(params: Record<string, unknown>): Promise<Run> {
    const { app } = world.current();
    return (await app.runs.waitFor((await app.runs.start('identity', { retryInitialDelayMs: 5, ...params }, 'manual')).runId)) as Run;
  }

  it('`true` with user X and the finding ids of X, Y and Z bans only what was confirmed (nobody but X, or nobody)', async () => {
    const { app, emulator } = world.current();
    for (const n of [21, 22, 23]) {
      emulator.addUser({ id: letteredIdentityId(n), email: `p${n}@example.com`, user_metadata: { full_name: 'P' }, app_metadata: { role: 'user' }, email_confirmed_at: '2026-01-01T00:00:00.000Z' });
    }
    await run({ mode: 'check' });
    const findings = (await app.store.findings.open('identity')).filter((f) => f.kind === 'remote-only');
    expect(findings).toHaveLength(3);
    const repair = await run({ mode: 'repair', user: 'p21@example.com', findingIds: findings.map((f) => f.id), confirmDestructive: true });
    const banned = [22, 23].filter((n) => emulator.getUser(letteredIdentityId(n))?.banned_until !== undefined).map((n) => `p${n}@example.com`);
    expect(banned, JSON.stringify({ state: repair.state, error: repair.error, result: repair.result })).toEqual([]);
    // Contradictory input is refused outright: with both, findingsForRepair takes the ids and ignores the user.
    expect(repair.error?.message).toMatch(/by their ids or by one user, not both/);
  });
});
