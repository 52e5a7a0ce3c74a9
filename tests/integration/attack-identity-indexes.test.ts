import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { startLoopDelayMonitor } from '../../bench/harness';
import type { Run } from '../../core/api/models';
import type { AppDbAdapter } from '../../core/appdb/adapter';
import { subjectOf } from '../../core/engines/identity/identity-check';
import { readSnapshotRows, SNAPSHOT_META_KEY, type SnapshotMeta, type StateAccess } from '../../core/engines/identity/identity-snapshot';
import { SUPABASE_ROUTES, type SupabaseEmulator } from '../emulators/supabase/supabase.emulator';
import { rawSqlite } from '../helpers/sqlite-store';
import { identityId, identityWorldPerTest } from '../helpers/identity-world';
import { makeTempDir } from '../helpers/temp-dir';
import type { TestApp } from '../helpers/test-app';

/*
 * Outside attack on "scratch indexes built once both sides are read (worker
 * thread from 10,000 rows)" and "the sync table's chunks written as they
 * fill", by a helper that did not write them. What it found (a scratch
 * file removed mid-check said unclearly, a run failing after it published)
 * is fixed; these tests hold the fixes.
 */

const dir = makeTempDir();
afterAll(() => dir.remove());
const path = join(dir.path, 'product.db');
const id = identityId;
/** Both sides: 10,000 rows, so finishReading builds on the worker thread. */
const USERS = 5000;
const createdAt = (n: number) => new Date(Date.UTC(2025, 0, 1) + n * 1000).toISOString();

describe('identity check on the worker-thread path (attack on the scratch indexes and the windowed sync table)', () => {
  const world = identityWorldPerTest(path, USERS, { createdAt });
  let app: TestApp;
  let db: AppDbAdapter;
  let emulator: SupabaseEmulator;
  beforeEach(() => ({ app, db, emulator } = world.current()));

  const state = (): StateAccess => ({
    get: (key) => app.store.engineState.get('identity', key),
    set: (key, value) => app.store.engineState.set('identity', key, value, new Date().toISOString()),
    delete: (key) => app.store.engineState.delete('identity', key),
  });
  const meta = async () => (await app.store.engineState.get<SnapshotMeta>('identity', SNAPSHOT_META_KEY)) as SnapshotMeta;
  const table = async () => readSnapshotRows(state(), await meta());
  const chunkKeys = () => rawSqlite(app.store).prepare("SELECT key FROM engine_state WHERE engine = 'identity' AND key LIKE 'sync-table:%chunk:%' ORDER BY key").pluck().all() as string[];
  const check = async (params: Record<string, unknown> = {}) => (await app.runs.waitFor((await app.runs.start('identity', { retryInitialDelayMs: 5, mode: 'check', sourceOfTruth: 'appdb', ...params }, 'manual')).runId)) as Run;

  /** Every open finding of the published table's run names the user at its row. */
  async function findingsPointRight(): Promise<string[]> {
    const published = await meta();
    const rows = await table();
    const wrong: string[] = [];
    for (const finding of await app.store.findings.open('identity')) {
      const details = finding.details as { row?: number; snapshotRunId?: number };
      if (details.snapshotRunId !== published.runId) {
        wrong.push(`${finding.subject}: from run ${details.snapshotRunId}, table is run ${published.runId}`);
        continue;
      }
      const at = rows[details.row as number];
      if (!at || subjectOf(at) !== finding.subject) wrong.push(`${finding.subject}: row ${details.row} is ${at ? subjectOf(at) : 'missing'}`);
    }
    return wrong;
  }

  it('a user listed twice (a user created between pages) whose data changed between pages is kept as its last listing', async () => {
    const boundary = emulator.listUsers()[999] as { id: string; user_metadata: Record<string, unknown> };
    await db.execute('UPDATE users SET name = ? WHERE id = ?', ['Renamed', boundary.id]);
    emulator.fault(SUPABASE_ROUTES.list, { status: 200, passThrough: true, times: 1 });
    emulator.fault(SUPABASE_ROUTES.list, { status: 200, passThrough: true, delayMs: 400, times: 1 });
    const started = await app.runs.start('identity', { retryInitialDelayMs: 5, mode: 'check', sourceOfTruth: 'appdb' }, 'manual');
    for (let i = 0; i < 400 && emulator.count(SUPABASE_ROUTES.list) < 2; i++) await new Promise((resolve) => setTimeout(resolve, 5));
    // A sign-up at the top shifts page 2 down by one: it starts with page 1's last user, renamed meanwhile.
    emulator.addUser({ id: id(9001), email: 'newcomer@example.com', created_at: createdAt(99_999) });
    (emulator.getUser(boundary.id) as { user_metadata: Record<string, unknown> }).user_metadata.full_name = 'Renamed';
    const run = (await app.runs.waitFor(started.runId)) as Run;
    expect(run.state, JSON.stringify(run.error)).toBe('succeeded');
    expect(run.result).toMatchObject({ inSync: USERS, localOnly: 0, remoteOnly: 0, inconsistent: 0, remoteUsers: USERS, users: USERS });
    expect((await table()).length).toBe(USERS);
    expect(await app.store.findings.open('identity')).toEqual([]);
  }, 60_000);

  it('a 10,000-row check on the worker path holds the event loop no longer than 150 ms at a time', async () => {
    // What the check itself holds the loop for, computing or in a synchronous call; not the time the machine's
    // other work (other test files, PostgreSQL, Chromium) kept this process off the CPU, which on a 2-core CI
    // machine running three files at a time made timers fire over 150 ms late with the loop idle.
    const monitor = startLoopDelayMonitor(5);
    const run = await check();
    const delay = monitor.stop();
    expect(run.state).toBe('succeeded');
    console.log('event loop delay ms', delay);
    expect(delay.maxOwnMs).toBeLessThan(150);
  }, 60_000);

  it('cancelled at every phase (worker path): the previous table stays published and whole, findings point at their users, nothing is left half-written', async () => {
    // A first check with drift: 3 local-only rows, 2 Supabase-only users, 1 inconsistent.
    for (const n of [10, 20, 30]) emulator.removeUser(id(n));
    for (const n of [6001, 6002]) emulator.addUser({ id: id(n), email: `r${n}@example.com`, created_at: createdAt(n) });
    await db.execute('UPDATE users SET name = ? WHERE id = ?', ['Other', id(40)]);
    const first = await check();
    expect(first.state).toBe('succeeded');
    let published = await table();
    let publishedKeys = chunkKeys();
    expect(await findingsPointRight()).toEqual([]);
    // Change the world so a new table would differ at every index: a new first row, more drift.
    await db.execute('INSERT INTO users (id, email, name, email_verified, role) VALUES (?, ?, ?, ?, ?)', [id(0), 'zero@example.com', 'Z', 1, 'user']);
    const outcomes: string[] = [];
    for (const delay of [0, 2, 10, 30, 60, 100, 150, 200, 300, 450, 600, 800]) {
      const { runId } = await app.runs.start('identity', { retryInitialDelayMs: 5, mode: 'check', sourceOfTruth: 'appdb' }, 'manual');
      await new Promise((resolve) => setTimeout(resolve, delay));
      await app.runs.cancel(runId);
      const run = (await app.runs.waitFor(runId)) as Run;
      outcomes.push(`${delay}:${run.state}`);
      if (run.state === 'succeeded') {
        published = await table();
        publishedKeys = chunkKeys();
      } else {
        expect(run.state, `delay ${delay}: ${JSON.stringify(run.error)}`).toBe('cancelled');
        expect(await table(), `delay ${delay}`).toEqual(published);
        expect(chunkKeys(), `delay ${delay}: chunks left by the cancelled check`).toEqual(publishedKeys);
      }
      expect(await findingsPointRight(), `delay ${delay}`).toEqual([]);
    }
    const last = await check();
    expect(last.state).toBe('succeeded');
    expect(last.result).toMatchObject({ inSync: USERS - 4, localOnly: 4, remoteOnly: 2, inconsistent: 1, remoteUsers: USERS - 3 + 2 });
    expect((await table()).length).toBe(USERS + 1 + 2);
    expect(await findingsPointRight()).toEqual([]);
    const m = await meta();
    expect(chunkKeys().every((k) => k.startsWith(`sync-table:${m.buffer}:`))).toBe(true);
    console.log('cancel outcomes', outcomes.join(' '));
  }, 120_000);

  it('a check whose last write fails (the store refuses "last-check") fails without publishing: the previous table and its findings stay', async () => {
    for (const n of [10, 20]) emulator.removeUser(id(n));
    const first = await check();
    expect(first.state).toBe('succeeded');
    const before = await table();
    await db.execute('INSERT INTO users (id, email, name, email_verified, role) VALUES (?, ?, ?, ?, ?)', [id(0), 'zero@example.com', 'Z', 1, 'user']);
    // u10 comes back: its local-only finding of the first check is no longer true.
    emulator.addUser({ id: id(10), email: 'u10@example.com', user_metadata: { full_name: 'U' }, app_metadata: { role: 'user' }, email_confirmed_at: '2026-01-01T00:00:00.000Z', created_at: createdAt(10) });
    const set = app.store.engineState.set.bind(app.store.engineState);
    vi.spyOn(app.store.engineState, 'set').mockImplementation((engine, key, value, now) =>
      key === 'last-check' ? Promise.reject(Object.assign(new Error('database or disk is full'), { code: 'SQLITE_FULL' })) : set(engine, key, value, now),
    );
    const second = await check();
    vi.restoreAllMocks();
    expect(second.state).toBe('failed');
    // The rule: a check that fails leaves the previous table published and whole, its findings pointing at it
    // (the failed check's findings were held back with its table, and went with it).
    expect({ runId: (await meta()).runId, rows: (await table()).length, problems: await findingsPointRight() }).toEqual({ runId: first.id, rows: before.length, problems: [] });
    expect(await table()).toEqual(before);
  }, 60_000);

  it('a check cancelled in the middle of its classification leaves the previous findings exactly as they were', async () => {
    for (const n of [10, 20, 30]) emulator.removeUser(id(n));
    const first = await check();
    expect(first.state).toBe('succeeded');
    const findingsBefore = await app.store.findings.open('identity');
    expect(findingsBefore).toHaveLength(3);
    // Every row drifts now (another name on every row): the next check would replace each finding and add thousands.
    await db.execute("UPDATE users SET name = 'Renamed'");
    let release = () => {};
    let reached = () => {};
    const atChunk = new Promise<void>((resolve) => (reached = resolve));
    const set = app.store.engineState.set.bind(app.store.engineState);
    vi.spyOn(app.store.engineState, 'set').mockImplementation(async (engine, key, value, now) => {
      if (key === 'sync-table:b:chunk:6') {
        reached();
        await new Promise<void>((resolve) => (release = resolve));
      }
      return set(engine, key, value, now);
    });
    const { runId } = await app.runs.start('identity', { retryInitialDelayMs: 5, mode: 'check', sourceOfTruth: 'appdb' }, 'manual');
    await atChunk;
    await app.runs.cancel(runId);
    release();
    const run = (await app.runs.waitFor(runId)) as Run;
    vi.restoreAllMocks();
    expect(run.state).toBe('cancelled');
    expect(await app.store.findings.open('identity')).toEqual(findingsBefore);
    expect(await findingsPointRight()).toEqual([]);
    expect((await meta()).runId).toBe(first.id);
  }, 60_000);

  it('the scratch directory removed while the listing runs fails a large check plainly, naming TMPDIR, and publishes nothing', async () => {
    const mine = () =>
      readdirSync(tmpdir()).filter((name) => {
        const owner = join(tmpdir(), name, 'owner');
        return name.startsWith('syncwarden-identity-') && existsSync(owner) && readFileSync(owner, 'utf8') === String(process.pid);
      });
    emulator.fault(SUPABASE_ROUTES.list, { status: 200, passThrough: true, times: 1 });
    emulator.fault(SUPABASE_ROUTES.list, { status: 200, passThrough: true, delayMs: 400, times: 1 });
    const { runId } = await app.runs.start('identity', { retryInitialDelayMs: 5, mode: 'check' }, 'manual');
    for (let i = 0; i < 400 && emulator.count(SUPABASE_ROUTES.list) < 2; i++) await new Promise((resolve) => setTimeout(resolve, 5));
    const scratch = mine();
    expect(scratch).toHaveLength(1);
    // A temporary-directory cleaner (or another console's sweep of "dead" owners) removes it.
    rmSync(join(tmpdir(), scratch[0] as string), { recursive: true, force: true });
    const run = (await app.runs.waitFor(runId)) as Run;
    // Before this change the open connection kept the (unlinked) file: the check went on. Now the worker reopens it by path.
    expect(run.state).toBe('failed');
    expect(run.error?.message).toMatch(/scratch file .* was removed while the check ran.*nothing was published.*TMPDIR/s);
    expect(await app.store.engineState.get('identity', SNAPSHOT_META_KEY)).toBeUndefined();
  }, 60_000);
});
