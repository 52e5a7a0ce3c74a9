import { join } from 'node:path';
import type { ProgressSnapshot, Run } from '../../core/api/models';
import { SheetSourceSpecSchema, type SheetSourceSpec } from '../../core/api/sheets';
import type { AppDbAdapter } from '../../core/appdb/adapter';
import { initCanonicalSchema } from '../../core/appdb/ddl';
import { openSqliteAppDb } from '../../core/appdb/sqlite.adapter';
import { startGoogleEmulator, type GoogleEmulator } from '../emulators/google';
import type { GoogleAccountSeed } from '../emulators/google/fixture';
import { account, seedWith, TEST_CLIENT } from '../emulators/google/test-support';
import { createTestApp, type TestApp } from '../helpers/test-app';
import { makeTempDir } from '../helpers/temp-dir';

/**
 * One sheet-import world for a test: the Google emulator (real googleapis
 * over HTTP), a real SQLite product database with a storage account whose
 * refresh token the emulator knows, and a console app with both connections.
 */
export const ACCOUNT = 'acct-owner';

export function pricingRows(count: number, bad: (i: number) => boolean = () => false): string[][] {
  const rows = [['Plan', 'Price', 'Seats', 'Active']];
  for (let i = 1; i <= count; i++) rows.push([`plan ${i}`, bad(i) ? 'n/a' : String(i * 10), String(i % 50), i % 2 ? 'TRUE' : 'FALSE']);
  return rows;
}

export function pricingSpec(extra: Partial<SheetSourceSpec> = {}): SheetSourceSpec {
  return SheetSourceSpecSchema.parse({
    name: 'Pricing',
    spreadsheetId: 'pricing',
    sheet: 'Plans',
    storageAccountId: ACCOUNT,
    targetTable: 'sheet_pricing',
    columns: [
      { header: 'Plan', column: 'plan', type: 'text', required: true },
      { header: 'Price', column: 'price', type: 'number', required: true },
      { header: 'Seats', column: 'seats', type: 'integer' },
      { header: 'Active', column: 'active', type: 'boolean' },
    ],
    ...extra,
  });
}

export interface SheetWorld {
  app: TestApp;
  emulator: GoogleEmulator;
  db: AppDbAdapter;
  progress: ProgressSnapshot[];
  addSource(spec: SheetSourceSpec): Promise<number>;
  /** Starts an import through the contract handler, as the Sheets page does. */
  start(sourceId: number): Promise<{ runId: number; alreadyRunning: boolean }>;
  importNow(sourceId: number): Promise<Run>;
  cache(table?: string): Promise<Record<string, unknown>[]>;
  tables(): Promise<string[]>;
  close(): Promise<void>;
}

/** Calls `action` once, synchronously, when the next import of this world enters `phase`. */
export function onPhase(world: SheetWorld, phase: string, action: (snapshot: ProgressSnapshot) => void): void {
  let done = false;
  world.app.events.subscribe((event, payload) => {
    const snapshot = payload as ProgressSnapshot;
    if (done || event !== 'run.progress' || snapshot.phase !== phase) return;
    done = true;
    action(snapshot);
  });
}

/** The product database a world imports into: a fresh SQLite file by default, or an empty PostgreSQL database. */
export interface ProductDbTarget {
  open(dir: string): AppDbAdapter;
  /** The `appdb` connection's config and secrets for that database. */
  connection(dir: string): { config: Record<string, unknown>; secrets: Record<string, string> };
}

export const sqliteTarget: ProductDbTarget = {
  open: (dir) => openSqliteAppDb({ path: join(dir, 'product.db'), create: true }),
  connection: (dir) => ({ config: { driver: 'sqlite', path: join(dir, 'product.db') }, secrets: {} }),
};

export async function openSheetWorld(sheets: GoogleAccountSeed['spreadsheets'], target: ProductDbTarget = sqliteTarget): Promise<SheetWorld> {
  const dir = makeTempDir('syncwarden-sheets-');
  const emulator = await startGoogleEmulator(seedWith(account('owner', { spreadsheets: sheets ?? [] })));
  const db = target.open(dir.path);
  await initCanonicalSchema(db);
  await db.execute(`INSERT INTO storage_accounts (id, user_id, provider, refresh_token) VALUES (?, 'u1', 'google', '1//refresh-owner')`, [ACCOUNT]);
  const app = await createTestApp({ progressIntervalMs: 0 }) // every snapshot is emitted, synchronously: tests can act on a phase deterministically;
  await app.connections.create({ kind: 'appdb', name: 'Product', ...target.connection(dir.path) } as Parameters<typeof app.connections.create>[0]);
  await app.connections.create({
    kind: 'google',
    name: 'Sheets',
    config: { clientId: TEST_CLIENT.clientId, rootUrl: emulator.rootUrl, tokenUrl: emulator.tokenUrl },
    secrets: { clientSecret: TEST_CLIENT.clientSecret },
  });
  const progress: ProgressSnapshot[] = [];
  app.events.subscribe((event, payload) => {
    if (event === 'run.progress') progress.push(payload as ProgressSnapshot);
  });
  const manual = { actor: 'manual' } as const;
  const start = async (id: number) => app.handlers['sheets.import']({ id }, manual);
  return {
    app,
    emulator,
    db,
    progress,
    addSource: async (spec) => {
      const created = await app.handlers['sheets.sources.create'](spec, manual);
      return (created as { id: number }).id;
    },
    start,
    async importNow(id) {
      const { runId } = await start(id);
      return (await app.runs.waitFor(runId)) as Run;
    },
    cache: (table = 'sheet_pricing') => db.query(`SELECT * FROM "${table}" ORDER BY _sheet_row`),
    tables: async () => {
      const sql =
        db.dialect === 'sqlite'
          ? `SELECT name FROM sqlite_master WHERE type = 'table' AND substr(name, 1, 13) = 'sheet_pricing' ORDER BY name`
          : `SELECT table_name AS name FROM information_schema.tables WHERE table_schema = current_schema() AND substr(table_name, 1, 13) = 'sheet_pricing' ORDER BY table_name`;
      return (await db.query<{ name: string }>(sql)).map((r) => r.name);
    },
    async close() {
      await app.dispose();
      await emulator.close();
      await db.close();
      dir.remove();
    },
  };
}
