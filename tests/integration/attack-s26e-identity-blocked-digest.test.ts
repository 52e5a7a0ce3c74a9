import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Run } from '../../core/api/models';
import { gotrueFault, SUPABASE_ROUTES } from '../emulators/supabase/supabase.emulator';
import { identityWorldPerTest, letteredIdentityId } from '../helpers/identity-world';
import { makeTempDir } from '../helpers/temp-dir';

const dir = makeTempDir('syncwarden-s26e-');
afterAll(() => dir.remove());

/**
 * Outside review (issue 15, s26e). A repair GoTrue refused for a lasting reason is blocked in the engine's state
 * (identity-blocks.ts), and "Repair all" plans it as manual from then on: the repair reads the blocks
 * (identity-repair.ts), but identity.plan reads only the finding's `details.block`, which a check writes
 * (identity-plan.handler.ts `planned`). Until the next check the plan still lists the blocked user's ban, so its
 * digest never equals the repair's: every "Repair all" is refused with "the users changed since you confirmed",
 * however often the admin looks again, though nothing changed.
 */
describe('"Repair all" after one ban was refused', () => {
  const world = identityWorldPerTest(join(dir.path, 'product.db'), 40);

  async function run(params: Record<string, unknown>): Promise<Run> {
    const { app } = world.current();
    return (await app.runs.waitFor((await app.runs.start('identity', { retryInitialDelayMs: 5, ...params }, 'manual')).runId)) as Run;
  }

  it('the plan the dialog shows is the plan the repair runs: confirmed, the other user is banned', async () => {
    const { app, emulator } = world.current();
    const [a, b] = [letteredIdentityId(31), letteredIdentityId(32)];
    emulator.addUser({ id: a, email: 'a31@example.com', user_metadata: { full_name: 'A' }, app_metadata: { role: 'user' }, email_confirmed_at: '2026-01-01T00:00:00.000Z' });
    emulator.addUser({ id: b, email: 'b32@example.com', user_metadata: { full_name: 'B' }, app_metadata: { role: 'user' }, email_confirmed_at: '2026-01-01T00:00:00.000Z' });
    await run({ mode: 'check' });
    const findingOf = async (email: string) => (await app.store.findings.open('identity')).find((f) => f.userEmail === email)!;

    // The admin bans A from its row; GoTrue refuses it for a lasting reason (its own 4xx with a code).
    emulator.fault(SUPABASE_ROUTES.update, gotrueFault(422, 'user_protected', 'This user cannot be banned', { times: 1 }));
    const one = await run({ mode: 'repair', findingIds: [(await findingOf('a31@example.com')).id], confirmDestructive: 1 });
    expect(one.result).toMatchObject({ failed: 1, refused: 1 });

    // "Repair all": the dialog names the users from identity.plan and sends its digest; looked at twice.
    const attempts: unknown[] = [];
    for (let look = 0; look < 2; look++) {
      const shown = await app.handlers['identity.plan']({ all: true }, { actor: 'manual' } as never);
      const all = await run({ mode: 'repair', all: true, confirmDestructive: shown.digest });
      attempts.push({ shown: shown.destructiveUsers.map((u) => `${u.action} ${u.email}`), state: all.state, error: all.error?.message, result: all.result });
      if (all.state !== 'failed') break;
    }
    expect(emulator.getUser(b)?.banned_until, JSON.stringify(attempts, null, 1)).toBeDefined();
  });
});
