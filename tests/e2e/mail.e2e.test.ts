import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppDbAdapter } from '../../core/appdb/adapter';
import { initCanonicalSchema } from '../../core/appdb/ddl';
import { openSqliteAppDb } from '../../core/appdb/sqlite.adapter';
import { startGoogleEmulator, type GoogleEmulator } from '../emulators/google';
import { account, seedWith, TEST_CLIENT } from '../emulators/google/test-support';
import { openConsole, type ConsoleHarness } from '../helpers/console-harness';
import { ARTIFACTS_DIR } from '../helpers/paths';
import { makeTempDir } from '../helpers/temp-dir';
import { inbox } from '../integration/mail-import.setup';

/**
 * An admin's path through the Mail page: turn Grace's import on and change
 * Ada's interval (both written to the product's mail_settings and still there
 * after a reload), preview what an import would bring in (nothing written),
 * then Import now for one user and for all, and watch the imported counts.
 */
describe('e2e: the Mail page (Chromium)', () => {
  let harness: ConsoleHarness;
  let page: Page;
  let emulator: GoogleEmulator;
  let db: AppDbAdapter;
  const dir = makeTempDir();
  const dbPath = join(dir.path, 'product.db');

  beforeAll(async () => {
    emulator = await startGoogleEmulator(seedWith(account('ada', { mailbox: { historyId: 1000, messages: inbox('ada', 3) } }), account('grace', { mailbox: { historyId: 1000, messages: inbox('grace', 2) } })));
    db = openSqliteAppDb({ path: dbPath, create: true });
    await initCanonicalSchema(db);
    for (const [id, name, enabled] of [['ada', 'Ada Lovelace', true], ['grace', 'Grace Hopper', false]] as const) {
      await db.execute('INSERT INTO users (id, email, name) VALUES (?, ?, ?)', [`u-${id}`, `${id}@example.com`, name]);
      await db.execute('INSERT INTO mail_settings (user_id, enabled, interval_minutes) VALUES (?, ?, 30)', [`u-${id}`, enabled]);
      await db.execute(`INSERT INTO storage_accounts (id, user_id, provider, refresh_token) VALUES (?, ?, 'google', ?)`, [`sa-${id}`, `u-${id}`, `1//refresh-${id}`]);
    }
    // Linus never connected Google: the page says so rather than showing an empty count.
    await db.execute('INSERT INTO users (id, email, name) VALUES (?, ?, ?)', ['u-linus', 'linus@example.com', 'Linus']);
    await db.execute('INSERT INTO mail_settings (user_id, enabled, interval_minutes) VALUES (?, ?, 30)', ['u-linus', false]);
    harness = await openConsole({ viewport: { width: 1440, height: 900 }, stepTimeoutMs: 20_000 });
    page = harness.page;
    await harness.app.connections.create({ kind: 'appdb', name: 'Product', config: { driver: 'sqlite', path: dbPath }, secrets: {} });
    await harness.app.connections.create({
      kind: 'google',
      name: 'Google',
      config: { clientId: TEST_CLIENT.clientId, rootUrl: emulator.rootUrl, tokenUrl: emulator.tokenUrl },
      secrets: { clientSecret: TEST_CLIENT.clientSecret },
    });
  });

  afterAll(async () => {
    await harness?.close();
    await db?.close();
    await emulator?.close();
    dir.remove();
  });

  const settings = async (id: string) => (await db.query<{ enabled: unknown; interval_minutes: unknown }>('SELECT enabled, interval_minutes FROM mail_settings WHERE user_id = ?', [id]))[0];
  const emails = async (id: string) => (await db.query<{ n: number }>('SELECT count(*) AS n FROM emails WHERE user_id = ?', [id]))[0]?.n;

  it('edits the switch and interval (saved in the product, kept after reload), previews, and imports per user and for all', async () => {
    await page.goto(harness.server.url);
    await page.getByRole('link', { name: 'Mail' }).first().click();
    await expect.poll(() => page.url()).toMatch(/#\/mail/);
    await page.getByTestId('mail-users').waitFor();
    expect(await page.getByTestId('mail-user-u-grace').textContent()).toBe('grace@example.com');
    expect(await page.getByTestId('mail-row-u-grace').textContent()).toContain('Grace Hopper');
    expect(await page.getByTestId('mail-status-u-linus').textContent()).toBe('No Google account');
    expect(await page.getByTestId('mail-status-u-ada').textContent()).toBe('OK');

    // The switch shows the product's value: it turns on once the row is saved and read back.
    await page.getByRole('switch', { name: 'Mail import for grace@example.com' }).click({ force: true });
    await expect.poll(async () => (await settings('u-grace'))?.enabled).toBe(1);
    await expect.poll(() => page.getByTestId('mail-enabled-u-grace').isChecked()).toBe(true);
    const interval = page.getByTestId('mail-interval-u-ada');
    await interval.fill('45');
    await interval.press('Enter');
    await expect.poll(async () => (await settings('u-ada'))?.interval_minutes).toBe(45);

    await page.reload();
    await page.getByTestId('mail-users').waitFor();
    expect(await page.getByTestId('mail-enabled-u-grace').isChecked()).toBe(true);
    expect(await page.getByTestId('mail-interval-u-ada').inputValue()).toBe('45 min');
    expect(await page.getByTestId('mail-imported-u-ada').textContent()).toBe('0');

    await page.getByTestId('mail-preview-all').click();
    await expect.poll(() => page.getByTestId('mail-preview-totals').textContent()).toContain('5 new messages would be imported for 2 users');
    expect(await page.getByTestId('mail-preview-count-u-ada').textContent()).toBe('3 new');
    expect(await emails('u-ada')).toBe(0);

    await page.getByTestId('mail-import-u-ada').click();
    await expect.poll(() => page.getByTestId('mail-imported-u-ada').textContent()).toBe('3');
    expect(await page.getByTestId('mail-imported-u-grace').textContent()).toBe('0');
    await page.getByTestId('mail-import-all').click();
    await expect.poll(() => page.getByTestId('mail-imported-u-grace').textContent()).toBe('2');
    expect(await emails('u-grace')).toBe(2);
    await expect.poll(() => page.locator('[data-testid^="run-state-"]').count()).toBeGreaterThanOrEqual(3);

    await page.screenshot({ path: join(ARTIFACTS_DIR, 'mail-1440x900.png'), fullPage: true });
    await page.setViewportSize({ width: 1024, height: 768 });
    await page.screenshot({ path: join(ARTIFACTS_DIR, 'mail-1024x768.png'), fullPage: true });
    expect(harness.consoleErrors).toEqual([]);
  });
});
