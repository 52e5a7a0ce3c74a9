import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SheetSourceSpecSchema, type SheetSource } from '../../core/api/sheets';
import type { AppDbAdapter } from '../../core/appdb/adapter';
import { initCanonicalSchema } from '../../core/appdb/ddl';
import { openSqliteAppDb } from '../../core/appdb/sqlite.adapter';
import type { BrowserServer } from '../../core/server/browser-server';
import { startGoogleEmulator, type GoogleEmulator } from '../emulators/google';
import { account, seedWith, TEST_CLIENT } from '../emulators/google/test-support';
import { openConsole, type ConsoleHarness } from '../helpers/console-harness';
import { ARTIFACTS_DIR } from '../helpers/paths';
import { makeTempDir } from '../helpers/temp-dir';
import type { TestApp } from '../helpers/test-app';

/**
 * "Preview import" on the Sheets page: a check of the source that says in
 * words what an import would do (exact counts, samples, reject reasons),
 * shows its progress while it runs, says why when it fails, and writes
 * nothing (the cache table and its preview are the same after it). "Import
 * now" from the preview imports what was previewed.
 */
const TABLE = 'sheet_pricing';

/** Rows 1..count after the header; plan 4 (sheet row 5) has a price that is not a number. */
function sheetRows(count: number): string[][] {
  const rows = [['Plan', 'Price', 'Seats', 'Active']];
  for (let i = 1; i <= count; i++) rows.push([`plan ${i}`, i === 4 ? 'n/a' : String(i * 10), String(i % 50), i % 2 ? 'TRUE' : 'FALSE']);
  return rows;
}

describe('e2e: sheet import preview in browser mode (Chromium)', () => {
  const dir = makeTempDir('syncwarden-sheet-preview-e2e-');
  let emulator: GoogleEmulator;
  let db: AppDbAdapter;
  let harness: ConsoleHarness;
  let app: TestApp;
  let server: BrowserServer;
  let page: Page;
  let consoleErrors: string[];

  beforeAll(async () => {
    emulator = await startGoogleEmulator(seedWith(account('owner', { spreadsheets: [{ id: 'pricing', title: 'Pricing', sheets: [{ title: 'Plans', rows: sheetRows(100) }] }] })));
    const dbPath = join(dir.path, 'product.db');
    db = openSqliteAppDb({ path: dbPath, create: true });
    await initCanonicalSchema(db);
    await db.execute(`INSERT INTO storage_accounts (id, user_id, provider, refresh_token) VALUES ('acct-owner', 'u1', 'google', '1//refresh-owner')`);
    harness = await openConsole({ viewport: { width: 1440, height: 900 }, stepTimeoutMs: 15_000 });
    ({ app, server, page, consoleErrors } = harness);
    await app.connections.create({ kind: 'appdb', name: 'Product', config: { driver: 'sqlite', path: dbPath }, secrets: {} });
    await app.connections.create({
      kind: 'google',
      name: 'Workspace',
      config: { clientId: TEST_CLIENT.clientId, rootUrl: emulator.rootUrl, tokenUrl: emulator.tokenUrl },
      secrets: { clientSecret: TEST_CLIENT.clientSecret },
    });
    const spec = SheetSourceSpecSchema.parse({
      name: 'Pricing',
      spreadsheetId: 'pricing',
      sheet: 'Plans',
      storageAccountId: 'acct-owner',
      targetTable: TABLE,
      columns: [
        { header: 'Plan', column: 'plan', required: true },
        { header: 'Price', column: 'price', type: 'number', required: true },
        { header: 'Seats', column: 'seats', type: 'integer' },
        { header: 'Active', column: 'active', type: 'boolean' },
      ],
    });
    await app.handlers['sheets.sources.create'](spec, { actor: 'manual' });
  });

  afterAll(async () => {
    await harness?.close();
    await emulator?.close();
    await db?.close();
    dir.remove();
  });

  const card = () => page.locator('[data-testid^="sheet-source-"]').first();
  const preview = () => card().locator('[data-testid^="import-preview-"][role="region"]');
  const previewButton = () => card().getByRole('button', { name: 'Preview import of Pricing' });
  const tables = async () => (await db.query<{ name: string }>(`SELECT name FROM sqlite_master WHERE type = 'table' AND substr(name, 1, 13) = 'sheet_pricing' ORDER BY name`)).map((r) => r.name);
  const cacheRows = () => db.query(`SELECT * FROM ${TABLE} ORDER BY _sheet_row`);

  it('previews a never-imported source as every valid row added, creating nothing, and imports from the preview', async () => {
    await page.goto(server.url);
    await page.getByRole('link', { name: 'Sheets' }).first().click();
    await previewButton().click();
    await preview().waitFor({ state: 'visible' });
    expect(await preview().getByTestId(/import-preview-summary-/).textContent()).toBe('Never imported: an import would create the cache table with 99 rows; 1 row would be rejected.');
    expect(await preview().textContent()).toMatch(/Row 5: Price “n\/a” is not a number/);
    expect(await tables()).toEqual([]);

    // "Import now" in the preview imports (no question: an import keeps the old cache until it succeeds).
    await preview().getByRole('button', { name: 'Import Pricing now, from the preview' }).click();
    await expect.poll(() => card().getByTestId(/sheet-status-/).textContent(), { timeout: 15_000 }).toMatch(/succeeded/i);
    await expect.poll(() => card().locator('[data-testid^="sheet-rows-"]').textContent()).toBe('99');
    // The preview described the cache before that import: it is gone.
    expect(await preview().count()).toBe(0);
  });

  it('from the keyboard, shows the check progressing, then exactly what an import would change, and writes nothing', async () => {
    const next = sheetRows(100);
    next[11] = ['plan 11', '999', '11', 'TRUE']; // row 12: price changes
    next[21] = ['plan 21', 'n/a', '21', 'TRUE']; // row 22: now rejected, so removed
    next[4] = ['plan 4', '40', '4', 'FALSE']; // row 5: fixed, so added
    next[31] = ['', '', '', '']; // row 32: blank, so removed
    next[41] = ['plan 41', '410', '', 'TRUE']; // row 42: seats emptied
    next.push(['plan 101', '1', '1', 'TRUE'], ['plan 102', '2', '2', 'TRUE'], ['plan 103', '3', '3', 'TRUE']); // rows 102–104
    emulator.setSheetRows('owner', 'pricing', 'Plans', next);
    const cacheBefore = await cacheRows();
    await card().getByRole('button', { name: 'Cached data' }).click();
    const total = card().locator('[data-testid^="cache-total-"]');
    await expect.poll(() => total.textContent()).toBe(`${TABLE}: 99 rows, first 10 shown`);
    const cacheTable = card().getByRole('table', { name: `Cache table ${TABLE}` });
    const shownBefore = await cacheTable.locator('tbody tr').allTextContents();

    // Google answers slowly, so the check can be watched.
    emulator.fault('sheets.values.get', { status: 200, passThrough: true, delayMs: 2000, times: 1 });
    await previewButton().focus();
    await page.keyboard.press('Enter');
    await expect.poll(() => previewButton().textContent()).toMatch(/Checking/);
    expect(await previewButton().isDisabled()).toBe(true);
    await card().locator('[data-testid^="check-progress-"]').waitFor({ state: 'visible' });
    await page.screenshot({ path: join(ARTIFACTS_DIR, 'sheets-preview-progress.png'), fullPage: true });

    await preview().waitFor({ state: 'visible', timeout: 15_000 });
    expect(await preview().getByTestId(/import-preview-summary-/).textContent()).toBe('An import would add 4 rows, remove 2, change 2; 1 row would be rejected; 95 unchanged.');
    const text = (await preview().textContent()) ?? '';
    expect(text).toMatch(/4 added.*2 removed.*2 changed.*1 rejected.*95 unchanged/);
    expect(text).toMatch(/Rows addedRow numbers: 5, 102, 103, 104/);
    expect(text).toMatch(/Rows removedRow numbers: 22, 32/);
    expect(text).toMatch(/Row 12: price.*Row 42: seats/);
    expect(text).toMatch(/Row 22: Price “n\/a” is not a number/);
    expect(text).not.toMatch(/Row 22: Row 22/);
    expect(await previewButton().isDisabled()).toBe(false);

    // Nothing was written: the same cache table, byte for byte, and the same preview of it; the last import is still the last import.
    expect(await tables()).toEqual([TABLE]);
    expect(await cacheRows()).toEqual(cacheBefore);
    expect(await total.textContent()).toBe(`${TABLE}: 99 rows, first 10 shown`);
    expect(await cacheTable.locator('tbody tr').allTextContents()).toEqual(shownBefore);
    expect(await card().locator('[data-testid^="sheet-rows-"]').textContent()).toBe('99');

    await page.screenshot({ path: join(ARTIFACTS_DIR, 'sheets-preview-1440.png'), fullPage: true });
    await page.setViewportSize({ width: 1024, height: 768 });
    await preview().scrollIntoViewIfNeeded();
    await page.screenshot({ path: join(ARTIFACTS_DIR, 'sheets-preview-1024.png'), fullPage: true });
    await page.screenshot({ path: join(ARTIFACTS_DIR, 'sheets-preview-1024-viewport.png') });
    await page.setViewportSize({ width: 1440, height: 900 });

    // Closing it from the keyboard loses nothing: it was only a check.
    await preview().getByRole('button', { name: 'Close the import preview of Pricing' }).focus();
    await page.keyboard.press('Enter');
    await preview().waitFor({ state: 'detached' });
  });

  it('says why a check failed, as a failed import does, and changes nothing', async () => {
    const cacheBefore = await cacheRows();
    emulator.fault('sheets.values.get', { status: 403, body: { error: { code: 403, message: 'The caller does not have permission', errors: [{ reason: 'forbidden' }] } }, times: 1 });
    await previewButton().click();
    const error = card().getByTestId(/import-preview-error-/);
    await error.waitFor({ state: 'visible', timeout: 15_000 });
    expect(await error.textContent()).toMatch(/^The check failed: .*permission/i);
    // The import's badge is still the last import's.
    expect(await card().getByTestId(/sheet-status-/).textContent()).toMatch(/succeeded/i);
    expect(await cacheRows()).toEqual(cacheBefore);
    await page.screenshot({ path: join(ARTIFACTS_DIR, 'sheets-preview-failed.png'), fullPage: true });
  });

  it('on a sheet with no data rows, says an import would empty the cache table', async () => {
    emulator.setSheetRows('owner', 'pricing', 'Plans', [['Plan', 'Price', 'Seats', 'Active']]);
    await previewButton().click();
    const summary = card().getByTestId(/import-preview-summary-/);
    await summary.waitFor({ state: 'visible', timeout: 15_000 });
    expect(await summary.textContent()).toBe('The sheet has no data rows: an import would empty the cache table, removing all 99 rows.');
    expect(await cacheRows()).toHaveLength(99);
  });

  it('names the columns an import would add and drop after the mapping changed', async () => {
    emulator.setSheetRows('owner', 'pricing', 'Plans', sheetRows(100));
    const [source] = await app.handlers['sheets.sources.list']({}, { actor: 'manual' }) as SheetSource[];
    if (!source) throw new Error('no source');
    const columns = source.spec.columns.map((c) => (c.column === 'active' ? { ...c, column: 'is_active' } : c));
    await app.handlers['sheets.sources.update']({ id: source.id, spec: { ...source.spec, columns } }, { actor: 'manual' });
    await page.reload();
    await previewButton().click();
    await expect.poll(() => card().getByTestId(/import-preview-summary-/).textContent(), { timeout: 15_000 }).toBe('An import would add 0 rows, remove 0, change 99; 1 row would be rejected; 0 unchanged.');
    const text = (await preview().textContent()) ?? '';
    expect(text).toMatch(/New columns \(an import adds them to sheet_pricing\): is_active/);
    expect(text).toMatch(/Columns no longer mapped \(an import drops them from sheet_pricing\): active/);
    // Twenty rows changed the same way are one line.
    expect(text).toMatch(/Rows 2, 3, 4, 6, .*, 22: is_activeand 79 more/);
    expect(await cacheRows()).toHaveLength(99);
    await page.screenshot({ path: join(ARTIFACTS_DIR, 'sheets-preview-columns.png'), fullPage: true });
    expect(consoleErrors).toEqual([]);
  });
});
