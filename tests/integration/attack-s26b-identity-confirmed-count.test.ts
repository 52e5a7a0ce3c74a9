import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Run } from '../../core/api/models';
import { identityWorldPerTest, letteredIdentityId } from '../helpers/identity-world';
import { makeTempDir } from '../helpers/temp-dir';

const dir = makeTempDir('syncwarden-s26b-');
afterAll(() => dir.remove());

const lettered = letteredIdentityId;

/**
 * Outside review (issue 15, s26b). The engine accepted a destructive repair when the confirmed count equals
 * the current plan's count (identity-repair.ts), not when the users are the ones the admin was shown: a
 * check that ran between the dialog and the click (a schedule's, another admin's) swapped who is banned.
 * Now "Repair all" is confirmed by the digest of the plan shown (identity-confirm.ts); a count is refused.
 */
describe('a confirmed count is not a confirmation of who', () => {
  const world = identityWorldPerTest(join(dir.path, 'product-count.db'), 20);

  async function run(params: Record<string, unknown>): Promise<Run> {
    const { app } = world.current();
    return (await app.runs.waitFor((await app.runs.start('identity', { retryInitialDelayMs: 5, ...params }, 'manual')).runId)) as Run;
  }

  it('"Repair all" confirmed for banning X does not ban Y, whom no dialog named', async () => {
    const { app, db, emulator } = world.current();
    emulator.addUser({ id: lettered(10), email: 'x@example.com', user_metadata: { full_name: 'X' }, app_metadata: { role: 'user' }, email_confirmed_at: '2026-01-01T00:00:00.000Z' });
    await run({ mode: 'check' });
    // What the admin is shown and agrees to: ban x@example.com.
    const shown = await app.handlers['identity.plan']({ all: true }, { actor: 'manual' } as never);
    expect(shown.items.filter((i) => i.destructive).map((i) => i.email)).toEqual(['x@example.com']);
    // Meanwhile: X's row is written by the product, Y signs up with no row yet, and a scheduled check runs.
    await db.execute('INSERT INTO users (id, email, name, email_verified, role) VALUES (?, ?, ?, ?, ?)', [lettered(10), 'x@example.com', 'X', 1, 'user']);
    emulator.addUser({ id: lettered(11), email: 'y@example.com', user_metadata: { full_name: 'Y' }, app_metadata: { role: 'user' }, email_confirmed_at: '2026-01-01T00:00:00.000Z' });
    await app.runs.waitFor((await app.runs.start('identity', { mode: 'check', retryInitialDelayMs: 5 }, 'schedule')).runId);
    // The admin's click arrives with the count they saw: a count names nobody, so it is refused.
    const counted = await run({ mode: 'repair', all: true, confirmDestructive: shown.destructive });
    expect(emulator.getUser(lettered(11))?.banned_until, 'y@example.com was never named in a confirmation').toBeUndefined();
    expect(counted.error?.message).toMatch(/Confirm these users, not a count/);
    // The admin's click arrives with what the dialog sends: the digest of the plan that named x@example.com.
    expect(shown.destructiveUsers.map((u) => u.email)).toEqual(['x@example.com']);
    const confirmed = await run({ mode: 'repair', all: true, confirmDestructive: shown.digest });
    expect(emulator.getUser(lettered(11))?.banned_until, 'y@example.com was never named in a confirmation').toBeUndefined();
    expect(confirmed.state).toBe('failed');
    expect(confirmed.error?.message).toMatch(/The users changed since you confirmed: this repair would now ban 1 user .*: y@example.com\. Look again/);
    // Looked at again, the new plan names y@example.com; confirmed, it goes ahead.
    const again = await app.handlers['identity.plan']({ all: true }, { actor: 'manual' } as never);
    expect(again.destructiveUsers.map((u) => u.email)).toEqual(['y@example.com']);
    expect((await run({ mode: 'repair', all: true, confirmDestructive: again.digest })).state).toBe('succeeded');
    expect(emulator.getUser(lettered(11))?.banned_until).toBeDefined();
  });
});
