import { describe, expect, it } from 'vitest';
import type { Run } from '../../core/api/models';
import { SUPABASE_ROUTES } from '../emulators/supabase/supabase.emulator';
import type { SyncRow } from '../../core/engines/identity/identity-model';
import { hexId, useConcurrentReadWorld, usersTable, USERS } from '../helpers/concurrent-read-world';

/*
 * Outside attack on 243be07 (the users table read in storage order, concurrently with the listing), kept after
 * its fix: a row moved by REPLACE under an id in another case was read twice and paired twice; the read now
 * takes only the rows stored when it began, each at most once. Rows moved while it runs, failures of either
 * side and a cancel between chunks. Hostile table shapes: attack-concurrent-read-shapes.test.ts.
 */

const w = useConcurrentReadWorld();

/** USERS users in sync and one Supabase-only user, checked once: the published table and findings a failed check must leave. */
async function aPublishedCheck(): Promise<{ table: SyncRow[]; findings: unknown[] }> {
  await w.create(usersTable());
  await w.seedInSync(USERS, hexId);
  w.emulator.addUser({ id: hexId(9999), email: 'only-remote@example.com', email_confirmed_at: '2026-01-01T00:00:00.000Z' });
  expect((await w.check()).state).toBe('succeeded');
  return { table: await w.syncRows(), findings: await w.app.store.findings.open('identity') };
}

/** No scratch file left, and the published table and open findings as they were. */
async function expectAsBefore(before: { table: SyncRow[]; findings: unknown[] }): Promise<void> {
  expect(w.scratchLeft()).toEqual([]);
  expect(await w.syncRows()).toEqual(before.table);
  expect(await w.app.store.findings.open('identity')).toEqual(before.findings);
}

describe('storage-order read under concurrent writes (attack on 243be07)', () => {
  it('a row REPLACEd with the same id between chunks, after the read passed it, is read once, as it was', async () => {
    await w.create('CREATE TABLE users (id TEXT PRIMARY KEY, email TEXT NOT NULL, name TEXT, email_verified INTEGER NOT NULL DEFAULT 0, role TEXT NOT NULL DEFAULT \'user\')');
    await w.seedInSync(USERS, hexId);
    w.betweenChunks(async () => {
      // Row 10 was read in chunk 1; REPLACE gives it a new rowid at the end of the table: chunk 3 reads it again.
      await w.db.execute('REPLACE INTO users (id, email, name, email_verified, role) VALUES (?, ?, ?, ?, ?)', [hexId(10), 'u10@example.com', 'Renamed', 1, 'user']);
    });
    const run = await w.check();
    expect(run.state, JSON.stringify(run.error)).toBe('succeeded');
    const rows = await w.syncRows();
    expect(rows).toHaveLength(USERS);
    const ten = rows.filter((r) => r.local?.id === hexId(10));
    expect(ten).toHaveLength(1);
    // The read takes the rows stored when it began (streamStored): the moved copy is past its end.
    expect(ten[0]?.local?.name).toBe('U');
  });

  it('a row REPLACEd between chunks with its id in another case (id COLLATE NOCASE) is not paired twice with one Supabase user', async () => {
    // The product normalises ids to upper case with REPLACE (one row per id: the key is NOCASE). In key order the
    // row sits at the same key and is read once; in storage order it moves to the end and is read again, under an
    // id that differs from the first read only by case (before the fix: not merged by the dedup by exact id).
    await w.create('CREATE TABLE users (id TEXT PRIMARY KEY COLLATE NOCASE, email TEXT NOT NULL, name TEXT, email_verified INTEGER NOT NULL DEFAULT 0, role TEXT NOT NULL DEFAULT \'user\')');
    await w.seedInSync(USERS, hexId);
    w.betweenChunks(async () => {
      await w.db.execute('REPLACE INTO users (id, email, name, email_verified, role) VALUES (?, ?, ?, ?, ?)', [hexId(10).toUpperCase(), 'u10@example.com', 'U', 1, 'user']);
      expect(await w.db.query('SELECT count(*) AS n FROM users')).toEqual([{ n: USERS }]);
    });
    const run = await w.check();
    expect(run.state, JSON.stringify(run.error)).toBe('succeeded');
    const rows = await w.syncRows();
    const onUser10 = rows.filter((r) => r.remote?.id === hexId(10) || r.local?.id.toLowerCase() === hexId(10));
    // The table holds one row for user 10 and Supabase one user: one row of the sync table.
    const described = onUser10.map((r) => `${r.status}/${r.matchedBy} local=${r.local?.id} remote=${r.remote?.id}`);
    expect(described, described.join('; ')).toHaveLength(1);
    expect(rows).toHaveLength(USERS);
    expect(run.result).toMatchObject({ inSync: USERS });
  });

  it('off the event-loop thread (past 10,000 rows): rows REPLACEd before and after the read reached them are each counted and classified once', async () => {
    await w.create('CREATE TABLE users (id TEXT PRIMARY KEY, email TEXT NOT NULL, name TEXT, email_verified INTEGER NOT NULL DEFAULT 0, role TEXT NOT NULL DEFAULT \'user\')');
    const many = 6500;
    await w.seedInSync(many, hexId);
    w.betweenChunks(async () => {
      // Three rows the read has passed and two it has not reached: those move past its end, are not read, and
      // come back through the re-read of Supabase users left without a row (by id), as they are now.
      for (const n of [1, 2, 3, 4999, 6000]) {
        await w.db.execute('REPLACE INTO users (id, email, name, email_verified, role) VALUES (?, ?, ?, ?, ?)', [hexId(n), `u${n}@example.com`, 'Renamed', 1, 'user']);
      }
    });
    const run = await w.check();
    expect(run.state, JSON.stringify(run.error)).toBe('succeeded');
    const rows = await w.syncRows();
    expect(rows).toHaveLength(many);
    expect(new Set(rows.map((r) => r.local?.id)).size).toBe(many);
    expect(run.result).toMatchObject({ inSync: many - 2, inconsistent: 2, localOnly: 0, remoteOnly: 0 });
    expect(rows.filter((r) => r.local?.name === 'Renamed').map((r) => r.local?.id).sort()).toEqual([hexId(4999), hexId(6000)]);
  });

  it('a users table that fails between chunks while Supabase is listed fails the check, leaves no scratch file, keeps the published table', async () => {
    const before = await aPublishedCheck();
    // The listing is slow; the table goes away under the reader after chunk 1.
    w.emulator.fault(SUPABASE_ROUTES.list, { status: 200, passThrough: true, delayMs: 300, times: 3 });
    w.betweenChunks(async () => {
      await w.db.execute('ALTER TABLE users RENAME TO users_gone');
    });
    expect((await w.check()).state).toBe('failed');
    await expectAsBefore(before);
  });

  it('a listing that fails mid-way while the table is read fails the check, leaves no scratch file, keeps the published table', async () => {
    const before = await aPublishedCheck();
    w.emulator.fault(SUPABASE_ROUTES.list, { status: 200, passThrough: true, times: 2 });
    w.emulator.fault(SUPABASE_ROUTES.list, { status: 503 });
    expect((await w.check()).state).toBe('failed');
    await expectAsBefore(before);
  });

  it('a check cancelled between two chunks of the table ends cancelled, leaves no scratch file, keeps the published table', async () => {
    await w.create('CREATE TABLE users (id TEXT PRIMARY KEY, email TEXT NOT NULL, name TEXT, email_verified INTEGER NOT NULL DEFAULT 0, role TEXT NOT NULL DEFAULT \'user\')');
    await w.seedInSync(USERS, hexId);
    const first = await w.check();
    expect(first.state).toBe('succeeded');
    const published = await w.syncRows();
    let runId = 0;
    w.betweenChunks(async () => {
      await w.app.runs.cancel(runId);
      await new Promise((resolve) => setTimeout(resolve, 50));
    });
    ({ runId } = await w.app.runs.start('identity', { retryInitialDelayMs: 5, mode: 'check' }, 'manual'));
    const run = (await w.app.runs.waitFor(runId)) as Run;
    expect(run.state).toBe('cancelled');
    expect(w.scratchLeft()).toEqual([]);
    expect(await w.syncRows()).toEqual(published);
  });
});
