import { join } from 'node:path';
import { initCanonicalSchema } from '../../core/appdb/ddl';
import type { AppDbAdapter, SqlValue } from '../../core/appdb/adapter';
import { openPostgresAppDb } from '../../core/appdb/postgres.adapter';
import { openSqliteAppDb } from '../../core/appdb/sqlite.adapter';
import type { Run } from '../../core/api/models';
import { startDropboxEmulator, type DropboxEmulator, type DropboxSeedEntry } from '../emulators/dropbox/dropbox.emulator';
import { startGoogleEmulator, type GoogleEmulator } from '../emulators/google';
import type { DriveFileSeed } from '../emulators/google/fixture';
import { TEST_CLIENT, account, seedWith } from '../emulators/google/test-support';
import { createTestApp, type TestApp } from '../helpers/test-app';
import { makeTempDir } from '../helpers/temp-dir';

export const DROPBOX_APP = { key: 'so-app-key', secret: 'so-app-secret' };

/** One user of the world: Drive files and/or Dropbox files, each with a files row unless `noRow`. */
export interface WorldUser {
  id: string;
  drive?: DriveFileSeed[];
  dropbox?: { id: string; path: string }[];
  /** Rows pointing at cloud files that do not exist (orphans from the start). */
  goneDrive?: string[];
  goneDropbox?: string[];
  autoSync?: boolean;
  deleteAfterSync?: boolean;
}

/** The product database: SQLite by default; a PostgreSQL database by URL; DDL run before `appdb init` (a product's own files table). */
export interface WorldOptions {
  postgresUrl?: string;
  ddl?: string[];
  /** Values of extra NOT NULL columns of a product's files table, per row. */
  fileExtras?: { columns: string[]; values(providerFileId: string, index: number): SqlValue[] };
}

export interface StorageWorld {
  app: TestApp;
  dialect: AppDbAdapter['dialect'];
  /** A fresh connection to the product database (closed by the caller). */
  open(): AppDbAdapter;
  google: GoogleEmulator;
  dropbox: DropboxEmulator;
  dbPath: string;
  dir: string;
  run(params: Record<string, unknown>, trigger?: Run['trigger']): Promise<Run>;
  rows<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<T[]>;
  exec(sql: string, params?: unknown[]): Promise<void>;
  close(): Promise<void>;
}

/** Drive's own 503 envelope (backendError): a Drive that answers, but not now. For `world.google.fault(…)`. */
export const DRIVE_DOWN = { status: 503, body: { error: { code: 503, message: 'down', errors: [{ reason: 'backendError' }] } } };
export const dropboxAccountId = (userId: string) => `dbid:${userId}`;
export const driveRefresh = (userId: string) => `1//refresh-${userId}`;
export const dropboxRefresh = (userId: string) => `rt-${userId}`;

/**
 * A real app with three connections (product SQLite DB, Google, Dropbox)
 * pointed at the Drive and Dropbox emulators, which the official SDKs talk
 * to over HTTP. Storage accounts hold only refresh tokens at first: the
 * first call of each account refreshes and writes the token back.
 */
export async function openStorageWorld(users: WorldUser[], options: WorldOptions = {}): Promise<StorageWorld> {
  const tmp = makeTempDir();
  const dbPath = join(tmp.path, 'product.db');
  const open = (create = false): AppDbAdapter => (options.postgresUrl ? openPostgresAppDb({ connectionString: options.postgresUrl }) : openSqliteAppDb({ path: dbPath, create }));
  const google = await startGoogleEmulator(seedWith(...users.filter((u) => u.drive).map((u) => account(u.id, { files: u.drive ?? [] }))));
  const dropbox = await startDropboxEmulator({
    app: DROPBOX_APP,
    accounts: users
      .filter((u) => u.dropbox)
      .map((u) => ({
        accountId: dropboxAccountId(u.id),
        email: `${u.id}@example.com`,
        displayName: u.id,
        refreshTokens: [dropboxRefresh(u.id)],
        entries: (u.dropbox ?? []).map((f): DropboxSeedEntry => ({ path: f.path, id: f.id, size: 100 })),
      })),
  });
  const db = open(true);
  for (const statement of options.ddl ?? []) await db.execute(statement);
  await initCanonicalSchema(db);
  const pg = options.postgresUrl !== undefined;
  await db.transaction(async (tx) => {
    await tx.executeMany('INSERT INTO users (id, email, name) VALUES (?, ?, ?)', users.map((u) => [u.id, `${u.id}@example.com`, u.id.toUpperCase()]));
    await tx.executeMany(
      'INSERT INTO user_sync_settings (user_id, auto_sync, delete_after_sync) VALUES (?, ?, ?)',
      users.filter((u) => u.autoSync !== undefined || u.deleteAfterSync !== undefined).map((u) => [u.id, pg ? u.autoSync !== false : u.autoSync === false ? 0 : 1, pg ? u.deleteAfterSync === true : u.deleteAfterSync ? 1 : 0]),
    );
    const accounts = users.flatMap((u) => [
      ...(u.drive ? [[`google-${u.id}`, u.id, 'google', driveRefresh(u.id)]] : []),
      ...(u.dropbox ? [[`dropbox-${u.id}`, u.id, 'dropbox', dropboxRefresh(u.id)]] : []),
    ]);
    await tx.executeMany('INSERT INTO storage_accounts (id, user_id, provider, refresh_token) VALUES (?, ?, ?, ?)', accounts);
    const files = users.flatMap((u) => [
      ...[...(u.drive ?? []).map((f) => f.id), ...(u.goneDrive ?? [])].map((pid) => [`row-${pid}`, u.id, 'google', pid, `${pid}.pdf`, 100]),
      ...[...(u.dropbox ?? []).map((f) => ({ id: f.id, name: f.path.split('/').pop() as string })), ...(u.goneDropbox ?? []).map((id) => ({ id, name: `${id}.txt` }))].map((f) => [
        `row-${f.id}`,
        u.id,
        'dropbox',
        f.id,
        f.name,
        100,
      ]),
    ]);
    const extras = options.fileExtras;
    await tx.executeMany(
      `INSERT INTO files (id, user_id, provider, provider_file_id, name, size${extras ? extras.columns.map((c) => `, ${c}`).join('') : ''}) VALUES (?, ?, ?, ?, ?, ?${extras ? extras.columns.map(() => ', ?').join('') : ''})`,
      files.map((row, i) => (extras ? [...row, ...extras.values(String(row[3]), i)] : row) as SqlValue[]),
    );
  });
  await db.close();

  const app = await createTestApp({ dataDir: join(tmp.path, 'console') });
  await app.connections.create({ kind: 'appdb', name: 'Product', config: options.postgresUrl ? { driver: 'postgres', url: options.postgresUrl, sslMode: 'disable' } : { driver: 'sqlite', path: dbPath }, secrets: {} });
  await app.connections.create({ kind: 'google', name: 'Google', config: { clientId: TEST_CLIENT.clientId, rootUrl: google.rootUrl, tokenUrl: google.tokenUrl }, secrets: { clientSecret: TEST_CLIENT.clientSecret } });
  await app.connections.create({ kind: 'dropbox', name: 'Dropbox', config: { appKey: DROPBOX_APP.key, baseUrl: dropbox.url }, secrets: { appSecret: DROPBOX_APP.secret } });
  return {
    app,
    google,
    dropbox,
    dbPath,
    dir: tmp.path,
    dialect: pg ? 'postgres' : 'sqlite',
    open: () => open(),
    async run(params, trigger = 'manual') {
      const run = await app.runs.waitFor((await app.runs.start('storage-orphans', params, trigger)).runId);
      if (!run) throw new Error('run vanished');
      return run;
    },
    async rows(sql, params = []) {
      const reader = open();
      try {
        return (await reader.query(sql, params as never[])) as never[];
      } finally {
        await reader.close();
      }
    },
    async exec(sql, params = []) {
      const writer = open();
      try {
        await writer.execute(sql, params as never[]);
      } finally {
        await writer.close();
      }
    },
    async close() {
      await app.close();
      await google.close();
      await dropbox.close();
      tmp.remove();
    },
  };
}

export const driveFiles = (userId: string, n: number): DriveFileSeed[] =>
  Array.from({ length: n }, (_, i) => ({ id: `g-${userId}-${i}`, name: `g-${userId}-${i}.pdf`, mimeType: 'application/pdf', parents: ['root'], size: 100 }));
export const dropboxFiles = (userId: string, n: number) => Array.from({ length: n }, (_, i) => ({ id: `id:d-${userId}-${i}`, path: `/Apps/Product/d-${userId}-${i}.txt` }));

export type StorageResult = {
  orphans: number;
  trashed: number;
  unknownFiles: number;
  repaired: number;
  cursorsRejected: number;
  byMode: Record<string, number>;
  results: { userId: string; provider: string; mode: string; filesChecked: number; orphans: number; trashed: number; repaired: number; skipped: Record<string, number>; status: string; message: string | null }[];
  needsReconnect: { userId: string; email: string | null; provider: string }[];
  safetyGuard?: { tripped: true; limit: number; wouldDelete: number; userId?: string };
};
export const resultOf = (run: Run) => run.result as unknown as StorageResult;
