import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Run } from '../../core/api/models';
import { SUPABASE_ROUTES } from '../emulators/supabase/supabase.emulator';
import { identityWorldPerTest, letteredIdentityId } from '../helpers/identity-world';
import { makeTempDir } from '../helpers/temp-dir';

const dir = makeTempDir('syncwarden-s26e-');
afterAll(() => dir.remove());

/**
 * Outside review (issue 15, s26e). Issue 15 §3: "two users rows whose emails differ only by case" get their own
 * finding kind, and no repair that cannot succeed is proposed; §4: a repair that failed for a reason that will not
 * change is not retried by every scheduled run. The merge classifies case duplicates only among rows left
 * unpaired (identity-merge.ts pass 2). Two rows paired by id, whose emails differ only by case, where one
 * Supabase user still has an old email: the check proposes "update the Supabase user's email" to an address
 * the other Supabase user holds. GoTrue refuses it (500 unexpected_failure, the unique index), every time; a
 * 5xx is not a lasting refusal, so every scheduled repair tries it again and ends partial, for ever.
 */
describe('case-duplicate rows that are both paired by id', () => {
  const world = identityWorldPerTest(join(dir.path, 'product.db'), 2);

  async function run(params: Record<string, unknown>, trigger: 'manual' | 'schedule' = 'manual'): Promise<Run> {
    const { app } = world.current();
    return (await app.runs.waitFor((await app.runs.start('identity', { retryInitialDelayMs: 5, ...params }, trigger)).runId)) as Run;
  }

  it('the update that can never succeed is not proposed, or is tried once and then left for a person', async () => {
    const { app, db, emulator } = world.current();
    const [one, two] = [letteredIdentityId(41), letteredIdentityId(42)];
    const user = { user_metadata: { full_name: 'D' }, app_metadata: { role: 'user' }, email_confirmed_at: '2026-01-01T00:00:00.000Z' };
    emulator.addUser({ id: one, email: 'old41@example.com', ...user });
    emulator.addUser({ id: two, email: 'dup@example.com', ...user });
    await db.executeMany('INSERT INTO users (id, email, name, email_verified, role) VALUES (?, ?, ?, ?, ?)', [
      [one, 'Dup@Example.com', 'D', 1, 'user'],
      [two, 'dup@example.com', 'D', 1, 'user'],
    ]);
    await run({ mode: 'check' });
    const proposed = (await app.store.findings.open('identity')).map((f) => ({ kind: f.kind, action: (f.details as { action?: string }).action, reason: f.reason }));

    const first = await run({ mode: 'repair', all: true });
    const updatesBefore = emulator.count(SUPABASE_ROUTES.update);
    const outcomes = [{ state: first.state, result: first.result }];
    for (let n = 0; n < 2; n++) {
      const scheduled = await run({ mode: 'repair', all: true }, 'schedule');
      outcomes.push({ state: scheduled.state, result: scheduled.result });
    }
    const evidence = JSON.stringify({ proposed, outcomes }, null, 1);
    // Either the check never proposed the update, or, once refused, the schedule leaves it for a person.
    expect(emulator.count(SUPABASE_ROUTES.update) - updatesBefore, evidence).toBe(0);
    expect(outcomes.slice(1).map((o) => o.state), evidence).toEqual(['succeeded', 'succeeded']);
  });
});
