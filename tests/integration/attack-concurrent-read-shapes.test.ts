import { describe, expect, it } from 'vitest';
import { hexId, usersTable, useConcurrentReadWorld, USERS } from '../helpers/concurrent-read-world';
import { confirmedAll } from '../helpers/identity-world';

/*
 * Outside attack on 243be07, kept after its fix: a dedup of rows by id string merged different rows of the
 * users table (ids past 2^53, NULL ids, 7 and '7', invalid UTF-8, a view's rows on the key-order fallback), and
 * the Supabase users of the dropped rows were proposed for a ban. Nothing is deduplicated now; the read gives
 * each stored row once (streamStored). Rowid names taken, WITHOUT ROWID and STRICT tables, extreme rowids.
 */

const w = useConcurrentReadWorld();

/** A table keyed by INTEGER PRIMARY KEY holding ten ids of `idOf(n)` (as text, exact), each with its Supabase user by email. */
async function tenIntegerIds(idOf: (n: number) => bigint): Promise<void> {
  await w.create(usersTable('id INTEGER PRIMARY KEY'));
  for (let n = 1; n <= 10; n++) {
    w.addSupabaseUser(n, `s${n}@example.com`);
    await w.db.execute("INSERT INTO users (id, email, name, email_verified, role) VALUES (CAST(? AS INTEGER), ?, 'U', 1, 'user')", [`${idOf(n)}`, `s${n}@example.com`]);
  }
}
/** Ten rows in sync, and two rows with a NULL id, each with its Supabase user (users 9001, 9002) by email. */
async function twoNullIdRowsWithTheirUsers(): Promise<void> {
  await w.create(usersTable());
  await w.seedInSync(10, hexId);
  for (const [n, who] of [[9001, 'a-null'], [9002, 'b-null']] as const) {
    await w.db.execute("INSERT INTO users (id, email, name, email_verified, role) VALUES (NULL, ?, 'U', 1, 'user')", [`${who}@example.com`]);
    w.addSupabaseUser(n, `${who}@example.com`);
  }
}
/** Snowflake-style ids (timestamp << 22 | worker << 12 | sequence), about 1.2e18: minted in one millisecond, they round to one JavaScript number. */
const snowflake = (n: number) => ((1_700_000_000_000n - 1_288_834_974_657n) << 22n) + BigInt(n);

describe('hostile users-table shapes read in storage order (attack on 243be07)', () => {
  // Two rows of the table whose ids read back as one string, neither with a Supabase user: both are reported.
  it.each([
    // SQLite lets a non-INTEGER PRIMARY KEY of a rowid table hold NULLs (a legacy TEXT PRIMARY KEY without NOT NULL).
    ['two NULL ids', usersTable(), 'NULL', 'NULL'],
    ['7 and \'7\' in an untyped id column', usersTable('id PRIMARY KEY'), '7', "'7'"],
    // SQLite TEXT may hold any bytes; the driver decodes both to U+FFFD.
    ['two different invalid UTF-8 ids', usersTable(), "CAST(x'ff' AS TEXT)", "CAST(x'fe' AS TEXT)"],
  ])('%s: both rows are reported', async (_name, ddl, first, second) => {
    await w.create(ddl);
    await w.seedInSync(10, hexId);
    await w.db.execute(`INSERT INTO users (id, email, name, email_verified, role) VALUES (${first}, 'a@example.com', 'A', 1, 'user')`);
    await w.db.execute(`INSERT INTO users (id, email, name, email_verified, role) VALUES (${second}, 'b@example.com', 'B', 1, 'user')`);
    expect(await w.db.query('SELECT count(*) AS n FROM users')).toEqual([{ n: 12 }]);
    const run = await w.check();
    expect(run.state, JSON.stringify(run.error)).toBe('succeeded');
    const localOnly = (await w.syncRows()).filter((r) => r.status === 'local-only').map((r) => r.local?.email).sort();
    expect(localOnly).toEqual(['a@example.com', 'b@example.com']);
  });

  it('a NULL-id row whose Supabase user pairs by email is not proposed for a ban when another NULL-id row exists', async () => {
    // Both rows exist and both have their Supabase user (same email, Supabase's own id): nothing is out of sync.
    await twoNullIdRowsWithTheirUsers();
    const run = await w.check({ sourceOfTruth: 'appdb', remoteOnly: 'ban' });
    expect(run.state, JSON.stringify(run.error)).toBe('succeeded');
    const open = (await w.app.store.findings.open('identity')).map((f) => `${f.kind} ${f.subject} ${f.proposedAction}`);
    expect(open.filter((f) => /ban/i.test(f))).toEqual([]);
    expect(run.result).toMatchObject({ remoteOnly: 0 });
  });

  it('repairing after that check does not ban a NULL-id row\'s Supabase user (the re-read before a ban)', async () => {
    await twoNullIdRowsWithTheirUsers();
    const checked = await w.check({ sourceOfTruth: 'appdb', remoteOnly: 'ban' });
    expect(checked.state).toBe('succeeded');
    const repair = await w.check(await confirmedAll(w.app, { mode: 'repair', all: true, confirmDeletes: 5, sourceOfTruth: 'appdb', remoteOnly: 'ban'  }));
    const banned = [9001, 9002].map((n) => w.emulator.getUser(hexId(n))).filter((u) => u && (u as { banned_until?: unknown }).banned_until);
    expect(banned, JSON.stringify(repair.result)).toEqual([]);
    expect(repair.state, JSON.stringify(repair.error)).not.toBe('failed');
    // Observed: the false ban finding is selected and turned manual by the re-read before the ban (held at repair time).
    expect(repair.result).toMatchObject({ repaired: 0, actions: {} });
  });

  it('a view over two tenants whose ids collide reports both rows (key-order fallback; before the fix the dedup by exact id dropped one)', async () => {
    await w.create('CREATE TABLE t1 (id TEXT PRIMARY KEY, email TEXT, name TEXT, email_verified INTEGER NOT NULL DEFAULT 0, role TEXT NOT NULL DEFAULT \'user\')');
    await w.db.execute("CREATE TABLE t2 (id TEXT PRIMARY KEY, email TEXT, name TEXT, email_verified INTEGER NOT NULL DEFAULT 0, role TEXT NOT NULL DEFAULT 'user')");
    await w.db.execute('CREATE VIEW users AS SELECT * FROM t1 UNION ALL SELECT * FROM t2');
    await w.db.execute("INSERT INTO t1 VALUES ('shared', 'one@example.com', 'One', 1, 'user')");
    await w.db.execute("INSERT INTO t2 VALUES ('shared', 'two@example.com', 'Two', 1, 'user')");
    const run = await w.check();
    expect(run.state, JSON.stringify(run.error)).toBe('succeeded');
    const localOnly = (await w.syncRows()).filter((r) => r.status === 'local-only').map((r) => r.local?.email).sort();
    expect(localOnly).toEqual(['one@example.com', 'two@example.com']);
  });

  it.each([
    ['WITHOUT ROWID', 'CREATE TABLE users (id TEXT PRIMARY KEY, email TEXT, name TEXT, email_verified INTEGER NOT NULL DEFAULT 0, role TEXT NOT NULL DEFAULT \'user\') WITHOUT ROWID'],
    ['all three rowid names taken', 'CREATE TABLE users (id TEXT PRIMARY KEY, email TEXT, name TEXT, email_verified INTEGER NOT NULL DEFAULT 0, role TEXT NOT NULL DEFAULT \'user\', "RowId" TEXT, _ROWID_ TEXT, Oid INTEGER)'],
    ['STRICT', 'CREATE TABLE users (id TEXT PRIMARY KEY, email TEXT, name TEXT, email_verified INTEGER NOT NULL DEFAULT 0, role TEXT NOT NULL DEFAULT \'user\') STRICT'],
  ])('%s: every row read once, one REPLACEd between chunks included', async (_name, ddl) => {
    await w.create(ddl);
    await w.seedInSync(USERS, hexId);
    w.betweenChunks(async () => {
      await w.db.execute('REPLACE INTO users (id, email, name, email_verified, role) VALUES (?, ?, ?, ?, ?)', [hexId(10), 'u10@example.com', 'U', 1, 'user']);
      await w.db.execute('REPLACE INTO users (id, email, name, email_verified, role) VALUES (?, ?, ?, ?, ?)', [hexId(4000), 'u4000@example.com', 'U', 1, 'user']);
    });
    const run = await w.check();
    expect(run.state, JSON.stringify(run.error)).toBe('succeeded');
    const rows = await w.syncRows();
    expect(rows).toHaveLength(USERS);
    expect(run.result).toMatchObject({ inSync: USERS, localOnly: 0, remoteOnly: 0 });
  });

  it('INTEGER PRIMARY KEY ids (negative and huge) paired by email: every user in sync once', async () => {
    await w.create('CREATE TABLE users (id INTEGER PRIMARY KEY, email TEXT, name TEXT, email_verified INTEGER NOT NULL DEFAULT 0, role TEXT NOT NULL DEFAULT \'user\')');
    const rows: unknown[][] = [];
    for (let n = 1; n <= USERS; n++) {
      w.emulator.addUser({ id: hexId(n), email: `u${n}@example.com`, user_metadata: { full_name: 'U' }, app_metadata: { role: 'user' }, email_confirmed_at: '2026-01-01T00:00:00.000Z' });
      rows.push([n % 3 === 0 ? `-${n}` : n % 3 === 1 ? `${9223372036854775807n - BigInt(n)}` : `${n}`, `u${n}@example.com`]);
    }
    await w.db.executeMany("INSERT INTO users (id, email, name, email_verified, role) VALUES (CAST(? AS INTEGER), ?, 'U', 1, 'user')", rows as never);
    const run = await w.check({ sourceOfTruth: 'appdb', remoteOnly: 'ban' });
    expect(run.state, JSON.stringify(run.error)).toBe('succeeded');
    const all = await w.syncRows();
    expect(all).toHaveLength(USERS);
    expect(all.filter((r) => r.status !== 'local-only' && r.status !== 'remote-only')).toHaveLength(USERS);
    // Every Supabase user is paired once, and every row keeps its own id (the ids past 2^53 read exactly).
    expect(new Set(all.map((r) => r.remote?.id)).size).toBe(USERS);
    expect(all.map((r) => r.local?.id).sort()).toEqual(rows.map((r) => String(r[0])).sort());
  });

  it.each([
    // The driver rounds them all to 9223372036854775808; a dedup by id string (before the fix) kept one row.
    ['ten ids near 2^63', (n: number) => 9223372036854775807n - BigInt(n)],
    // About 1.2e18, past 2^53: consecutive ones round to the same JavaScript number.
    ['ten snowflake ids minted in one millisecond', snowflake],
  ])('%s (INTEGER PRIMARY KEY, one chunk), paired by email: none proposed for a ban', async (_name, idOf) => {
    await tenIntegerIds(idOf);
    const run = await w.check({ sourceOfTruth: 'appdb', remoteOnly: 'ban' });
    expect(run.state, JSON.stringify(run.error)).toBe('succeeded');
    const bans = (await w.app.store.findings.open('identity')).filter((f) => f.kind === 'remote-only').map((f) => `${f.subject} ${f.proposedAction}`);
    expect(bans).toEqual([]);
    expect((await w.syncRows()).filter((r) => r.local !== null)).toHaveLength(10);
  });

  it('repairing after the snowflake check bans none of those users (the re-read before a ban)', async () => {
    await tenIntegerIds(snowflake);
    expect((await w.check({ sourceOfTruth: 'appdb', remoteOnly: 'ban' })).state).toBe('succeeded');
    const repair = await w.check(await confirmedAll(w.app, { mode: 'repair', all: true, confirmDeletes: 9, sourceOfTruth: 'appdb', remoteOnly: 'ban'  }));
    const banned = Array.from({ length: 10 }, (_, i) => w.emulator.getUser(hexId(i + 1))).filter((u) => u && (u as { banned_until?: unknown }).banned_until);
    expect(banned, JSON.stringify(repair.result)).toEqual([]);
    expect(repair.result, `${repair.state} ${JSON.stringify(repair.error)}`).toMatchObject({ repaired: 0 });
  });

  it('a repair by id past 2^53 writes its own row and no neighbour (ten snowflake ids, names from Supabase)', async () => {
    await tenIntegerIds(snowflake);
    await w.db.execute("UPDATE users SET name = 'Stale ' || email");
    expect((await w.check({ sourceOfTruth: 'supabase' })).state).toBe('succeeded');
    const repair = await w.check({ mode: 'repair', all: true, sourceOfTruth: 'supabase' });
    expect(repair.state, JSON.stringify(repair.error)).toBe('succeeded');
    expect(repair.result).toMatchObject({ repaired: 10 });
    const after = await w.db.query<{ id: bigint; email: string; name: string }>('SELECT id, email, name FROM users');
    expect(after.map((r) => `${String(r.id)} ${r.email} ${r.name}`).sort()).toEqual(Array.from({ length: 10 }, (_, i) => `${snowflake(i + 1)} s${i + 1}@example.com U`).sort());
  });

  it('columns named rowid, _rowid_ and oid, negative and huge rowids: every row read once', async () => {
    await w.create('CREATE TABLE users (id TEXT PRIMARY KEY, email TEXT, name TEXT, email_verified INTEGER NOT NULL DEFAULT 0, role TEXT NOT NULL DEFAULT \'user\', rowid TEXT, _rowid_ TEXT)');
    await w.seedInSync(10, hexId);
    // oid is the free name; rowids at both ends of the 64-bit range and across the chunk boundary.
    const rows: unknown[][] = [];
    for (let n = 0; n < 4100; n++) rows.push([n % 2 ? `-${n}` : `${9223372036854775807n - BigInt(n)}`, `lo-${n}`, `lo${n}@example.com`]);
    await w.db.executeMany('INSERT INTO users (oid, id, email) VALUES (CAST(? AS INTEGER), ?, ?)', rows as never);
    const run = await w.check();
    expect(run.state, JSON.stringify(run.error)).toBe('succeeded');
    const all = await w.syncRows();
    expect(all).toHaveLength(4110);
    expect(new Set(all.map((r) => r.local?.id)).size).toBe(4110);
  });
});
