import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Run } from '../../core/api/models';
import { gotrueFault, SUPABASE_ROUTES } from '../emulators/supabase/supabase.emulator';
import { identityId, identityWorldPerTest } from '../helpers/identity-world';
import { makeTempDir } from '../helpers/temp-dir';

const dir = makeTempDir('syncwarden-s26b-');
afterAll(() => dir.remove());

/**
 * Outside review (issue 15, s26b): a repair whose change went through at GoTrue but whose verifying
 * read failed is audited with an "intended" after-image. For an update that image was the
 * before-image, so the revert believed the repair changed nothing: it wrote nothing back, verified
 * nothing, and said "reverted" while the repair's change was still there. Now the after-image holds
 * what the repair sent, and an entry that records no changed field is never "reverted".
 */
describe('reverting a repair whose verifying read failed', () => {
  const world = identityWorldPerTest(join(dir.path, 'product.db'), 3);

  async function run(params: Record<string, unknown>): Promise<Run> {
    const { app } = world.current();
    return (await app.runs.waitFor((await app.runs.start('identity', { retryInitialDelayMs: 5, ...params }, 'manual')).runId)) as Run;
  }
  /** The first read of a Supabase user answers (the re-read before acting), every later one fails (the verification). */
  function failReadsAfterTheFirst() {
    const { emulator } = world.current();
    emulator.fault(SUPABASE_ROUTES.get, { status: 200, passThrough: true, times: 1 });
    emulator.fault(SUPABASE_ROUTES.get, { ...gotrueFault(503, 'unexpected_failure', 'upstream unavailable'), times: 1000 });
  }

  it('an update of the Supabase user (users table as truth) whose verification failed: "Revert this run" puts the name back', async () => {
    const { db, emulator } = world.current();
    await db.execute('UPDATE users SET name = ? WHERE id = ?', ['Renamed In Table', identityId(1)]);
    await run({ mode: 'check' });
    failReadsAfterTheFirst();
    const repair = await run({ mode: 'repair', all: true });
    // The change went through at GoTrue; only its verification failed: partial, honestly.
    expect(repair.state).toBe('partial');
    expect((emulator.getUser(identityId(1))?.user_metadata as { full_name?: string }).full_name).toBe('Renamed In Table');
    emulator.clearFaults();

    const undo = await run({ mode: 'revert', confirmDestructive: true, revertRunId: repair.id });
    // Either the name is back to 'U', or the revert says it could not put it back. Never both "succeeded" and the name unchanged.
    const nameNow = (emulator.getUser(identityId(1))?.user_metadata as { full_name?: string }).full_name;
    const claims = { state: undo.state, reverted: undo.result?.reverted, notUndone: undo.result?.notUndone, nameNow };
    if (undo.state === 'succeeded') expect(nameNow, JSON.stringify(claims)).toBe('U');
    else expect(undo.result?.notUndone, JSON.stringify(claims)).not.toEqual([]);
    // The after-image holds what the repair sent, so the revert can and does put it back.
    expect(claims).toMatchObject({ state: 'succeeded', reverted: 1, nameNow: 'U' });
  });

  it('an update of the users row (Supabase as truth) whose verification failed: "Revert this run" puts the row back', async () => {
    const { db, emulator } = world.current();
    await db.execute('UPDATE users SET name = ? WHERE id = ?', ['Table Name', identityId(2)]);
    await run({ mode: 'check', sourceOfTruth: 'supabase' });
    failReadsAfterTheFirst();
    const repair = await run({ mode: 'repair', all: true });
    expect(repair.state).toBe('partial');
    expect(await db.query('SELECT name FROM users WHERE id = ?', [identityId(2)])).toEqual([{ name: 'U' }]);
    emulator.clearFaults();

    const undo = await run({ mode: 'revert', confirmDestructive: true, revertRunId: repair.id });
    const [row] = await db.query('SELECT name FROM users WHERE id = ?', [identityId(2)]);
    const claims = { state: undo.state, reverted: undo.result?.reverted, notUndone: undo.result?.notUndone, row };
    if (undo.state === 'succeeded') expect(row, JSON.stringify(claims)).toEqual({ name: 'Table Name' });
    else expect(undo.result?.notUndone, JSON.stringify(claims)).not.toEqual([]);
    expect(claims).toMatchObject({ state: 'succeeded', reverted: 1, row: { name: 'Table Name' } });
  });

  it('an entry whose after-image equals its before-image (written before this fix) is never counted reverted', async () => {
    const { app, db } = world.current();
    await db.execute('UPDATE users SET name = ? WHERE id = ?', ['Renamed In Table', identityId(3)]);
    await run({ mode: 'check' });
    const repair = await run({ mode: 'repair', all: true });
    expect(repair.state).toBe('succeeded');
    // The shape such an entry had: the change went through, but its after-image repeats the before-image.
    const [entry] = await app.store.audit.byRun(repair.id);
    const old = await app.store.audit.append({ ...(entry as NonNullable<typeof entry>), runId: null, after: { ...(entry?.before as object), unverified: true } });
    const undo = await run({ mode: 'revert', confirmDestructive: true, auditId: old });
    expect(undo.state).toBe('failed');
    expect(undo.error?.message).toMatch(/does not record which fields this repair wrote/);
  });
});
