import { join } from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Run } from '../../core/api/models';
import type { AppDbAdapter } from '../../core/appdb/adapter';
import { initCanonicalSchema } from '../../core/appdb/ddl';
import { openSqliteAppDb } from '../../core/appdb/sqlite.adapter';
import { gotrueFault, startSupabaseEmulator, SUPABASE_ROUTES, type SupabaseEmulator } from '../emulators/supabase/supabase.emulator';
import { makeTempDir } from '../helpers/temp-dir';
import { createTestApp, type TestApp } from '../helpers/test-app';
import { addIdentityConnections, confirmedAll, letteredIdentityId } from '../helpers/identity-world';

const dir = makeTempDir();
afterAll(() => dir.remove());
const path = join(dir.path, 'product.db');
const id = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
const KEYS = { serviceRoleKey: 'service-key', anonKey: 'anon-key' };

/**
 * An outside review of issue 15: races between the check and the repair that
 * the re-read before a ban must catch, on a SQLite users table (whose lower()
 * folds only ASCII and whose text comparison is case-sensitive).
 */
describe('identity repair races found in review (SQLite users table)', () => {
  let app: TestApp;
  let db: AppDbAdapter;
  let emulator: SupabaseEmulator;

  beforeEach(async () => {
    db = openSqliteAppDb({ path, create: true });
    await db.execute('DROP TABLE IF EXISTS invoices');
    await db.execute('DROP TABLE IF EXISTS users');
    await initCanonicalSchema(db);
    emulator = await startSupabaseEmulator({ ...KEYS, users: [] });
    app = await createTestApp();
    await addIdentityConnections(app, path, emulator.url, KEYS.serviceRoleKey);
  });
  afterEach(async () => {
    await app.dispose();
    await emulator.close();
    await db.close();
  });

  async function run(params: Record<string, unknown>): Promise<Run> {
    return (await app.runs.waitFor((await app.runs.start('identity', { retryInitialDelayMs: 5, ...params }, 'manual')).runId)) as Run;
  }
  function remote(n: number, email: string, userId = id(n)) {
    return emulator.addUser({ id: userId, email, user_metadata: { full_name: 'Late' }, app_metadata: { role: 'user' }, email_confirmed_at: '2026-01-01T00:00:00.000Z' });
  }

  it('a row added after the check whose email differs beyond ASCII case, by spaces, or whose id is upper-case is never banned away', async () => {
    remote(1, 'ärni@example.com');
    remote(2, 'spaced@example.com');
    // An id with letters: id(3) is all digits, so its upper case would be the same id and prove nothing.
    remote(3, 'upper.id@example.com', letteredIdentityId(3));
    await run({ mode: 'check' });
    expect(await app.store.findings.open('identity')).toHaveLength(3);
    // The check pairs these (its comparison is JavaScript's); the re-read before the ban must as well.
    await db.executeMany('INSERT INTO users (id, email, name, email_verified, role) VALUES (?, ?, ?, ?, ?)', [
      ['row-1', 'ÄRNI@example.com', 'Late', 1, 'user'],
      ['row-2', ' spaced@example.com ', 'Late', 1, 'user'],
      [letteredIdentityId(3).toUpperCase(), 'other@example.com', 'Late', 1, 'user'],
    ]);
    const repair = await run(await confirmedAll(app, { mode: 'repair', all: true, confirmDeletes: 3  }));
    expect((repair.result?.actions as Record<string, number>)['ban-remote']).toBeUndefined();
    for (const userId of [id(1), id(2), letteredIdentityId(3)]) expect(emulator.getUser(userId)?.banned_until, userId).toBeUndefined();
  });
  it('a repair whose service role key is refused fails the run pointing at the Connections page, not one failed user after another', async () => {
    remote(11, 'a@example.com');
    remote(12, 'b@example.com');
    await run({ mode: 'check' });
    // The key is rotated in Supabase after the check: GoTrue answers 403 bad_jwt to everything.
    const supabase = (await app.store.connections.list()).find((c) => c.kind === 'supabase');
    await app.connections.update({ id: supabase?.id, secrets: { serviceRoleKey: 'rotated-away' } } as never);
    const repair = await run(await confirmedAll(app, { mode: 'repair', all: true, confirmDeletes: 2  }));
    expect(repair.state).toBe('failed');
    expect(repair.error).toMatchObject({ code: 'connection-misconfigured', message: expect.stringMatching(/bad_jwt.*Fix them on the Connections page/) });
    // Nobody was touched or blocked: both findings wait, open, for the next repair with a working key.
    expect((await app.store.findings.open('identity')).map((f) => f.kind)).toEqual(['remote-only', 'remote-only']);
    for (const n of [11, 12]) expect(emulator.getUser(id(n))?.banned_until).toBeUndefined();
  });

  it('a revert of a run whose service role key is refused fails the run pointing at the Connections page', async () => {
    remote(13, 'c@example.com');
    remote(14, 'd@example.com');
    await run({ mode: 'check' });
    const repair = await run(await confirmedAll(app, { mode: 'repair', all: true, confirmDeletes: 2  }));
    expect(repair.state).toBe('succeeded');
    const supabase = (await app.store.connections.list()).find((c) => c.kind === 'supabase');
    await app.connections.update({ id: supabase?.id, secrets: { serviceRoleKey: 'rotated-away' } } as never);
    const undo = await run({ mode: 'revert', confirmDestructive: true, revertRunId: repair.id });
    expect(undo.state).toBe('failed');
    expect(undo.error).toMatchObject({ code: 'connection-misconfigured', message: expect.stringMatching(/Fix them on the Connections page/) });
    for (const n of [13, 14]) expect(emulator.getUser(id(n))?.banned_until).toBeTruthy();
  });

  it('with Supabase as truth, a users row is never deleted when product rows would cascade with it', async () => {
    await db.execute('CREATE TABLE invoices (id TEXT PRIMARY KEY, user_id TEXT REFERENCES users (id) ON DELETE CASCADE)');
    await db.execute('INSERT INTO users (id, email, name, email_verified, role) VALUES (?, ?, ?, ?, ?)', [id(6), 'billed@example.com', 'Billed', 1, 'user']);
    await db.execute('INSERT INTO invoices (id, user_id) VALUES (?, ?)', ['inv-1', id(6)]);
    await run({ mode: 'check', sourceOfTruth: 'supabase' });
    const repair = await run(await confirmedAll(app, { mode: 'repair', all: true, confirmDeletes: 1  }));
    expect(await db.query('SELECT id FROM invoices')).toEqual([{ id: 'inv-1' }]);
    expect(await db.query('SELECT id FROM users')).toEqual([{ id: id(6) }]);
    expect(repair.state).toBe('partial');
    expect(String((repair.result?.errors as string[])[0])).toMatch(/invoices \(on delete cascade\)/);
    // A refusal that will repeat is a manual finding, not retried by every run.
    await run({ mode: 'check', sourceOfTruth: 'supabase' });
    expect((await app.store.findings.open('identity'))[0]).toMatchObject({ kind: 'repair-refused', details: { action: 'manual' } });
  });

  it('with Supabase as truth, a deleted users row is kept whole and its revert puts back every column', async () => {
    await db.execute('ALTER TABLE users ADD COLUMN plan TEXT');
    await db.execute('INSERT INTO users (id, email, name, email_verified, role, plan) VALUES (?, ?, ?, ?, ?, ?)', [id(5), 'paid@example.com', 'Paid', 1, 'user', 'pro']);
    await run({ mode: 'check', sourceOfTruth: 'supabase' });
    const repair = await run(await confirmedAll(app, { mode: 'repair', all: true, confirmDeletes: 1  }));
    expect(repair.state, JSON.stringify(repair.error ?? repair.result)).toBe('succeeded');
    expect(await db.query('SELECT id FROM users')).toEqual([]);
    const entry = (await app.store.audit.byRun(repair.id))[0];
    expect(entry?.action).toBe('identity.delete-local');
    const undo = await run({ mode: 'revert', confirmDestructive: true, auditId: entry?.id });
    expect(undo.state, JSON.stringify(undo.error ?? undo.result)).toBe('succeeded');
    // Put back whole: the column the identity engine does not know is there again.
    expect(await db.query('SELECT plan FROM users WHERE id = ?', [id(5)])).toEqual([{ plan: 'pro' }]);
  });

  it('reverting an insert never deletes a users row that product rows now hang on by a cascading key', async () => {
    await db.execute('CREATE TABLE invoices (id TEXT PRIMARY KEY, user_id TEXT REFERENCES users (id) ON DELETE CASCADE)');
    remote(7, 'signup@example.com');
    await run({ mode: 'check', sourceOfTruth: 'supabase' });
    const repair = await run({ mode: 'repair', all: true });
    expect(repair.result).toMatchObject({ actions: { 'insert-local': 1 } });
    // The user uses the product: an invoice now references the inserted row.
    await db.execute('INSERT INTO invoices (id, user_id) VALUES (?, ?)', ['inv-7', id(7)]);
    const undo = await run({ mode: 'revert', confirmDestructive: true, revertRunId: repair.id });
    expect(undo.state).not.toBe('succeeded');
    expect(await db.query('SELECT id FROM invoices')).toEqual([{ id: 'inv-7' }]);
  });

  it('a schedule created through the contract with repair params never bans, deletes or relinks: no one confirmed it', async () => {
    // Twenty users in sync, so the mass-deletion limit (10 %) lets one removal through and only the confirmation can stop it.
    for (let n = 100; n < 120; n++) remote(n, `sync${n}@example.com`);
    await db.executeMany('INSERT INTO users (id, email, name, email_verified, role) VALUES (?, ?, ?, ?, ?)', Array.from({ length: 20 }, (_, i) => [id(100 + i), `sync${100 + i}@example.com`, 'Late', 1, 'user']));
    remote(11, 'stray11@example.com');
    await db.execute('INSERT INTO users (id, email, name, email_verified, role) VALUES (?, ?, ?, ?, ?)', ['row-12', 'local12@example.com', 'Local', 1, 'user']);
    await run({ mode: 'check' });
    const banning = (await app.runs.waitFor((await app.runs.start('identity', { mode: 'repair', all: true, retryInitialDelayMs: 5 }, 'schedule')).runId)) as Run;
    expect(banning.state, JSON.stringify(banning.error)).toBe('succeeded');
    expect(emulator.getUser(id(11))?.banned_until).toBeUndefined();
    await run({ mode: 'check', sourceOfTruth: 'supabase' });
    const deleting = (await app.runs.waitFor((await app.runs.start('identity', { mode: 'repair', all: true, retryInitialDelayMs: 5 }, 'schedule')).runId)) as Run;
    expect(deleting.state, JSON.stringify(deleting.error)).toBe('succeeded');
    expect(await db.query('SELECT id FROM users WHERE id = ?', ['row-12'])).toEqual([{ id: 'row-12' }]);
    expect(deleting.result).toMatchObject({ actions: { 'insert-local': 1 }, manual: 1 });
  });

  it('a confirmed count never lets another destructive action through when the source of truth changed since the check', async () => {
    for (let n = 100; n < 120; n++) remote(n, `sync${n}@example.com`);
    await db.executeMany('INSERT INTO users (id, email, name, email_verified, role) VALUES (?, ?, ?, ?, ?)', Array.from({ length: 20 }, (_, i) => [id(100 + i), `sync${100 + i}@example.com`, 'Late', 1, 'user']));
    remote(21, 'stray21@example.com');
    await db.execute('INSERT INTO users (id, email, name, email_verified, role) VALUES (?, ?, ?, ?, ?)', [id(22), 'keep22@example.com', 'Keep', 1, 'user']);
    await run({ mode: 'check' });
    // Someone checks one user with Supabase as the truth: remembered for the connection, the other findings stay.
    await run({ mode: 'check', user: 'sync100@example.com', sourceOfTruth: 'supabase' });
    const plan = await app.handlers['identity.plan']({ all: true }, { actor: 'manual' } as never);
    expect(plan).toMatchObject({ destructive: 1, counts: { 'ban-remote': 1, 'create-remote': 1 } });
    // The admin agreed to ban stray21 (one destructive action), as the dialog and the CLI showed it.
    const repair = await run({ mode: 'repair', all: true, confirmDestructive: plan.digest });
    expect(await db.query('SELECT id FROM users WHERE id = ?', [id(22)])).toEqual([{ id: id(22) }]);
    expect(repair.error?.message).toMatch(/checked with another source of truth.*Run a check first/);
  });

  it('reverting a row delete never creates a second row for an email that has a row again', async () => {
    await db.execute('INSERT INTO users (id, email, name, email_verified, role) VALUES (?, ?, ?, ?, ?)', [id(30), 'back@example.com', 'Back', 1, 'user']);
    await run({ mode: 'check', sourceOfTruth: 'supabase' });
    const repair = await run(await confirmedAll(app, { mode: 'repair', all: true, confirmDeletes: 1  }));
    expect(repair.result).toMatchObject({ actions: { 'delete-local': 1 } });
    // The person signs up again; the product writes their row under the new id, spelling the email its own way.
    remote(31, 'back@example.com');
    await db.execute('INSERT INTO users (id, email, name, email_verified, role) VALUES (?, ?, ?, ?, ?)', [id(31), 'Back@Example.com', 'Back', 1, 'user']);
    const undo = await run({ mode: 'revert', confirmDestructive: true, revertRunId: repair.id });
    expect(undo.state).not.toBe('succeeded');
    expect(undo.result?.notUndone).toEqual([expect.stringMatching(/already has a row with the email/)]);
    expect(await db.query('SELECT id FROM users')).toEqual([{ id: id(31) }]);
  });

  it('with Supabase as truth, a row whose person signed up in Supabase since the check (new id, or a row id that is no UUID) is not deleted', async () => {
    await db.executeMany('INSERT INTO users (id, email, name, email_verified, role) VALUES (?, ?, ?, ?, ?)', [
      ['row-40', 'came@example.com', 'Came', 1, 'user'],
      [id(41), 'again41@example.com', 'Again', 1, 'user'],
    ]);
    await run({ mode: 'check', sourceOfTruth: 'supabase' });
    remote(40, 'came@example.com');
    remote(42, 'again41@example.com');
    const repair = await run(await confirmedAll(app, { mode: 'repair', all: true, confirmDeletes: 2  }));
    expect((repair.result?.actions as Record<string, number>)['delete-local']).toBeUndefined();
    expect(await db.query('SELECT id FROM users ORDER BY id')).toEqual([{ id: id(41) }, { id: 'row-40' }]);
  });

  it('a revert started straight through runs.start, with no confirmation, deletes nothing', async () => {
    await db.execute('INSERT INTO users (id, email, name, email_verified, role) VALUES (?, ?, ?, ?, ?)', [id(50), 'made@example.com', 'Made', 1, 'user']);
    await run({ mode: 'check' });
    const repair = await run({ mode: 'repair', all: true });
    expect(repair.result).toMatchObject({ actions: { 'create-remote': 1 } });
    const entry = (await app.store.audit.byRun(repair.id))[0];
    // A script's contract call: the revert of a create hard-deletes the Supabase user, so it must be confirmed like a repair.
    const started = await app.handlers['runs.start']({ engine: 'identity', params: { mode: 'revert', auditId: entry?.id } }, { actor: 'manual' } as never);
    const undo = (await app.runs.waitFor(started.runId)) as Run;
    expect(undo.state).toBe('failed');
    expect(undo.error?.message).toMatch(/confirm/i);
    expect(emulator.getUser(id(50))).toBeDefined();
    const confirmed = await app.handlers['runs.start']({ engine: 'identity', params: { mode: 'revert', auditId: entry?.id, confirmDestructive: true } }, { actor: 'manual' } as never);
    expect(((await app.runs.waitFor(confirmed.runId)) as Run).state).toBe('succeeded');
    expect(emulator.getUser(id(50))).toBeUndefined();
  });

  it('"Repair all" counts a ban GoTrue refused for good as left for a person, as the run does, so the confirmed count matches', async () => {
    for (let n = 100; n < 120; n++) remote(n, `sync${n}@example.com`);
    await db.executeMany('INSERT INTO users (id, email, name, email_verified, role) VALUES (?, ?, ?, ?, ?)', Array.from({ length: 20 }, (_, i) => [id(100 + i), `sync${100 + i}@example.com`, 'Late', 1, 'user']));
    remote(60, 'refused60@example.com');
    await run({ mode: 'check' });
    emulator.fault(SUPABASE_ROUTES.update, { ...gotrueFault(422, 'user_locked', 'This user cannot be changed'), times: 1 });
    expect((await run(await confirmedAll(app, { mode: 'repair', all: true }))).result).toMatchObject({ refused: 1 });
    remote(61, 'stray61@example.com');
    await run({ mode: 'check' });
    // What the Users page's "Repair all" dialog names and sends (SyncAllModal: the plan's users and its digest).
    const plan = await app.handlers['identity.plan']({ all: true }, { actor: 'manual' } as never);
    expect(plan.destructiveUsers.map((u) => u.email)).toEqual(['stray61@example.com']);
    const repair = await run({ mode: 'repair', all: true, confirmDestructive: plan.digest });
    expect(repair.state, JSON.stringify(repair.error)).toBe('succeeded');
    expect(emulator.getUser(id(61))?.banned_until).toBeDefined();
  });

  it('a create whose verification read fails is still audited with the new id, so "Revert this run" can undo it', async () => {
    await db.execute('INSERT INTO users (id, email, name, email_verified, role) VALUES (?, ?, ?, ?, ?)', ['row-70', 'unverified@example.com', 'Unverified', 1, 'user']);
    await run({ mode: 'check' });
    // The create goes through; every read after it meets a gateway error (the row id is no UUID, so nothing is read before).
    emulator.fault(SUPABASE_ROUTES.get, { ...gotrueFault(503, 'unexpected_failure', 'upstream unavailable'), times: 100 });
    const repair = await run({ mode: 'repair', all: true });
    expect(repair.state).toBe('partial');
    const created = emulator.listUsers().find((u) => u.email === 'unverified@example.com');
    expect(created).toBeDefined();
    expect((await app.store.audit.byRun(repair.id)).map((e) => [e.action, (e.after as { remote?: { id?: string } } | null)?.remote?.id])).toEqual([['identity.create-remote', created?.id]]);
    emulator.clearFaults();
    const undo = await run({ mode: 'revert', confirmDestructive: true, revertRunId: repair.id });
    expect(undo.state, JSON.stringify(undo.error ?? undo.result)).toBe('succeeded');
    expect(emulator.getUser(created?.id ?? '')).toBeUndefined();
  });

  it('retrying by hand a ban GoTrue refused before: the plan (what the CLI asks --yes for) names it, so the confirmed run goes ahead', async () => {
    for (let n = 100; n < 120; n++) remote(n, `sync${n}@example.com`);
    await db.executeMany('INSERT INTO users (id, email, name, email_verified, role) VALUES (?, ?, ?, ?, ?)', Array.from({ length: 20 }, (_, i) => [id(100 + i), `sync${100 + i}@example.com`, 'Late', 1, 'user']));
    remote(62, 'refused62@example.com');
    await run({ mode: 'check' });
    emulator.fault(SUPABASE_ROUTES.update, { ...gotrueFault(422, 'user_locked', 'This user cannot be changed'), times: 1 });
    expect((await run(await confirmedAll(app, { mode: 'repair', all: true }))).result).toMatchObject({ refused: 1 });
    await run({ mode: 'check' });
    const f = (await app.store.findings.open('identity')).find((x) => x.userEmail === 'refused62@example.com');
    const plan = await app.handlers['identity.plan']({ findingIds: [f?.id ?? 0] }, { actor: 'manual' } as never);
    expect(plan).toMatchObject({ destructive: 1, counts: { 'ban-remote': 1 } });
    const retry = await run({ mode: 'repair', findingIds: [f?.id ?? 0], confirmDestructive: plan.destructive });
    expect(retry.state, JSON.stringify(retry.error)).toBe('succeeded');
    expect(emulator.getUser(id(62))?.banned_until).toBeDefined();
  });
});
