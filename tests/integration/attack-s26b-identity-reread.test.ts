import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Run } from '../../core/api/models';
import { identityWorldPerTest, letteredIdentityId } from '../helpers/identity-world';
import { makeTempDir } from '../helpers/temp-dir';

const dir = makeTempDir('syncwarden-s26b-');
afterAll(() => dir.remove());

const lettered = letteredIdentityId;

/**
 * Outside review (issue 15, s26b). docs/safety.md: "The identity engine never bans or deletes a
 * Supabase user that the users table has (by id or by email, case-insensitively, re-read just
 * before acting)". The check pairs ids case-insensitively (identity-merge.ts pairs on the
 * lower-cased id); the re-read before a ban (identity-apply.ts currentRow) looks the row up with
 * `WHERE id = ?` on the Supabase id, which a text id column in SQLite compares case-sensitively.
 */
describe('the re-read before a ban finds a row whose id is the Supabase id in upper case', () => {
  // Twenty users in sync: the mass-deletion limit (10 %) lets the one ban through, so only the re-read can stop it.
  const world = identityWorldPerTest(join(dir.path, 'product.db'), 20);

  async function run(params: Record<string, unknown>): Promise<Run> {
    const { app } = world.current();
    return (await app.runs.waitFor((await app.runs.start('identity', { retryInitialDelayMs: 5, ...params }, 'manual')).runId)) as Run;
  }

  it('a row added after the check under the upper-cased Supabase id (another email) is paired, not banned away', async () => {
    const { app, db, emulator } = world.current();
    emulator.addUser({ id: lettered(1), email: 'signup@example.com', user_metadata: { full_name: 'New' }, app_metadata: { role: 'user' }, email_confirmed_at: '2026-01-01T00:00:00.000Z' });
    await run({ mode: 'check' });
    expect((await app.store.findings.open('identity')).map((f) => f.kind)).toEqual(['remote-only']);
    // The product writes the row now (its own UUID spelling, upper case; the person changed the address in the product).
    await db.execute('INSERT INTO users (id, email, name, email_verified, role) VALUES (?, ?, ?, ?, ?)', [lettered(1).toUpperCase(), 'changed@example.com', 'New', 1, 'user']);
    // The check would pair them by id now:
    const plan = await app.handlers['identity.plan']({ all: true }, { actor: 'manual' } as never);
    expect(plan.destructive).toBe(1);
    const repair = await run({ mode: 'repair', all: true, confirmDestructive: plan.digest });
    expect(repair.state, JSON.stringify(repair.error)).not.toBe('failed');
    expect(emulator.getUser(lettered(1))?.banned_until, 'the users table has this user by id: never banned').toBeUndefined();
  });

  it('with "soft-delete" chosen, a row added after the check under the upper-cased Supabase id is not deleted away for good', async () => {
    const { app, db, emulator } = world.current();
    emulator.addUser({ id: lettered(2), email: 'gone@example.com', user_metadata: { full_name: 'New' }, app_metadata: { role: 'user' }, email_confirmed_at: '2026-01-01T00:00:00.000Z' });
    await run({ mode: 'check' });
    await db.execute('INSERT INTO users (id, email, name, email_verified, role) VALUES (?, ?, ?, ?, ?)', [lettered(2).toUpperCase(), 'other@example.com', 'New', 1, 'user']);
    const plan = await app.handlers['identity.plan']({ all: true, remoteOnly: 'delete' }, { actor: 'manual' } as never);
    expect(plan).toMatchObject({ destructive: 1, irreversible: 1 });
    await run({ mode: 'repair', all: true, remoteOnly: 'delete', confirmDestructive: plan.digest });
    // A soft delete cannot be undone: the users row now points at an id GoTrue keeps taken for ever.
    expect(emulator.getUser(lettered(2))?.deleted_at, 'the users table has this user by id: never deleted').toBeUndefined();
  });
});

