import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { methods } from '../../core/api/contract';
import type { BrowserServer } from '../../core/server/browser-server';
import { initCanonicalSchema } from '../../core/appdb/ddl';
import { openSqliteAppDb } from '../../core/appdb/sqlite.adapter';
import type { AppDbAdapter } from '../../core/appdb/adapter';
import { startGoogleEmulator, type GoogleEmulator } from '../emulators/google';
import { account, seedWith, TEST_CLIENT } from '../emulators/google/test-support';
import { openConsole, type ConsoleHarness } from '../helpers/console-harness';
import { ARTIFACTS_DIR } from '../helpers/paths';
import { makeTempDir } from '../helpers/temp-dir';
import type { TestApp } from '../helpers/test-app';

/**
 * A person's path through the Sheets page: add a source through the form
 * (client checks, then the host's own refusal on the right field), import it
 * while the Google emulator answers slowly, follow the progress panel and the
 * header badge (also from Overview), read and export the row errors, and see
 * the cached data refresh by itself when a second import completes.
 */
const ROWS = 3000;
/** Sheet rows (1-based, header = 1) that break a rule of the mapping. */
const BAD = { 5: ['plan 4', 'n/a', '4', 'TRUE'], 8: ['plan 7', '', '7', 'FALSE'], 10: ['plan 9', '90', 'many', 'maybe'] } as Record<number, string[]>;

function sheetRows(count: number): string[][] {
  const rows = [['Plan', 'Price', 'Seats', 'Active']];
  for (let i = 1; i <= count; i++) rows.push(BAD[i + 1] ?? [`plan ${i}`, String(i * 10), String(i % 50), i % 2 ? 'TRUE' : 'FALSE']);
  return rows;
}

describe('e2e: sheet import in browser mode (Chromium)', () => {
  const dir = makeTempDir('syncwarden-sheets-e2e-');
  let emulator: GoogleEmulator;
  let db: AppDbAdapter;
  let harness: ConsoleHarness;
  let app: TestApp;
  let server: BrowserServer;
  let page: Page;
  let consoleErrors: string[];

  beforeAll(async () => {
    emulator = await startGoogleEmulator(seedWith(account('owner', { spreadsheets: [{ id: 'pricing-sheet', title: 'Pricing', sheets: [{ title: 'Plans', rows: sheetRows(ROWS) }] }] })));
    const dbPath = join(dir.path, 'product.db');
    db = openSqliteAppDb({ path: dbPath, create: true });
    await initCanonicalSchema(db);
    await db.execute(`INSERT INTO storage_accounts (id, user_id, provider, refresh_token) VALUES ('acct-owner', 'u1', 'google', '1//refresh-owner')`);
    harness = await openConsole({ viewport: { width: 1366, height: 900 }, stepTimeoutMs: 15_000 });
    ({ app, server, page, consoleErrors } = harness);
    await app.connections.create({ kind: 'appdb', name: 'Product', config: { driver: 'sqlite', path: dbPath }, secrets: {} });
    await app.connections.create({
      kind: 'google',
      name: 'Workspace',
      config: { clientId: TEST_CLIENT.clientId, rootUrl: emulator.rootUrl, tokenUrl: emulator.tokenUrl },
      secrets: { clientSecret: TEST_CLIENT.clientSecret },
    });
  });

  afterAll(async () => {
    await harness?.close();
    await emulator?.close();
    await db?.close();
    dir.remove();
  });

  const dialog = () => page.getByRole('dialog');
  const card = () => page.locator('[data-testid^="sheet-source-"]').first();

  it('offers "Add source" when there is none, and checks fields before sending', async () => {
    await page.goto(server.url);
    await page.getByRole('link', { name: 'Sheets' }).first().click();
    await page.getByTestId('sheets-empty').waitFor({ state: 'visible' });
    await page.getByTestId('add-source').click();
    await dialog().waitFor({ state: 'visible' });
    await page.getByTestId('source-save').click();
    await expect.poll(() => dialog().textContent()).toMatch(/Give the source a name/);
    const text = (await dialog().textContent()) ?? '';
    expect(text).toMatch(/The storage account is required/);
    expect(text).toMatch(/The spreadsheet id is required/);
    expect(text).toMatch(/The sheet header is required/);
    // Focus lands on the first refused field.
    await expect.poll(() => page.getByTestId('source-name').evaluate((input) => input.matches(':focus'))).toBe(true);
    expect(await app.handlers['sheets.sources.list']({}, { actor: 'manual' })).toEqual([]);
  });

  it('adds a source through the form', async () => {
    await page.getByTestId('source-name').fill('Price list');
    // The only Google connection is preselected; the table name follows the source name.
    expect(await page.getByTestId('source-connection').inputValue()).toBe('Workspace');
    expect(await page.getByTestId('source-table').inputValue()).toBe('sheet_price_list');
    await page.getByTestId('source-account').fill('acct-owner');
    await page.getByTestId('source-spreadsheet').fill('https://docs.google.com/spreadsheets/d/pricing-sheet/edit#gid=0');
    await page.getByTestId('source-tab').fill('Plans');
    const columns = [
      ['Plan', 'plan', 'text', true],
      ['Price', 'price', 'number', true],
      ['Seats', 'seats', 'integer', false],
      ['Active', 'active', 'boolean', false],
    ] as const;
    for (const [index, [header, column, type, required]] of columns.entries()) {
      if (index > 0) await page.getByTestId('add-column').click();
      await page.getByLabel(`Sheet header ${index + 1}`).fill(header);
      await page.getByLabel(`Table column ${index + 1}`).fill(column);
      await page.getByLabel(`Type of column ${index + 1}`).selectOption(type);
      if (required) await page.getByLabel(`Column ${index + 1} is required`).check();
    }
    await page.getByTestId('source-save').click();
    await dialog().waitFor({ state: 'hidden' });
    await card().waitFor({ state: 'visible' });
    const [source] = await app.handlers['sheets.sources.list']({}, { actor: 'manual' }) as { spec: Record<string, unknown> }[];
    expect(source?.spec).toMatchObject({ name: 'Price list', connection: 'Workspace', spreadsheetId: 'pricing-sheet', sheet: 'Plans', targetTable: 'sheet_price_list' });
  });

  it("puts the host's refusal on the field it is about", async () => {
    await page.getByTestId('add-source').click();
    await dialog().waitFor({ state: 'visible' });
    await page.getByTestId('source-name').fill('Price list');
    await page.getByTestId('source-table').fill('sheet_other');
    await page.getByTestId('source-account').fill('acct-owner');
    await page.getByTestId('source-spreadsheet').fill('pricing-sheet');
    await page.getByLabel('Sheet header 1').fill('Plan');
    await page.getByLabel('Table column 1').fill('plan');
    await page.getByTestId('source-save').click();
    await expect.poll(() => page.getByTestId('source-name').getAttribute('aria-invalid')).toBe('true');
    expect(await dialog().textContent()).toMatch(/Another source already has this name/);
    await page.keyboard.press('Escape');
    await dialog().waitFor({ state: 'hidden' });
  });

  it('imports with the full progress panel and the header badge, also seen from Overview', async () => {
    // Google answers each values window slowly (but correctly), so the import can be watched.
    emulator.fault('sheets.values.get', { status: 200, passThrough: true, delayMs: 2500, times: 2 });
    await card().getByRole('button', { name: /Import Price list now/ }).click();
    const bar = card().locator('[data-testid^="run-progress-"]');
    await expect.poll(async () => Number(await bar.getAttribute('aria-valuenow')), { timeout: 15_000, interval: 50 }).toBeGreaterThan(0);
    await expect.poll(() => card().textContent()).toMatch(/Downloading · step 1 of 3/);
    expect(await card().textContent()).toMatch(/Read rows 1–1,000/);
    await page.getByTestId('active-runs-badge').waitFor({ state: 'visible' });
    expect(await page.getByTestId('active-runs-badge').textContent()).toMatch(/^Google Sheet import · \d+%$/);
    await page.screenshot({ path: join(ARTIFACTS_DIR, 'sheets-progress.png'), fullPage: true });

    await page.getByRole('link', { name: 'Overview' }).first().click();
    await expect.poll(() => page.url()).toMatch(/#\/$/);
    const badge = page.getByTestId('active-runs-badge');
    await badge.waitFor({ state: 'visible' });
    expect(await badge.textContent()).toMatch(/^Google Sheet import · \d+%$/);
    await page.screenshot({ path: join(ARTIFACTS_DIR, 'sheets-badge-overview.png') });
    // The badge goes away by itself when the import is done.
    await badge.waitFor({ state: 'hidden', timeout: 20_000 });
  });

  it('lists the row errors and exports them as CSV', async () => {
    await page.getByRole('link', { name: 'Sheets' }).first().click();
    await expect.poll(() => card().getByTestId(/sheet-status-/).textContent(), { timeout: 10_000 }).toMatch(/succeeded/i);
    await expect.poll(() => card().locator('[data-testid^="sheet-rows-"]').textContent()).toBe((ROWS - 3).toLocaleString('en'));
    // A finished import says it is complete, not the last phase it was in.
    expect(await card().textContent()).toMatch(/Complete.*Import complete: 2,997 rows cached, 3 rejected/);
    const errors = page.getByRole('table', { name: 'Row errors' });
    await errors.waitFor({ state: 'visible' });
    const rows = await errors.locator('tbody tr').allTextContents();
    expect(rows).toEqual(['5Price “n/a” is not a number', '8Price is empty but required', '10Seats “many” is not an integer; Active “maybe” is not a boolean']);
    await page.screenshot({ path: join(ARTIFACTS_DIR, 'sheets-errors.png'), fullPage: true });

    const [download] = await Promise.all([page.waitForEvent('download'), card().getByRole('button', { name: 'Export CSV' }).click()]);
    expect(download.suggestedFilename()).toBe('Price-list-row-errors.csv');
    const csv = readFileSync(await download.path(), 'utf8');
    expect(csv).toBe(
      'row,problem\r\n' +
        '5,Row 5: Price “n/a” is not a number\r\n' +
        '8,Row 8: Price is empty but required\r\n' +
        '10,Row 10: Seats “many” is not an integer; Active “maybe” is not a boolean\r\n',
    );
  });

  it('names the source, not its id, in the run history and on the Schedules page', async () => {
    const [source] = await app.handlers['sheets.sources.list']({}, { actor: 'manual' }) as { id: number }[];
    const spec = methods['schedules.create'].input.parse({ engine: 'sheet-import', scope: { kind: 'source', sourceId: source!.id }, trigger: { kind: 'interval', minutes: 60 } });
    const schedule = (await app.handlers['schedules.create'](spec, { actor: 'manual' })) as { id: number };
    await page.getByRole('link', { name: 'Schedules' }).first().click();
    const scheduleScope = page.getByTestId(`schedule-scope-${schedule.id}`);
    await expect.poll(() => scheduleScope.textContent()).toBe('Price list');
    await page.getByRole('link', { name: 'Runs' }).first().click();
    const runScope = page.locator('[data-testid^="run-scope-"]').first();
    await expect.poll(() => runScope.textContent()).toBe('Price list');
    expect(await page.getByText(/Source #\d/).count()).toBe(0);
    // The live progress card of the import names it too, not "(source:1)".
    await page.getByText('(Price list)').first().waitFor({ state: 'visible' });
    expect(await page.getByText(/\(source:\d/).count()).toBe(0);
    await page.screenshot({ path: join(ARTIFACTS_DIR, 'sheets-source-named.png'), fullPage: true });
    await app.handlers['schedules.delete']({ id: schedule.id }, { actor: 'manual' });
    await page.getByRole('link', { name: 'Sheets' }).first().click();
    await card().waitFor({ state: 'visible' });
  });

  it('refreshes the cached data by itself when the next import completes', async () => {
    await card().getByRole('button', { name: 'Cached data' }).click();
    const total = card().locator('[data-testid^="cache-total-"]');
    await expect.poll(() => total.textContent()).toMatch(new RegExp(`${(ROWS - 3).toLocaleString('en')} rows`));
    // Someone adds 500 plans to the sheet; the next import picks them up.
    emulator.setSheetRows('owner', 'pricing-sheet', 'Plans', sheetRows(ROWS + 500));
    await card().getByRole('button', { name: /Import Price list now/ }).click();
    await expect.poll(() => total.textContent(), { timeout: 20_000 }).toMatch(new RegExp(`${(ROWS + 497).toLocaleString('en')} rows`));
    expect(await db.query('SELECT count(*) AS n FROM sheet_price_list')).toEqual([{ n: ROWS + 497 }]);
    await page.screenshot({ path: join(ARTIFACTS_DIR, 'sheets-refreshed.png'), fullPage: true });
    expect(consoleErrors).toEqual([]);
  });

  it('after a failed import, shows the row errors of the cache still in place, never "every row passed"', async () => {
    emulator.fault('sheets.values.get', { status: 403, body: { error: { code: 403, message: 'The caller does not have permission', errors: [{ reason: 'forbidden' }] } }, times: 1 });
    await card().getByRole('button', { name: /Import Price list now/ }).click();
    await expect.poll(() => card().getByTestId(/sheet-status-/).textContent(), { timeout: 15_000 }).toMatch(/failed/i);
    const text = () => card().textContent();
    await expect.poll(text).toMatch(/Row errors of the import cached now \(the last import failed and changed nothing\)/);
    expect(await text()).not.toMatch(/Every row passed validation/);
    // The cache of the previous import is untouched, and so are its row errors.
    expect(await card().locator('[data-testid^="sheet-rows-"]').textContent()).toBe((ROWS + 497).toLocaleString('en'));
    await page.getByRole('table', { name: 'Row errors' }).waitFor({ state: 'visible' });
    expect(await page.getByRole('table', { name: 'Row errors' }).locator('tbody tr').count()).toBe(3);
    await page.screenshot({ path: join(ARTIFACTS_DIR, 'sheets-failed.png'), fullPage: true });
    expect(consoleErrors).toEqual([]);
  });
});
