import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initCanonicalSchema } from '../../core/appdb/ddl';
import { openSqliteAppDb } from '../../core/appdb/sqlite.adapter';
import { seedDemoRunHistory } from '../../scripts/demo/demo-schedules';
import { openConsole, type ConsoleHarness } from '../helpers/console-harness';
import { ARTIFACTS_DIR } from '../helpers/paths';
import { makeTempDir } from '../helpers/temp-dir';
import { rawSqlite } from '../helpers/sqlite-store';

/**
 * A person's path through the Schedules page in browser mode: the empty page,
 * a bad cron expression refused under its field, a valid one described in
 * words with its next runs, the schedule saved, Run now, and the run in the
 * history marked as scheduled; then the Runs chart with its trigger filter.
 * Per-user schedules and mail settings come from a small product database.
 */
describe('e2e: schedules (Chromium)', () => {
  const dir = makeTempDir();
  const productDb = join(dir.path, 'product.db');
  let harness: ConsoleHarness;
  let page: Page;
  // Toasts are checked where they matter; for screenshots they are closed so they hide nothing.
  const closeToasts = async () => {
    for (const button of await page.locator('.mantine-Notification-closeButton').all()) await button.click();
    await page.locator('.mantine-Notification-root').first().waitFor({ state: 'detached' });
  };
  const describeTrigger = (expression: string) => harness.app.handlers['schedules.describe']({ trigger: { kind: 'cron', expression } }, { actor: 'manual' });

  beforeAll(async () => {
    const db = openSqliteAppDb({ path: productDb, create: true });
    await initCanonicalSchema(db);
    await db.transaction(async (tx) => {
      await tx.executeMany('INSERT INTO users (id, email, name, email_verified, role) VALUES (?, ?, ?, ?, ?)', [
        ['u1', 'ada@example.com', 'Ada', 1, 'user'],
        ['u2', 'bo@example.com', 'Bo', 1, 'user'],
        ['u3', 'cy@example.com', 'Cy', 1, 'user'],
      ]);
      await tx.executeMany('INSERT INTO mail_settings (user_id, enabled, interval_minutes, history_id) VALUES (?, ?, ?, ?)', [
        ['u1', 1, 30, '1042'],
        ['u2', 1, 15, null],
        ['u3', 0, 60, null],
      ]);
    });
    await db.close();
    harness = await openConsole({ stepTimeoutMs: 20_000 });
    page = harness.page;
    await harness.app.connections.create({ kind: 'appdb', name: 'Product', config: { driver: 'sqlite', path: productDb }, secrets: {} } as never);
    // Four days of past runs (the demo's history) so the chart has bars besides today's run.
    await seedDemoRunHistory(harness.app.store, { now: new Date(), sheetSourceId: 1 });
    // Browser mode runs the scheduler, as `serve` does; it reads the per-user schedules at start.
    harness.app.scheduler.start();
    await harness.app.scheduler.refreshAppDb();
  }, 60_000);

  afterAll(async () => {
    await harness?.app.scheduler.stop();
    await harness?.close();
    dir.remove();
  });

  it('creates a schedule: a bad cron is refused under its field, a valid one is described with its next runs', async () => {
    await page.goto(harness.server.url);
    await page.getByRole('link', { name: 'Schedules' }).first().click();
    await page.getByTestId('schedules-empty').waitFor();
    // Per-user schedules and mail settings come from the product database, read-only.
    await page.getByTestId('app-db-schedules').waitFor();
    expect(await page.getByTestId('app-db-schedules').locator('tbody tr').count()).toBe(3);
    // Read-only: no switch, no edit or delete, only the state and Run now.
    expect(await page.getByTestId('app-db-schedules').getByRole('switch').count()).toBe(0);
    expect(await page.getByTestId('app-db-schedules').getByRole('button', { name: /^(Edit|Delete) / }).count()).toBe(0);
    expect(await page.getByTestId('app-db-schedules').locator('tbody tr').allTextContents()).toEqual([
      expect.stringMatching(/every 30 minutes.*On/),
      expect.stringMatching(/every 15 minutes.*On/),
      expect.stringMatching(/every hour.*Off/),
    ]);
    // Each user's mail settings live on the Mail page (one table, editable there); Schedules points to it.
    await page.getByTestId('mail-settings-pointer').getByRole('link', { name: 'Mail page' }).click();
    await page.getByText('ada@example.com').first().waitFor();
    await page.getByRole('link', { name: 'Schedules' }).first().click();
    await page.getByTestId('app-db-schedules').waitFor();

    await page.getByTestId('add-schedule').click();
    const dialog = page.getByRole('dialog');
    await dialog.waitFor();
    // Keyboard first: the modal opens with the engine field focused.
    await expect.poll(() => page.evaluate<string | null>("document.activeElement?.getAttribute('data-testid') ?? null")).toBe('schedule-engine');
    await page.getByTestId('schedule-engine').selectOption('demo');
    await dialog.locator('label', { hasText: 'Cron expression' }).click();
    const cron = page.getByTestId('schedule-cron');
    await cron.fill('61 * * * *');
    const bad = await describeTrigger('61 * * * *');
    expect(bad.valid).toBe(false);
    await expect.poll(() => cron.getAttribute('aria-invalid')).toBe('true');
    await expect.poll(() => dialog.textContent()).toContain(bad.error ?? '');
    await page.getByTestId('schedule-save').click();
    expect((await harness.app.store.schedules.list()).filter((s) => s.origin === 'console')).toEqual([]);
    await page.screenshot({ path: join(ARTIFACTS_DIR, 'schedules-modal-invalid.png') });

    await cron.fill('*/30 * * * *');
    const good = await describeTrigger('*/30 * * * *');
    await expect.poll(() => dialog.textContent()).toContain(`Runs ${good.text}.`);
    await expect.poll(() => page.getByTestId('schedule-next-runs').locator('li').count()).toBe(3);
    expect(await cron.getAttribute('aria-invalid')).not.toBe('true');
    await page.screenshot({ path: join(ARTIFACTS_DIR, 'schedules-modal.png') });

    await page.getByTestId('schedule-save').click();
    await dialog.waitFor({ state: 'hidden' });
    const [created] = (await harness.app.store.schedules.list()).filter((s) => s.origin === 'console');
    expect(created).toMatchObject({ engine: 'demo', trigger: { kind: 'cron', expression: '*/30 * * * *' }, enabled: true, autoRepair: false });
    const row = page.getByTestId(`schedule-row-${created?.id}`);
    await row.waitFor();
    expect(await page.getByTestId(`schedule-trigger-${created?.id}`).textContent()).toBe(good.text);

    // The enable switch works from the keyboard: off, then on again.
    const enabled = page.getByTestId(`schedule-enabled-${created?.id}`);
    await enabled.focus();
    await page.keyboard.press('Space');
    await expect.poll(async () => (await harness.app.store.schedules.get(created?.id as number))?.enabled).toBe(false);
    await expect.poll(() => enabled.isChecked()).toBe(false);
    await page.keyboard.press('Space');
    await expect.poll(async () => (await harness.app.store.schedules.get(created?.id as number))?.enabled).toBe(true);
  });

  it('Run now starts a scheduled run that the history marks as scheduled', async () => {
    const [schedule] = (await harness.app.store.schedules.list()).filter((s) => s.origin === 'console');
    const id = schedule?.id as number;
    await page.getByTestId(`schedule-run-${id}`).click();
    await expect.poll(() => page.getByTestId(`schedule-last-${id}`).getAttribute('data-state'), { timeout: 20_000 }).toBe('succeeded');
    await closeToasts();
    await page.screenshot({ path: join(ARTIFACTS_DIR, 'schedules-page.png'), fullPage: true });
    const [run] = (await harness.app.store.runs.list({ engine: 'demo', limit: 1, offset: 0 })).items;
    expect(run).toMatchObject({ trigger: 'schedule', state: 'succeeded' });

    // The last-run badge links to the run: the Runs page opens its detail, and its row says "Schedule".
    await page.getByTestId(`schedule-last-${id}`).click();
    await expect.poll(() => page.url()).toMatch(/#\/runs/);
    await page.getByRole('dialog').waitFor();
    await expect.poll(() => page.getByRole('dialog').textContent()).toMatch(/succeeded/i);
    await page.keyboard.press('Escape');
    await page.getByRole('dialog').waitFor({ state: 'hidden' });
    const historyRow = page.getByTestId(`run-row-${run?.id}`);
    await historyRow.waitFor();
    expect(await historyRow.textContent()).toContain('Schedule');
  });

  it('the Runs chart shows the last 7 days and filters by trigger', async () => {
    const chart = page.getByTestId('runs-chart');
    await chart.scrollIntoViewIfNeeded();
    await expect.poll(() => chart.getByTestId('runs-chart-bucket').count()).toBeGreaterThan(10);
    const all = await chart.getByTestId('runs-chart-svg').getAttribute('aria-label');
    await chart.locator('label', { hasText: 'CLI' }).click();
    await expect.poll(() => chart.getByTestId('runs-chart-svg').getAttribute('aria-label')).not.toBe(all);
    const cliRuns = rawSqlite(harness.app.store).prepare(`SELECT count(*) AS n FROM runs WHERE trigger = 'cli'`).get() as { n: number };
    expect(await chart.getByTestId('runs-chart-svg').getAttribute('aria-label')).toMatch(new RegExp(`^${cliRuns.n} runs`));
    // A run that finishes while the page is open joins the chart without a reload.
    await harness.app.runs.start('demo', { items: 10, scope: 'chart-live' }, 'cli');
    await expect.poll(() => chart.getByTestId('runs-chart-svg').getAttribute('aria-label')).toMatch(new RegExp(`^${cliRuns.n + 1} runs`));
    await chart.locator('label', { hasText: 'Schedule' }).click();
    await expect.poll(() => chart.getByTestId('runs-chart-svg').getAttribute('aria-label')).toMatch(/failed/);
    await closeToasts().catch(() => {});
    await chart.screenshot({ path: join(ARTIFACTS_DIR, 'runs-chart.png') });
    expect(harness.consoleErrors).toEqual([]);
  });

  it('the Schedules page and the chart read well in dark mode', async () => {
    const dark = await harness.browser.newPage({ colorScheme: 'dark', viewport: { width: 1366, height: 860 } });
    dark.setDefaultTimeout(20_000);
    await dark.goto(harness.server.url);
    await dark.getByRole('link', { name: 'Schedules' }).first().click();
    await dark.getByTestId('schedules-table').waitFor();
    await dark.screenshot({ path: join(ARTIFACTS_DIR, 'schedules-page-dark.png') });
    await dark.getByRole('link', { name: 'Runs' }).first().click();
    await dark.getByTestId('runs-chart-svg').waitFor();
    await dark.getByTestId('runs-chart').screenshot({ path: join(ARTIFACTS_DIR, 'runs-chart-dark.png') });
    await dark.close();
  }, 60_000);
});
