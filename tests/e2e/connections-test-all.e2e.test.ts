import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initCanonicalSchema } from '../../core/appdb/ddl';
import { openSqliteAppDb } from '../../core/appdb/sqlite.adapter';
import { startCloudinaryEmulator, type CloudinaryEmulator } from '../emulators/cloudinary/cloudinary.emulator';
import { ANY_ROUTE } from '../emulators/shared/faults';
import { openConsole, type ConsoleHarness } from '../helpers/console-harness';
import { ARTIFACTS_DIR } from '../helpers/paths';
import { makeTempDir } from '../helpers/temp-dir';

const CLOUD = { cloudName: 'test-all-e2e', apiKey: '999888777666555', apiSecret: 'test-all-secret' };

/**
 * The Connections page on a wide screen: cards side by side, not one narrow column; "Test all", reached
 * with the keyboard, tests each connection in turn and ends with one summary that counts what works and
 * names what does not (a Cloudinary connection with a wrong secret).
 */
describe('e2e: Connections "Test all" (Chromium)', () => {
  let harness: ConsoleHarness;
  let page: Page;
  let emulator: CloudinaryEmulator;
  const dir = makeTempDir();

  beforeAll(async () => {
    emulator = await startCloudinaryEmulator({ clouds: [{ ...CLOUD, hourlyBudget: 500, assets: [] }] });
    const dbPath = join(dir.path, 'product.db');
    const db = openSqliteAppDb({ path: dbPath, create: true });
    await initCanonicalSchema(db);
    await db.close();
    harness = await openConsole({ viewport: { width: 1440, height: 900 } });
    page = harness.page;
    const { connections } = harness.app;
    await connections.create({ kind: 'appdb', name: 'Product database', config: { driver: 'sqlite', path: dbPath }, secrets: {} });
    const config = { cloudName: CLOUD.cloudName, apiKey: CLOUD.apiKey, rootFolder: 'media', apiBaseUrl: emulator.url };
    await connections.create({ kind: 'cloudinary', name: 'Cloudinary media', config, secrets: { apiSecret: CLOUD.apiSecret } });
    await connections.create({ kind: 'cloudinary', name: 'Cloudinary archive (old secret)', config, secrets: { apiSecret: 'not-the-secret' } });
  });

  afterAll(async () => {
    await harness?.close();
    await emulator?.close();
    dir.remove();
  });

  it('lays the cards out side by side on a wide screen', async () => {
    await page.goto(harness.server.url);
    await page.getByRole('link', { name: 'Connections' }).first().click();
    const cards = page.locator('[data-testid^="connection-card-"]');
    await expect.poll(() => cards.count()).toBe(3);
    const boxes = await Promise.all([0, 1, 2].map((i) => cards.nth(i).boundingBox()));
    // Three columns at 1440 px: the cards share one row.
    expect(new Set(boxes.map((b) => Math.round(b?.y ?? -1))).size).toBe(1);
    await page.screenshot({ path: join(ARTIFACTS_DIR, 'connections-grid-1440.png') });
  });

  it('"Test all" from the keyboard tests each in turn and sums up', async () => {
    await page.getByTestId('test-all-connections').focus();
    await page.keyboard.press('Enter');
    const summary = page.getByTestId('test-all-summary');
    await summary.waitFor({ state: 'visible' });
    expect(await summary.textContent()).toMatch(/Tested 3: 2 ok, 1 failed/);
    expect(await summary.textContent()).toMatch(/Cloudinary archive \(old secret\)/);
    // Each card shows its own result too.
    const checks = (await harness.app.store.connections.list()).map((c) => c.lastCheck?.ok);
    expect(checks.sort()).toEqual([false, true, true]);
    await page.screenshot({ path: join(ARTIFACTS_DIR, 'connections-test-all-1440.png') });
    await page.setViewportSize({ width: 1024, height: 768 });
    await page.screenshot({ path: join(ARTIFACTS_DIR, 'connections-test-all-1024.png') });
    expect(harness.consoleErrors).toEqual([]);
  });

  it('while "Test all" runs its button says how far beside a loader, no spinner over the label (issue-18 walk)', async () => {
    await page.setViewportSize({ width: 1440, height: 900 });
    emulator.fault(ANY_ROUTE, { status: 200, passThrough: true, delayMs: 1500 });
    const button = page.getByTestId('test-all-connections');
    await button.click();
    await expect.poll(() => button.textContent()).toMatch(/^Testing [1-3] of 3…$/);
    expect(await button.isDisabled()).toBe(true);
    expect(await button.getAttribute('data-loading')).toBeNull();
    await button.screenshot({ path: join(ARTIFACTS_DIR, 'connections-test-all-running.png') });
    await page.getByTestId('test-all-summary').waitFor({ state: 'visible', timeout: 15_000 });
    expect(await button.textContent()).toBe('Test all');
    emulator.clearFaults();
    expect(harness.consoleErrors).toEqual([]);
  });
});
