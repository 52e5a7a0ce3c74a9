import { describe, expect, it } from 'vitest';
import type { Run } from '../../core/api/models';
import { rateLimitFault, SUPABASE_ROUTES } from '../emulators/supabase/supabase.emulator';
import { useConcurrentReadWorld, usersTable, USERS } from '../helpers/concurrent-read-world';
import { identityId } from '../helpers/identity-world';

/*
 * Outside attack on 243be07 (readSides: the table read and the listing run together; the first failure aborts
 * the other). When the users table fails, a listing that is slow, stalled or backing off must be stopped at once:
 * the check fails promptly and does not wait out the other side.
 */

const w = useConcurrentReadWorld();

/** The users table of USERS rows in sync with Supabase. */
async function world(): Promise<void> {
  await w.create(usersTable());
  await w.seedInSync(USERS, identityId);
}

/** The users table goes away after the first chunk (a migration renames it under the reader). */
function tableFailsAfterFirstChunk(): void {
  w.betweenChunks(async () => {
    await w.db.execute('ALTER TABLE users RENAME TO users_gone');
  });
}

describe('one side fails while the other waits (attack on 243be07)', () => {
  it('a listing page that takes 20 s is abandoned when the table read fails', async () => {
    await world();
    w.emulator.fault(SUPABASE_ROUTES.list, { status: 200, passThrough: true, delayMs: 20_000 });
    tableFailsAfterFirstChunk();
    const started = Date.now();
    const run = (await w.app.runs.waitFor((await w.app.runs.start('identity', { retryInitialDelayMs: 5, mode: 'check' }, 'manual')).runId)) as Run;
    expect(run.state).toBe('failed');
    expect(run.error?.message).toMatch(/users/);
    expect(Date.now() - started).toBeLessThan(5_000);
  }, 30_000);

  it('a listing backing off a 429 (Retry-After 20 s) is abandoned when the table read fails', async () => {
    await world();
    w.emulator.fault(SUPABASE_ROUTES.list, rateLimitFault(5, 20));
    tableFailsAfterFirstChunk();
    const started = Date.now();
    const run = (await w.app.runs.waitFor((await w.app.runs.start('identity', { retryInitialDelayMs: 5, mode: 'check' }, 'manual')).runId)) as Run;
    expect(run.state).toBe('failed');
    expect(run.error?.message).not.toMatch(/429|rate/i);
    expect(Date.now() - started).toBeLessThan(5_000);
  }, 60_000);

  it('a table read that fails while the listing fails too reports one plain error and leaves the process healthy', async () => {
    await world();
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => void unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    try {
      w.emulator.fault(SUPABASE_ROUTES.list, { status: 503, delayMs: 30 });
      tableFailsAfterFirstChunk();
      const run = (await w.app.runs.waitFor((await w.app.runs.start('identity', { retryInitialDelayMs: 5, mode: 'check' }, 'manual')).runId)) as Run;
      expect(run.state).toBe('failed');
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(unhandled).toEqual([]);
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
  }, 30_000);
});
