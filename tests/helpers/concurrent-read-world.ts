import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, vi } from 'vitest';
import type { Run } from '../../core/api/models';
import type { AppDbAdapter } from '../../core/appdb/adapter';
import { openSqliteAppDb } from '../../core/appdb/sqlite.adapter';
import { LocalUsers } from '../../core/engines/identity/identity-local';
import type { IdentityRecord, SyncRow } from '../../core/engines/identity/identity-model';
import { readSnapshotRows, SNAPSHOT_META_KEY, type SnapshotMeta } from '../../core/engines/identity/identity-snapshot';
import { startSupabaseEmulator, type SupabaseEmulator } from '../emulators/supabase/supabase.emulator';
import { addIdentityConnections, IDENTITY_KEYS } from './identity-world';
import { makeTempDir } from './temp-dir';
import { createTestApp, type TestApp } from './test-app';

/*
 * A product SQLite users table, a GoTrue emulator and a console, for attacks on the identity check's table read
 * (storage order, beside the listing): the table is read 2,000 rows a chunk, and betweenChunks changes it between
 * two chunks as another process of the product would. Each test builds its own world; hooks close it.
 */

/** A UUID with hex letters in it (so that its case can change). */
export const hexId = (n: number) => `abcdef00-0000-4000-8000-${String(n).padStart(12, '0')}`;
/** Three chunks of the users table. */
export const USERS = 4500;
/** The canonical users table; `id` as given (its type and constraints are what the attacks vary). */
export const usersTable = (id = 'id TEXT PRIMARY KEY', tail = '') =>
  `CREATE TABLE users (${id}, email TEXT, name TEXT, email_verified INTEGER NOT NULL DEFAULT 0, role TEXT NOT NULL DEFAULT 'user'${tail})`;

export interface ConcurrentReadWorld {
  readonly app: TestApp;
  readonly db: AppDbAdapter;
  readonly emulator: SupabaseEmulator;
  /** A new product database (its schema from `ddl`), an emulator without users and a console connected to both. */
  create(ddl: string): Promise<void>;
  /** Users 1..count on both sides, in sync (ids from idOf, lower-cased in Supabase). */
  seedInSync(count: number, idOf: (n: number) => string): Promise<void>;
  /** A Supabase user `u<n>@…` or `<email>` with Supabase's own id, in sync with a row of that email. */
  addSupabaseUser(n: number, email?: string): void;
  /** Runs `between` once the check has taken `after` chunks of the users table and before it asks for the next. */
  betweenChunks(between: () => Promise<void>, after?: number): void;
  check(params?: Record<string, unknown>): Promise<Run>;
  /** The published sync table, every row. */
  syncRows(): Promise<SyncRow[]>;
  /** This process's identity scratch directories left in TMPDIR. */
  scratchLeft(): string[];
}

export function useConcurrentReadWorld(): ConcurrentReadWorld {
  const dir = makeTempDir();
  afterAll(() => dir.remove());
  let fileNo = 0;
  let app: TestApp | undefined;
  let db: AppDbAdapter | undefined;
  let emulator: SupabaseEmulator | undefined;
  const need = <T>(value: T | undefined): T => {
    if (value === undefined) throw new Error('create() the world first');
    return value;
  };
  afterEach(async () => {
    vi.restoreAllMocks();
    await app?.dispose();
    await emulator?.close();
    await db?.close();
    app = db = emulator = undefined;
  });

  const world: ConcurrentReadWorld = {
    get app() {
      return need(app);
    },
    get db() {
      return need(db);
    },
    get emulator() {
      return need(emulator);
    },
    async create(ddl) {
      const path = join(dir.path, `product-${++fileNo}.db`);
      db = openSqliteAppDb({ path, create: true });
      await db.execute(ddl);
      emulator = await startSupabaseEmulator({ ...IDENTITY_KEYS, users: [] });
      app = await createTestApp();
      await addIdentityConnections(app, path, emulator.url);
    },
    async seedInSync(count, idOf) {
      const rows: unknown[][] = [];
      for (let n = 1; n <= count; n++) {
        need(emulator).addUser({ id: idOf(n).toLowerCase(), email: `u${n}@example.com`, user_metadata: { full_name: 'U' }, app_metadata: { role: 'user' }, email_confirmed_at: '2026-01-01T00:00:00.000Z' });
        rows.push([idOf(n), `u${n}@example.com`, 'U', 1, 'user']);
      }
      await need(db).executeMany('INSERT INTO users (id, email, name, email_verified, role) VALUES (?, ?, ?, ?, ?)', rows as never);
    },
    addSupabaseUser(n, email = `u${n}@example.com`) {
      need(emulator).addUser({ id: hexId(n), email, user_metadata: { full_name: 'U' }, app_metadata: { role: 'user' }, email_confirmed_at: '2026-01-01T00:00:00.000Z' });
    },
    betweenChunks(between, after = 1) {
      const original = LocalUsers.prototype.stream;
      vi.spyOn(LocalUsers.prototype, 'stream').mockImplementation(async function* (this: LocalUsers, chunkSize?: number): AsyncGenerator<IdentityRecord[]> {
        let taken = 0;
        for await (const chunk of original.call(this, chunkSize)) {
          yield chunk;
          if (++taken === after) await between();
        }
      });
    },
    async check(params = {}) {
      const console = need(app);
      return (await console.runs.waitFor((await console.runs.start('identity', { retryInitialDelayMs: 5, mode: 'check', ...params }, 'manual')).runId)) as Run;
    },
    async syncRows() {
      const store = need(app).store;
      const meta = await store.engineState.get<SnapshotMeta>('identity', SNAPSHOT_META_KEY);
      if (!meta) return [];
      const state = { get: <T>(key: string) => store.engineState.get<T>('identity', key), set: async () => undefined, delete: async () => undefined };
      return readSnapshotRows(state as never, meta);
    },
    scratchLeft() {
      return readdirSync(tmpdir()).filter((name) => {
        const owner = join(tmpdir(), name, 'owner');
        return name.startsWith('syncwarden-identity-') && existsSync(owner) && readFileSync(owner, 'utf8') === String(process.pid);
      });
    },
  };
  return world;
}
