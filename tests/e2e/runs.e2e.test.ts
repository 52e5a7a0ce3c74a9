import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BrowserServer } from '../../core/server/browser-server';
import { openConsole, type ConsoleHarness } from '../helpers/console-harness';
import { ARTIFACTS_DIR } from '../helpers/paths';
import type { TestApp } from '../helpers/test-app';

/**
 * A person's path through browser mode: open the printed URL, start the
 * demonstration engine from the Runs page, watch the bar reach 100 %, and
 * find the run in the history. Screenshots are kept in tests/artifacts/.
 */
describe('e2e: runs in browser mode (Chromium)', () => {
  let harness: ConsoleHarness;
  let app: TestApp;
  let server: BrowserServer;
  let browser: Browser;
  let page: Page;
  let consoleErrors: string[];

  beforeAll(async () => {
    harness = await openConsole({ stepTimeoutMs: 30_000 });
    ({ app, server, browser, page, consoleErrors } = harness);
  });

  afterAll(async () => {
    await harness?.close();
  });

  it('starts the demonstration engine, shows progress to 100 % and the run in history', async () => {
    await page.goto(server.url);
    await page.getByRole('link', { name: 'Runs' }).first().click();
    await expect.poll(() => page.url()).toMatch(/#\/runs/);
    // The token left the address bar once it was read.
    expect(page.url()).not.toContain('token=');

    await page.getByTestId('engine-select').selectOption('demo');
    const items = page.getByLabel('Items');
    await items.fill('600000');
    await page.getByTestId('start-run').click();

    const bar = page.locator('[data-testid^="run-progress-"][role="progressbar"]').first();
    await bar.waitFor({ state: 'visible', timeout: 10_000 });
    const seen = new Set<number>();
    await expect
      .poll(
        async () => {
          const value = Number(await bar.getAttribute('aria-valuenow'));
          seen.add(value);
          return value;
        },
        { timeout: 60_000, interval: 50 },
      )
      .toBe(100);
    // The bar moved through intermediate values, not straight from nothing to done.
    expect([...seen].some((v) => v > 0 && v < 100)).toBe(true);

    const testId = (await bar.getAttribute('data-testid')) ?? '';
    const runId = Number(testId.replace('run-progress-', ''));
    expect(runId).toBeGreaterThan(0);
    await expect.poll(() => page.getByTestId(`run-state-${runId}`).textContent(), { timeout: 10_000 }).toMatch(/succeeded/i);
    await expect(page.getByTestId('runs-table').isVisible()).resolves.toBe(true);
    await page.getByTestId(`run-row-${runId}`).waitFor({ state: 'visible' });
    // The engine by its title, in the history as in the sidebar and Overview, not its id ("demo").
    expect(await page.getByTestId(`run-row-${runId}`).textContent()).toContain('Demonstration');
    await page.screenshot({ path: join(ARTIFACTS_DIR, 'runs-page.png'), fullPage: true });

    expect(await app.store.runs.get(runId)).toMatchObject({ state: 'succeeded', trigger: 'manual' });
    expect(consoleErrors).toEqual([]);
  });

  it('opens the run detail from the history with the keyboard', async () => {
    const row = page.locator('[data-testid^="run-row-"]').first();
    await row.focus();
    await page.keyboard.press('Enter');
    await page.getByRole('dialog').waitFor({ state: 'visible' });
    await expect.poll(() => page.getByRole('dialog').textContent()).toMatch(/succeeded/);
    expect(await page.getByRole('dialog').textContent()).toMatch(/EngineDemonstration/);
    await page.screenshot({ path: join(ARTIFACTS_DIR, 'run-detail.png') });
    await page.keyboard.press('Escape');
    await page.getByRole('dialog').waitFor({ state: 'hidden' });
  });

  it('every page renders with its empty state or data, in light and dark', async () => {
    for (const [name, path] of [
      ['overview', '#/'],
      ['findings', '#/findings'],
      ['audit', '#/audit'],
      ['settings', '#/settings'],
    ] as const) {
      await page.goto(`http://127.0.0.1:${server.port}/${path}`);
      await page.locator('main').waitFor({ state: 'visible' });
      await page.screenshot({ path: join(ARTIFACTS_DIR, `${name}-light.png`) });
    }
    const dark = await browser.newPage({ colorScheme: 'dark', viewport: { width: 1366, height: 860 } });
    await dark.goto(server.url);
    await dark.locator('main').waitFor({ state: 'visible' });
    expect(await dark.locator('html').getAttribute('data-mantine-color-scheme')).toBe('dark');
    await dark.screenshot({ path: join(ARTIFACTS_DIR, 'overview-dark.png') });
    await dark.close();
    expect(consoleErrors).toEqual([]);
  });
});
