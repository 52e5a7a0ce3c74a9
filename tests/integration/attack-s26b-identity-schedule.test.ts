import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Run } from '../../core/api/models';
import { identityWorldPerTest } from '../helpers/identity-world';
import { makeTempDir } from '../helpers/temp-dir';

const dir = makeTempDir('syncwarden-s26b-');
afterAll(() => dir.remove());

/**
 * Outside review (issue 15, s26b). docs/safety.md: "Scheduled runs never ban, delete or relink:
 * those wait for a person." A scheduled repair holds to it even when the schedule's params carry
 * confirmDestructive (identity-repair.ts turns every destructive action of a schedule into
 * manual). A scheduled revert does not look at the trigger at all (identity.engine.ts): it
 * hard-deletes the Supabase users a repair created, with no person there to confirm.
 */
describe('a schedule never deletes through a revert', () => {
  const world = identityWorldPerTest(join(dir.path, 'product.db'), 2);

  async function run(params: Record<string, unknown>): Promise<Run> {
    const { app } = world.current();
    return (await app.runs.waitFor((await app.runs.start('identity', { retryInitialDelayMs: 5, ...params }, 'manual')).runId)) as Run;
  }

  it('a schedule whose params are a revert of a run (confirmDestructive in the params, as a repair schedule may carry) deletes no Supabase user', async () => {
    const { app, db, emulator } = world.current();
    await db.execute('INSERT INTO users (id, email, name, email_verified, role) VALUES (?, ?, ?, ?, ?)', ['00000000-0000-4000-8000-000000000077', 'made@example.com', 'Made', 1, 'user']);
    await run({ mode: 'check' });
    const repair = await run({ mode: 'repair', all: true });
    expect(repair.result).toMatchObject({ actions: { 'create-remote': 1 } });
    expect(emulator.getUser('00000000-0000-4000-8000-000000000077')).toBeDefined();

    const params = { mode: 'revert', revertRunId: repair.id, confirmDestructive: true };
    const handlers = app.handlers as unknown as Record<string, (input: unknown, ctx: unknown) => Promise<{ id?: number; runId?: number }>>;
    // The schedule form refuses it when saved, under the field that is wrong.
    await expect(
      handlers['schedules.create']!({ engine: 'identity', scope: { kind: 'all' }, enabled: true, autoRepair: false, trigger: { kind: 'interval', minutes: 60 }, params }, { actor: 'manual' }),
    ).rejects.toMatchObject({ code: 'invalid-input', details: { issues: [{ path: ['params', 'mode'] }] }, message: expect.stringMatching(/only when a person starts it/) });

    // A schedule that got into the store anyway (saved before this rule, edited by hand) fires and starts nothing.
    const stored = await app.store.schedules.insert(
      { engine: 'identity', scope: { kind: 'all' }, trigger: { kind: 'interval', minutes: 60 }, timeZone: 'UTC', enabled: true, autoRepair: false, params },
      'test',
      new Date().toISOString(),
    );
    await expect(handlers['schedules.runNow']!({ id: stored }, { actor: 'manual' })).rejects.toMatchObject({ code: 'invalid-input', message: expect.stringMatching(/only when a person starts it/) });
    // Nor does a scheduled start of it through the run manager, the host every schedule fires through.
    await expect(app.runs.start('identity', params, 'schedule')).rejects.toMatchObject({ code: 'invalid-input' });
    expect((await app.store.runs.list({ engine: 'identity', triggers: ['schedule'], limit: 10, offset: 0 })).items).toEqual([]);
    // Nobody confirmed anything at firing time: the user the repair created is still there.
    expect(emulator.getUser('00000000-0000-4000-8000-000000000077')).toBeDefined();
  });
});
