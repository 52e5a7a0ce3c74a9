import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import type { Run } from '../../core/api/models';
import type { AppDbAdapter } from '../../core/appdb/adapter';
import { openSqliteAppDb } from '../../core/appdb/sqlite.adapter';
import { LocalUsers } from '../../core/engines/identity/identity-local';
import type { IdentityRecord, SyncRow } from '../../core/engines/identity/identity-model';
import { readSnapshotRows, SNAPSHOT_META_KEY, type SnapshotMeta } from '../../core/engines/identity/identity-snapshot';
import { startSupabaseEmulator, SUPABASE_ROUTES, type SupabaseEmulator } from '../emulators/supabase/supabase.emulator';
import { IDENTITY_KEYS } from '../helpers/identity-world';
import { makeTempDir } from '../helpers/temp-dir';
import { createTestApp, type TestApp } from '../helpers/test-app';

/*
 * Outside attack on 243be07 (the users table read in storage order, concurrently with the listing), kept after
 * its fix: the dedup of rows by id string merged different rows (ids past 2^53, NULL ids, 7 and '7', invalid
 * UTF-8) and missed a row moved under an id in another case; the read now takes only the rows stored when it
 * began (each at most once) and nothing is deduplicated. The table is read 2,000 rows a chunk; the hooks below
 * change it between two chunks, as another process of the product would.
 */

const dir = makeTempDir();
afterAll(() => dir.remove());
let fileNo = 0;

/** A UUID with hex letters in it (so that its case can change). */
const hexId = (n: number) => `abcdef00-0000-4000-8000-${String(n).padStart(12, '0')}`;
const USERS = 4500; // three chunks of the users table

let app: TestApp;
let db: AppDbAdapter;
let emulator: SupabaseEmulator;
let path: string;

async function world(ddl: string): Promise<void> {
  path = join(dir.path, `product-${++fileNo}.db`);
  db = openSqliteAppDb({ path, create: true });
  await db.execute(ddl);
  emulator = await startSupabaseEmulator({ ...IDENTITY_KEYS, users: [] });
  app = await createTestApp();
  await app.connections.create({ kind: 'appdb', name: 'Product', config: { driver: 'sqlite', path }, secrets: {} } as never);
  await app.connections.create({ kind: 'supabase', name: 'Supabase', config: { url: emulator.url }, secrets: { serviceRoleKey: IDENTITY_KEYS.serviceRoleKey } });
}

async function seedInSync(count: number, idOf: (n: number) => string): Promise<void> {
  const rows: unknown[][] = [];
  for (let n = 1; n <= count; n++) {
    emulator.addUser({ id: idOf(n).toLowerCase(), email: `u${n}@example.com`, user_metadata: { full_name: 'U' }, app_metadata: { role: 'user' }, email_confirmed_at: '2026-01-01T00:00:00.000Z' });
    rows.push([idOf(n), `u${n}@example.com`, 'U', 1, 'user']);
  }
  await db.executeMany('INSERT INTO users (id, email, name, email_verified, role) VALUES (?, ?, ?, ?, ?)', rows as never);
}

/** Runs `between` once the check has taken its first chunk of the users table and before it asks for the next. */
function betweenChunks(between: () => Promise<void>, after = 1): void {
  const original = LocalUsers.prototype.stream;
  vi.spyOn(LocalUsers.prototype, 'stream').mockImplementation(async function* (this: LocalUsers, chunkSize?: number): AsyncGenerator<IdentityRecord[]> {
    let taken = 0;
    for await (const chunk of original.call(this, chunkSize)) {
      yield chunk;
      if (++taken === after) await between();
    }
  });
}

async function check(params: Record<string, unknown> = {}): Promise<Run> {
  return (await app.runs.waitFor((await app.runs.start('identity', { retryInitialDelayMs: 5, mode: 'check', ...params }, 'manual')).runId)) as Run;
}

async function syncRows(): Promise<SyncRow[]> {
  const meta = await app.store.engineState.get<SnapshotMeta>('identity', SNAPSHOT_META_KEY);
  if (!meta) return [];
  const state = {
    get: <T>(key: string) => app.store.engineState.get<T>('identity', key),
    set: async () => undefined,
    delete: async () => undefined,
  };
  return readSnapshotRows(state as never, meta);
}

const mine = () =>
  readdirSync(tmpdir()).filter((name) => {
    const owner = join(tmpdir(), name, 'owner');
    return name.startsWith('syncwarden-identity-') && existsSync(owner) && readFileSync(owner, 'utf8') === String(process.pid);
  });

afterEach(async () => {
  vi.restoreAllMocks();
  await app?.dispose();
  await emulator?.close();
  await db?.close();
});

describe('storage-order read under concurrent writes (attack on 243be07)', () => {
  it('a row REPLACEd with the same id between chunks, after the read passed it, is read once, as it was', async () => {
    await world('CREATE TABLE users (id TEXT PRIMARY KEY, email TEXT NOT NULL, name TEXT, email_verified INTEGER NOT NULL DEFAULT 0, role TEXT NOT NULL DEFAULT \'user\')');
    await seedInSync(USERS, hexId);
    betweenChunks(async () => {
      // Row 10 was read in chunk 1; REPLACE gives it a new rowid at the end of the table: chunk 3 reads it again.
      await db.execute('REPLACE INTO users (id, email, name, email_verified, role) VALUES (?, ?, ?, ?, ?)', [hexId(10), 'u10@example.com', 'Renamed', 1, 'user']);
    });
    const run = await check();
    expect(run.state, JSON.stringify(run.error)).toBe('succeeded');
    const rows = await syncRows();
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
    await world('CREATE TABLE users (id TEXT PRIMARY KEY COLLATE NOCASE, email TEXT NOT NULL, name TEXT, email_verified INTEGER NOT NULL DEFAULT 0, role TEXT NOT NULL DEFAULT \'user\')');
    await seedInSync(USERS, hexId);
    betweenChunks(async () => {
      await db.execute('REPLACE INTO users (id, email, name, email_verified, role) VALUES (?, ?, ?, ?, ?)', [hexId(10).toUpperCase(), 'u10@example.com', 'U', 1, 'user']);
      expect(await db.query('SELECT count(*) AS n FROM users')).toEqual([{ n: USERS }]);
    });
    const run = await check();
    expect(run.state, JSON.stringify(run.error)).toBe('succeeded');
    const rows = await syncRows();
    const onUser10 = rows.filter((r) => r.remote?.id === hexId(10) || r.local?.id.toLowerCase() === hexId(10));
    // The table holds one row for user 10 and Supabase one user: one row of the sync table.
    const described = onUser10.map((r) => `${r.status}/${r.matchedBy} local=${r.local?.id} remote=${r.remote?.id}`);
    expect(described, described.join('; ')).toHaveLength(1);
    expect(rows).toHaveLength(USERS);
    expect(run.result).toMatchObject({ inSync: USERS });
  });

  it('off the event-loop thread (past 10,000 rows): rows REPLACEd before and after the read reached them are each counted and classified once', async () => {
    await world('CREATE TABLE users (id TEXT PRIMARY KEY, email TEXT NOT NULL, name TEXT, email_verified INTEGER NOT NULL DEFAULT 0, role TEXT NOT NULL DEFAULT \'user\')');
    const many = 6500;
    await seedInSync(many, hexId);
    betweenChunks(async () => {
      // Three rows the read has passed and two it has not reached: those move past its end, are not read, and
      // come back through the re-read of Supabase users left without a row (by id), as they are now.
      for (const n of [1, 2, 3, 4999, 6000]) {
        await db.execute('REPLACE INTO users (id, email, name, email_verified, role) VALUES (?, ?, ?, ?, ?)', [hexId(n), `u${n}@example.com`, 'Renamed', 1, 'user']);
      }
    });
    const run = await check();
    expect(run.state, JSON.stringify(run.error)).toBe('succeeded');
    const rows = await syncRows();
    expect(rows).toHaveLength(many);
    expect(new Set(rows.map((r) => r.local?.id)).size).toBe(many);
    expect(run.result).toMatchObject({ inSync: many - 2, inconsistent: 2, localOnly: 0, remoteOnly: 0 });
    expect(rows.filter((r) => r.local?.name === 'Renamed').map((r) => r.local?.id).sort()).toEqual([hexId(4999), hexId(6000)]);
  });

  it('a users table that fails between chunks while Supabase is listed fails the check, leaves no scratch file, keeps the published table', async () => {
    await world('CREATE TABLE users (id TEXT PRIMARY KEY, email TEXT NOT NULL, name TEXT, email_verified INTEGER NOT NULL DEFAULT 0, role TEXT NOT NULL DEFAULT \'user\')');
    await seedInSync(USERS, hexId);
    emulator.addUser({ id: hexId(9999), email: 'only-remote@example.com', email_confirmed_at: '2026-01-01T00:00:00.000Z' });
    const first = await check();
    expect(first.state).toBe('succeeded');
    const published = await syncRows();
    const findings = await app.store.findings.open('identity');
    // The listing is slow; the table goes away under the reader after chunk 1.
    emulator.fault(SUPABASE_ROUTES.list, { status: 200, passThrough: true, delayMs: 300, times: 3 });
    betweenChunks(async () => {
      await db.execute('ALTER TABLE users RENAME TO users_gone');
    });
    const second = await check();
    expect(second.state).toBe('failed');
    expect(mine()).toEqual([]);
    expect(await syncRows()).toEqual(published);
    expect(await app.store.findings.open('identity')).toEqual(findings);
  });

  it('a listing that fails mid-way while the table is read fails the check, leaves no scratch file, keeps the published table', async () => {
    await world('CREATE TABLE users (id TEXT PRIMARY KEY, email TEXT NOT NULL, name TEXT, email_verified INTEGER NOT NULL DEFAULT 0, role TEXT NOT NULL DEFAULT \'user\')');
    await seedInSync(USERS, hexId);
    emulator.addUser({ id: hexId(9999), email: 'only-remote@example.com', email_confirmed_at: '2026-01-01T00:00:00.000Z' });
    const first = await check();
    expect(first.state).toBe('succeeded');
    const published = await syncRows();
    const findings = await app.store.findings.open('identity');
    emulator.fault(SUPABASE_ROUTES.list, { status: 200, passThrough: true, times: 2 });
    emulator.fault(SUPABASE_ROUTES.list, { status: 503 });
    const second = await check();
    expect(second.state).toBe('failed');
    expect(mine()).toEqual([]);
    expect(await syncRows()).toEqual(published);
    expect(await app.store.findings.open('identity')).toEqual(findings);
  });

  it('a check cancelled between two chunks of the table ends cancelled, leaves no scratch file, keeps the published table', async () => {
    await world('CREATE TABLE users (id TEXT PRIMARY KEY, email TEXT NOT NULL, name TEXT, email_verified INTEGER NOT NULL DEFAULT 0, role TEXT NOT NULL DEFAULT \'user\')');
    await seedInSync(USERS, hexId);
    const first = await check();
    expect(first.state).toBe('succeeded');
    const published = await syncRows();
    let runId = 0;
    betweenChunks(async () => {
      await app.runs.cancel(runId);
      await new Promise((resolve) => setTimeout(resolve, 50));
    });
    ({ runId } = await app.runs.start('identity', { retryInitialDelayMs: 5, mode: 'check' }, 'manual'));
    const run = (await app.runs.waitFor(runId)) as Run;
    expect(run.state).toBe('cancelled');
    expect(mine()).toEqual([]);
    expect(await syncRows()).toEqual(published);
  });
});

describe('hostile users-table shapes read in storage order (attack on 243be07)', () => {
  it('two rows with a NULL id (a legacy TEXT PRIMARY KEY without NOT NULL) are both reported, not folded into one', async () => {
    // SQLite lets a non-INTEGER PRIMARY KEY of a rowid table hold NULLs. Both rows are users of the product
    // (different emails) without a Supabase user; in key order (the code before) both were read.
    await world('CREATE TABLE users (id TEXT PRIMARY KEY, email TEXT, name TEXT, email_verified INTEGER NOT NULL DEFAULT 0, role TEXT NOT NULL DEFAULT \'user\')');
    await seedInSync(10, hexId);
    await db.execute("INSERT INTO users (id, email, name, email_verified, role) VALUES (NULL, 'a-null@example.com', 'A', 1, 'user')");
    await db.execute("INSERT INTO users (id, email, name, email_verified, role) VALUES (NULL, 'b-null@example.com', 'B', 1, 'user')");
    const run = await check();
    expect(run.state, JSON.stringify(run.error)).toBe('succeeded');
    const localOnly = (await syncRows()).filter((r) => r.status === 'local-only').map((r) => r.local?.email).sort();
    expect(localOnly).toEqual(['a-null@example.com', 'b-null@example.com']);
  });

  it('a NULL-id row whose Supabase user pairs by email is not proposed for a ban when another NULL-id row exists', async () => {
    // Both rows exist and both have their Supabase user (same email, Supabase's own id): nothing is out of sync.
    await world('CREATE TABLE users (id TEXT PRIMARY KEY, email TEXT, name TEXT, email_verified INTEGER NOT NULL DEFAULT 0, role TEXT NOT NULL DEFAULT \'user\')');
    await seedInSync(10, hexId);
    for (const [n, who] of [[9001, 'a-null'], [9002, 'b-null']] as const) {
      await db.execute("INSERT INTO users (id, email, name, email_verified, role) VALUES (NULL, ?, 'U', 1, 'user')", [`${who}@example.com`]);
      emulator.addUser({ id: hexId(n), email: `${who}@example.com`, user_metadata: { full_name: 'U' }, app_metadata: { role: 'user' }, email_confirmed_at: '2026-01-01T00:00:00.000Z' });
    }
    const run = await check({ sourceOfTruth: 'appdb', remoteOnly: 'ban' });
    expect(run.state, JSON.stringify(run.error)).toBe('succeeded');
    const open = (await app.store.findings.open('identity')).map((f) => `${f.kind} ${f.subject} ${f.proposedAction}`);
    expect(open.filter((f) => /ban/i.test(f))).toEqual([]);
    expect(run.result).toMatchObject({ remoteOnly: 0 });
  });

  it('repairing after that check does not ban a NULL-id row\'s Supabase user (the re-read before a ban)', async () => {
    await world('CREATE TABLE users (id TEXT PRIMARY KEY, email TEXT, name TEXT, email_verified INTEGER NOT NULL DEFAULT 0, role TEXT NOT NULL DEFAULT \'user\')');
    await seedInSync(10, hexId);
    for (const [n, who] of [[9001, 'a-null'], [9002, 'b-null']] as const) {
      await db.execute("INSERT INTO users (id, email, name, email_verified, role) VALUES (NULL, ?, 'U', 1, 'user')", [`${who}@example.com`]);
      emulator.addUser({ id: hexId(n), email: `${who}@example.com`, user_metadata: { full_name: 'U' }, app_metadata: { role: 'user' }, email_confirmed_at: '2026-01-01T00:00:00.000Z' });
    }
    const checked = await check({ sourceOfTruth: 'appdb', remoteOnly: 'ban' });
    expect(checked.state).toBe('succeeded');
    const repair = await check({ mode: 'repair', all: true, confirmDeletes: 5, confirmDestructive: true, sourceOfTruth: 'appdb', remoteOnly: 'ban' });
    const banned = [9001, 9002].map((n) => emulator.getUser(hexId(n))).filter((u) => u && (u as { banned_until?: unknown }).banned_until);
    expect(banned, JSON.stringify(repair.result)).toEqual([]);
    expect(repair.state, JSON.stringify(repair.error)).not.toBe("failed");
    // Observed: the false ban finding is selected and turned manual by the re-read before the ban (held at repair time).
    expect(repair.result).toMatchObject({ repaired: 0, actions: {} });
  });

  it('an untyped id column holding 7 and \'7\' (two rows) reports both rows', async () => {
    await world('CREATE TABLE users (id PRIMARY KEY, email TEXT, name TEXT, email_verified INTEGER NOT NULL DEFAULT 0, role TEXT NOT NULL DEFAULT \'user\')');
    await seedInSync(10, hexId);
    await db.execute("INSERT INTO users (id, email, name, email_verified, role) VALUES (7, 'int@example.com', 'I', 1, 'user')");
    await db.execute("INSERT INTO users (id, email, name, email_verified, role) VALUES ('7', 'text@example.com', 'T', 1, 'user')");
    expect(await db.query('SELECT count(*) AS n FROM users')).toEqual([{ n: 12 }]);
    const run = await check();
    expect(run.state, JSON.stringify(run.error)).toBe('succeeded');
    const localOnly = (await syncRows()).filter((r) => r.status === 'local-only').map((r) => r.local?.email).sort();
    expect(localOnly).toEqual(['int@example.com', 'text@example.com']);
  });

  it('two ids that are different invalid UTF-8 byte strings are both reported', async () => {
    // SQLite TEXT may hold any bytes; the driver decodes both to U+FFFD, so a dedup by id string (before the fix) folded them.
    await world('CREATE TABLE users (id TEXT PRIMARY KEY, email TEXT, name TEXT, email_verified INTEGER NOT NULL DEFAULT 0, role TEXT NOT NULL DEFAULT \'user\')');
    await seedInSync(10, hexId);
    await db.execute("INSERT INTO users (id, email, name, email_verified, role) VALUES (CAST(x'ff' AS TEXT), 'ff@example.com', 'F', 1, 'user')");
    await db.execute("INSERT INTO users (id, email, name, email_verified, role) VALUES (CAST(x'fe' AS TEXT), 'fe@example.com', 'E', 1, 'user')");
    expect(await db.query('SELECT count(*) AS n FROM users')).toEqual([{ n: 12 }]);
    const run = await check();
    expect(run.state, JSON.stringify(run.error)).toBe('succeeded');
    const localOnly = (await syncRows()).filter((r) => r.status === 'local-only').map((r) => r.local?.email).sort();
    expect(localOnly).toEqual(['fe@example.com', 'ff@example.com']);
  });

  it('a view over two tenants whose ids collide reports both rows (key-order fallback; before the fix the dedup by exact id dropped one)', async () => {
    await world('CREATE TABLE t1 (id TEXT PRIMARY KEY, email TEXT, name TEXT, email_verified INTEGER NOT NULL DEFAULT 0, role TEXT NOT NULL DEFAULT \'user\')');
    await db.execute("CREATE TABLE t2 (id TEXT PRIMARY KEY, email TEXT, name TEXT, email_verified INTEGER NOT NULL DEFAULT 0, role TEXT NOT NULL DEFAULT 'user')");
    await db.execute('CREATE VIEW users AS SELECT * FROM t1 UNION ALL SELECT * FROM t2');
    await db.execute("INSERT INTO t1 VALUES ('shared', 'one@example.com', 'One', 1, 'user')");
    await db.execute("INSERT INTO t2 VALUES ('shared', 'two@example.com', 'Two', 1, 'user')");
    const run = await check();
    expect(run.state, JSON.stringify(run.error)).toBe('succeeded');
    const localOnly = (await syncRows()).filter((r) => r.status === 'local-only').map((r) => r.local?.email).sort();
    expect(localOnly).toEqual(['one@example.com', 'two@example.com']);
  });

  it.each([
    ['WITHOUT ROWID', 'CREATE TABLE users (id TEXT PRIMARY KEY, email TEXT, name TEXT, email_verified INTEGER NOT NULL DEFAULT 0, role TEXT NOT NULL DEFAULT \'user\') WITHOUT ROWID'],
    ['all three rowid names taken', 'CREATE TABLE users (id TEXT PRIMARY KEY, email TEXT, name TEXT, email_verified INTEGER NOT NULL DEFAULT 0, role TEXT NOT NULL DEFAULT \'user\', "RowId" TEXT, _ROWID_ TEXT, Oid INTEGER)'],
    ['STRICT', 'CREATE TABLE users (id TEXT PRIMARY KEY, email TEXT, name TEXT, email_verified INTEGER NOT NULL DEFAULT 0, role TEXT NOT NULL DEFAULT \'user\') STRICT'],
  ])('%s: every row read once, one REPLACEd between chunks included', async (_name, ddl) => {
    await world(ddl);
    await seedInSync(USERS, hexId);
    betweenChunks(async () => {
      await db.execute('REPLACE INTO users (id, email, name, email_verified, role) VALUES (?, ?, ?, ?, ?)', [hexId(10), 'u10@example.com', 'U', 1, 'user']);
      await db.execute('REPLACE INTO users (id, email, name, email_verified, role) VALUES (?, ?, ?, ?, ?)', [hexId(4000), 'u4000@example.com', 'U', 1, 'user']);
    });
    const run = await check();
    expect(run.state, JSON.stringify(run.error)).toBe('succeeded');
    const rows = await syncRows();
    expect(rows).toHaveLength(USERS);
    expect(run.result).toMatchObject({ inSync: USERS, localOnly: 0, remoteOnly: 0 });
  });

  it('INTEGER PRIMARY KEY ids (negative and huge) paired by email: every user in sync once', async () => {
    await world('CREATE TABLE users (id INTEGER PRIMARY KEY, email TEXT, name TEXT, email_verified INTEGER NOT NULL DEFAULT 0, role TEXT NOT NULL DEFAULT \'user\')');
    const rows: unknown[][] = [];
    for (let n = 1; n <= USERS; n++) {
      emulator.addUser({ id: hexId(n), email: `u${n}@example.com`, user_metadata: { full_name: 'U' }, app_metadata: { role: 'user' }, email_confirmed_at: '2026-01-01T00:00:00.000Z' });
      rows.push([n % 3 === 0 ? `-${n}` : n % 3 === 1 ? `${9223372036854775807n - BigInt(n)}` : `${n}`, `u${n}@example.com`]);
    }
    await db.executeMany("INSERT INTO users (id, email, name, email_verified, role) VALUES (CAST(? AS INTEGER), ?, 'U', 1, 'user')", rows as never);
    const run = await check({ sourceOfTruth: 'appdb', remoteOnly: 'ban' });
    expect(run.state, JSON.stringify(run.error)).toBe('succeeded');
    const all = await syncRows();
    expect(all).toHaveLength(USERS);
    expect(all.filter((r) => r.status !== 'local-only' && r.status !== 'remote-only')).toHaveLength(USERS);
    // Every Supabase user is paired once. (The ids past 2^53 come back rounded from the driver, so their strings
    // collide: a known limit of reading integer ids as JavaScript numbers, not of the read order.)
    expect(new Set(all.map((r) => r.remote?.id)).size).toBe(USERS);
  });

  it('ten INTEGER PRIMARY KEY ids near 2^63 (one chunk), paired by email: none proposed for a ban', async () => {
    // The ids are past what a JavaScript number holds exactly: the driver rounds them all to 9223372036854775808.
    // In key order (before) the ten rows came in one chunk and were all classified; the dedup by exact id
    // (String of the rounded number) now keeps one and the other nine Supabase users become Supabase-only.
    await world('CREATE TABLE users (id INTEGER PRIMARY KEY, email TEXT, name TEXT, email_verified INTEGER NOT NULL DEFAULT 0, role TEXT NOT NULL DEFAULT \'user\')');
    for (let n = 1; n <= 10; n++) {
      emulator.addUser({ id: hexId(n), email: `u${n}@example.com`, user_metadata: { full_name: 'U' }, app_metadata: { role: 'user' }, email_confirmed_at: '2026-01-01T00:00:00.000Z' });
      await db.execute("INSERT INTO users (id, email, name, email_verified, role) VALUES (CAST(? AS INTEGER), ?, 'U', 1, 'user')", [`${9223372036854775807n - BigInt(n)}`, `u${n}@example.com`]);
    }
    const run = await check({ sourceOfTruth: 'appdb', remoteOnly: 'ban' });
    expect(run.state, JSON.stringify(run.error)).toBe('succeeded');
    const bans = (await app.store.findings.open('identity')).filter((f) => f.kind === 'remote-only').map((f) => `${f.subject} ${f.proposedAction}`);
    expect(bans).toEqual([]);
    expect((await syncRows()).filter((r) => r.local !== null)).toHaveLength(10);
  });

  it('snowflake INTEGER PRIMARY KEY ids (64-bit, minted in the same millisecond), paired by email: none proposed for a ban', async () => {
    // Snowflake-style ids (timestamp << 22 | worker << 12 | sequence) are ~1.2e18, past 2^53: consecutive ones
    // round to the same JavaScript number. Before, the ten rows (one chunk) were all classified.
    await world('CREATE TABLE users (id INTEGER PRIMARY KEY, email TEXT, name TEXT, email_verified INTEGER NOT NULL DEFAULT 0, role TEXT NOT NULL DEFAULT \'user\')');
    const base = (1_700_000_000_000n - 1_288_834_974_657n) << 22n;
    for (let n = 1; n <= 10; n++) {
      emulator.addUser({ id: hexId(n), email: `s${n}@example.com`, user_metadata: { full_name: 'U' }, app_metadata: { role: 'user' }, email_confirmed_at: '2026-01-01T00:00:00.000Z' });
      await db.execute("INSERT INTO users (id, email, name, email_verified, role) VALUES (CAST(? AS INTEGER), ?, 'U', 1, 'user')", [`${base + BigInt(n)}`, `s${n}@example.com`]);
    }
    const run = await check({ sourceOfTruth: 'appdb', remoteOnly: 'ban' });
    expect(run.state, JSON.stringify(run.error)).toBe('succeeded');
    const bans = (await app.store.findings.open('identity')).filter((f) => f.kind === 'remote-only').map((f) => `${f.subject} ${f.proposedAction}`);
    expect(bans).toEqual([]);
    expect((await syncRows()).filter((r) => r.local !== null)).toHaveLength(10);
  });

  it('repairing after the snowflake check bans none of those users (the re-read before a ban)', async () => {
    await world('CREATE TABLE users (id INTEGER PRIMARY KEY, email TEXT, name TEXT, email_verified INTEGER NOT NULL DEFAULT 0, role TEXT NOT NULL DEFAULT \'user\')');
    const base = (1_700_000_000_000n - 1_288_834_974_657n) << 22n;
    for (let n = 1; n <= 10; n++) {
      emulator.addUser({ id: hexId(n), email: `s${n}@example.com`, user_metadata: { full_name: 'U' }, app_metadata: { role: 'user' }, email_confirmed_at: '2026-01-01T00:00:00.000Z' });
      await db.execute("INSERT INTO users (id, email, name, email_verified, role) VALUES (CAST(? AS INTEGER), ?, 'U', 1, 'user')", [`${base + BigInt(n)}`, `s${n}@example.com`]);
    }
    expect((await check({ sourceOfTruth: 'appdb', remoteOnly: 'ban' })).state).toBe('succeeded');
    const repair = await check({ mode: 'repair', all: true, confirmDeletes: 9, confirmDestructive: true, sourceOfTruth: 'appdb', remoteOnly: 'ban' });
    const banned = Array.from({ length: 10 }, (_, i) => emulator.getUser(hexId(i + 1))).filter((u) => u && (u as { banned_until?: unknown }).banned_until);
    expect(banned, JSON.stringify(repair.result)).toEqual([]);
    expect(repair.result, `${repair.state} ${JSON.stringify(repair.error)}`).toMatchObject({ repaired: 0 });
  });

  it('columns named rowid, _rowid_ and oid, negative and huge rowids: every row read once', async () => {
    await world('CREATE TABLE users (id TEXT PRIMARY KEY, email TEXT, name TEXT, email_verified INTEGER NOT NULL DEFAULT 0, role TEXT NOT NULL DEFAULT \'user\', rowid TEXT, _rowid_ TEXT)');
    await seedInSync(10, hexId);
    // oid is the free name; rowids at both ends of the 64-bit range and across the chunk boundary.
    const rows: unknown[][] = [];
    for (let n = 0; n < 4100; n++) rows.push([n % 2 ? `-${n}` : `${9223372036854775807n - BigInt(n)}`, `lo-${n}`, `lo${n}@example.com`]);
    await db.executeMany('INSERT INTO users (oid, id, email) VALUES (CAST(? AS INTEGER), ?, ?)', rows as never);
    const run = await check();
    expect(run.state, JSON.stringify(run.error)).toBe('succeeded');
    const all = await syncRows();
    expect(all).toHaveLength(4110);
    expect(new Set(all.map((r) => r.local?.id)).size).toBe(4110);
  });
});
