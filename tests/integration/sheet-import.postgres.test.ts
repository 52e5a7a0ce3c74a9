import { Client } from 'pg';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { openPostgresAppDb } from '../../core/appdb/postgres.adapter';
import { PG_PASSWORD, startPostgres, type TestPostgres } from '../helpers/postgres';
import { onPhase, openSheetWorld, pricingRows, pricingSpec, type ProductDbTarget, type SheetWorld } from './sheet-import-harness';

/**
 * The cache swap on a real PostgreSQL 15: the staging table, the one
 * transaction that drops the old table and renames the new one into place,
 * and a failure or cancel at any point leaving the old cache intact.
 * Each test gets its own database.
 */
let server: TestPostgres;
let databases = 0;
/** The URL of the newest database, for a second session of its own. */
let lastUrl = '';
let world: SheetWorld;

beforeAll(async () => {
  server = await startPostgres();
}, 120_000);
afterAll(async () => server?.stop());
afterEach(async () => world?.close());

async function freshDatabase(): Promise<ProductDbTarget> {
  const name = `sheets_${++databases}`;
  await server.createDatabase(name);
  // The password goes to the connection's secrets (the keychain), never into its URL.
  const url = `postgres://postgres@127.0.0.1:${server.port}/${name}`;
  lastUrl = url;
  return {
    open: () => openPostgresAppDb({ connectionString: url, password: PG_PASSWORD }),
    connection: () => ({ config: { driver: 'postgres', url, sslMode: 'disable' }, secrets: { password: PG_PASSWORD } }),
  };
}

describe('sheet-import into PostgreSQL', () => {
  it('imports through the Sheets API, reports malformed rows, and a second import swaps the cache', async () => {
    const rows = pricingRows(3000, (i) => i === 4);
    rows[7] = ['plan 7', '', '7', 'TRUE'];
    world = await openSheetWorld([{ id: 'pricing', title: 'Pricing', sheets: [{ title: 'Plans', rows }] }], await freshDatabase());
    const id = await world.addSource(pricingSpec());
    const first = await world.importNow(id);

    expect(first.state, JSON.stringify(first.error)).toBe('succeeded');
    expect(first.result).toMatchObject({ rows: 2998, rowsRejected: 2 });
    const cached = await world.cache();
    expect(cached).toHaveLength(2998);
    expect(cached[0]).toMatchObject({ plan: 'plan 1', price: 10, active: true });
    expect(Number(cached[0]?._sheet_row)).toBe(2);

    // The second import meets the first one's table and its renamed indexes: the swap must still work.
    const second = await world.importNow(id);
    expect(second.state, JSON.stringify(second.error)).toBe('succeeded');
    expect(await world.cache()).toEqual(cached);
    expect(await world.tables()).toEqual(['sheet_pricing']);
  });
});

describe('sheet-import failures leave the previous PostgreSQL cache intact', () => {
  let sourceId: number;
  let before: Record<string, unknown>[];

  beforeEach(async () => {
    world = await openSheetWorld([{ id: 'pricing', title: 'Pricing', sheets: [{ title: 'Plans', rows: pricingRows(3000) }] }], await freshDatabase());
    sourceId = await world.addSource(pricingSpec());
    const first = await world.importNow(sourceId);
    expect(first.state, JSON.stringify(first.error)).toBe('succeeded');
    before = await world.cache();
    expect(before).toHaveLength(3000);
  });

  async function expectOldCacheIntact(): Promise<void> {
    expect(await world.cache()).toEqual(before);
    expect(await world.tables()).toEqual(['sheet_pricing']);
  }

  it('downloading: Google refuses a window', async () => {
    world.emulator.fault('sheets.values.get', { status: 403, body: { error: { code: 403, message: 'The caller does not have permission', errors: [{ reason: 'forbidden' }] } } });
    const run = await world.importNow(sourceId);
    expect(run.state).toBe('failed');
    expect(run.progress?.phase).toBe('downloading');
    await expectOldCacheIntact();
  });

  it('processing: a mapped header is missing from the sheet', async () => {
    await world.app.handlers['sheets.sources.update']({ id: sourceId, spec: pricingSpec({ columns: [{ header: 'Cost', column: 'cost', type: 'number', required: false }] }) }, { actor: 'manual' });
    const run = await world.importNow(sourceId);
    expect(run.state).toBe('failed');
    // Stages overlap: the header is bound as soon as the first window arrives, while the bar still shows the download.
    expect(run.progress?.phase).toBe('downloading');
    await expectOldCacheIntact();
  });

  it('the staging table cannot be created (before any row is read), and the old cache stays', async () => {
    // A view squats the staging name: DROP TABLE IF EXISTS refuses a view, so creating the staging table fails.
    await world.db.execute('CREATE VIEW sheet_pricing__next AS SELECT 1 AS x');
    const run = await world.importNow(sourceId);
    expect(run.state).toBe('failed');
    expect(run.progress?.phase).toBe('downloading');
    expect(run.error?.message).toMatch(/not a table/);
    await world.db.execute('DROP VIEW sheet_pricing__next');
    await expectOldCacheIntact();
  });

  it('saving: a reader holding the cache table makes the swap give up with a clear error, and a retry succeeds', async () => {
    const url = new URL(lastUrl);
    const reader = new Client({ host: url.hostname, port: Number(url.port), user: 'postgres', database: url.pathname.slice(1), password: PG_PASSWORD, application_name: 'cache-reader' });
    await reader.connect();
    try {
      // An open transaction that has read the cache keeps its lock until it ends: DROP TABLE would wait forever.
      await reader.query('BEGIN');
      await reader.query('SELECT count(*) FROM sheet_pricing');
      const run = await world.importNow(sourceId);
      expect(run.state).toBe('failed');
      expect(run.progress?.phase).toBe('saving');
      expect(run.error).toMatchObject({ code: 'cache-in-use' });
      expect(run.error?.message).toMatch(/^The cache table “sheet_pricing” is in use by session \d+ \(“cache-reader”, user postgres, idle in transaction, last query: SELECT count\(\*\) FROM sheet_pricing\)/);
      expect(run.error?.message).toContain('Try again');
      await reader.query('ROLLBACK');
      await expectOldCacheIntact();
    } finally {
      await reader.end();
    }
    const retry = await world.importNow(sourceId);
    expect(retry.state, JSON.stringify(retry.error)).toBe('succeeded');
    await expectOldCacheIntact();
  }, 30_000);

  it('a cancel that comes while the swap waits for a reader, too late to stop it: the new cache is live and the run says so, not cancelled', async () => {
    world.emulator.setSheetRows('owner', 'pricing', 'Plans', pricingRows(10));
    const url = new URL(lastUrl);
    const reader = new Client({ host: url.hostname, port: Number(url.port), user: 'postgres', database: url.pathname.slice(1), password: PG_PASSWORD, application_name: 'cache-reader' });
    await reader.connect();
    try {
      await reader.query('BEGIN');
      await reader.query('SELECT count(*) FROM sheet_pricing');
      const { runId } = await world.start(sourceId);
      // The swap's DROP TABLE waits for the reader's lock (bounded by the swap's lock_timeout, 5 s).
      const waiting = async () => (await world.db.query<{ n: unknown }>(`SELECT count(*) AS n FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query LIKE 'DROP TABLE%'`))[0]?.n;
      for (let i = 0; i < 200 && Number(await waiting()) === 0; i++) await new Promise((r) => setTimeout(r, 10));
      expect(Number(await waiting())).toBe(1);
      await world.app.runs.cancel(runId);
      await reader.query('ROLLBACK');
      const run = (await world.app.runs.waitFor(runId)) as NonNullable<Awaited<ReturnType<typeof world.app.runs.waitFor>>>;
      // The swap committed: the new import is what readers see now.
      expect(await world.cache()).toHaveLength(10);
      expect(run.state).toBe('succeeded');
      expect(run.result).toMatchObject({ rows: 10 });
    } finally {
      await reader.end();
    }
  }, 30_000);

  it('cancel while saving drops the staging table and keeps the old cache', async () => {
    onPhase(world, 'saving', (snapshot) => void world.app.runs.cancel(snapshot.runId));
    const run = await world.importNow(sourceId);
    expect(run.state).toBe('cancelled');
    expect(run.progress?.phase).toBe('saving');
    await expectOldCacheIntact();
  });
});
