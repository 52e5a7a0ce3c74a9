import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initCanonicalSchema } from '../../core/appdb/ddl';
import { openSqliteAppDb } from '../../core/appdb/sqlite.adapter';
import { openConsole, type ConsoleHarness } from '../helpers/console-harness';
import { ARTIFACTS_DIR } from '../helpers/paths';
import { makeTempDir } from '../helpers/temp-dir';

/**
 * The per-user schedules at 1024×768 with the demo's long addresses: the
 * issue-18 walk saw the table scroll sideways and hide History. It fits, with
 * Run now and History as named icons.
 */
describe('e2e: per-user schedules at 1024 px (Chromium)', () => {
  const dir = makeTempDir();
  const productDb = join(dir.path, 'product.db');
  let harness: ConsoleHarness;

  beforeAll(async () => {
    const db = openSqliteAppDb({ path: productDb, create: true });
    await initCanonicalSchema(db);
    await db.transaction(async (tx) => {
      await tx.executeMany('INSERT INTO users (id, email, name, email_verified, role) VALUES (?, ?, ?, ?, ?)', [
        ['u1', 'katherine.johnson@example.com', 'Katherine Johnson', 1, 'user'],
        ['u2', 'evelyn.boydgranville@example.com', 'Evelyn Boyd Granville', 1, 'user'],
      ]);
      await tx.executeMany('INSERT INTO mail_settings (user_id, enabled, interval_minutes, history_id) VALUES (?, ?, ?, ?)', [
        ['u1', 1, 30, null],
        ['u2', 0, 120, null],
      ]);
    });
    await db.close();
    harness = await openConsole({ viewport: { width: 1024, height: 768 }, stepTimeoutMs: 20_000 });
    await harness.app.connections.create({ kind: 'appdb', name: 'Product', config: { driver: 'sqlite', path: productDb }, secrets: {} } as never);
    harness.app.scheduler.start();
    await harness.app.scheduler.refreshAppDb();
  }, 60_000);

  afterAll(async () => {
    await harness?.app.scheduler.stop();
    await harness?.close();
    dir.remove();
  });

  it('fits the width: no sideways scroll, Run now and History in view', async () => {
    const { page } = harness;
    await page.goto(harness.server.url);
    await page.getByRole('link', { name: 'Schedules' }).first().click();
    const table = page.getByTestId('app-db-schedules');
    await expect.poll(() => table.locator('tbody tr').count()).toBe(2);
    const overflow = await table.evaluate((node) => (node.parentElement ? node.parentElement.scrollWidth - node.parentElement.clientWidth : 0));
    expect(overflow).toBeLessThanOrEqual(0);
    for (const button of await table.getByRole('link', { name: /^History of / }).all()) expect(await button.isVisible()).toBe(true);
    await page.screenshot({ path: join(ARTIFACTS_DIR, 'schedules-per-user-1024.png'), fullPage: true });
    for (const button of await table.getByRole('button', { name: /^Run .* now$/ }).all()) expect(await button.isVisible()).toBe(true);
    expect(harness.consoleErrors).toEqual([]);
  });

  it('still fits once a schedule has failed (its failing badge, the failed last run and its time)', async () => {
    const { page } = harness;
    const table = page.getByTestId('app-db-schedules');
    // No Gmail connection: the run fails at once. Before, the failing badge beside the engine name and the
    // failed last run made the table 5-19 px too wide (CI, once, when the scheduler fired on its own).
    await table.getByRole('button', { name: /^Run .* now$/ }).first().click();
    await expect.poll(() => table.locator('[data-testid^="schedule-failing-"]').count(), { timeout: 20_000 }).toBe(1);
    await expect.poll(() => table.locator('[data-testid^="schedule-last-"]').first().textContent(), { timeout: 20_000 }).toMatch(/failed/i);
    const overflow = await table.evaluate((node) => (node.parentElement ? node.parentElement.scrollWidth - node.parentElement.clientWidth : 0));
    expect(overflow).toBeLessThanOrEqual(0);
    for (const button of await table.getByRole('link', { name: /^History of / }).all()) expect(await button.isVisible()).toBe(true);
    await page.screenshot({ path: join(ARTIFACTS_DIR, 'schedules-per-user-1024-failing.png'), fullPage: true });
  });
});
