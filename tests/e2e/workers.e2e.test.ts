import { hostname } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openConsole, type ConsoleHarness } from '../helpers/console-harness';
import { populatedTeam, type FakeTeamStatus } from '../helpers/fake-team-status';
import { ARTIFACTS_DIR } from '../helpers/paths';

/**
 * The Workers page in browser mode. On a real SQLite store it explains team
 * mode and its two commands. With a TeamStatusSource given where hosts give
 * the real queue's (SyncwardenOptions.team): workers with their state, queue
 * depth, charts, dead letters retried by keyboard after a confirmation, live
 * refresh, an unreachable queue. Screenshots at 1440×900 and 1024×768.
 */
async function shoot(page: Page, name: string): Promise<void> {
  for (const [w, h] of [
    [1440, 900],
    [1024, 768],
  ] as const) {
    await page.setViewportSize({ width: w, height: h });
    // From the top: a full-page shot of a scrolled page draws the fixed header mid-page.
    await page.evaluate('window.scrollTo(0, 0)');
    await page.waitForTimeout(150);
    await page.screenshot({ path: join(ARTIFACTS_DIR, `${name}-${w}.png`), fullPage: true });
    // Nothing scrolls sideways at either width.
    expect(await page.evaluate<number>('document.documentElement.scrollWidth - document.documentElement.clientWidth')).toBeLessThanOrEqual(0);
  }
  await page.setViewportSize({ width: 1440, height: 900 });
}

/** Page time moved on per step; a step's timers fire, then the page has a moment of real time to fetch and draw. */
const PAGE_STEP_MS = 1_000;
const SETTLE_MS = 100;

/**
 * Waits until `holds` while moving the page's clock on (it must have been installed), PAGE_STEP_MS at a time, by
 * at most `pageMs` less the 5 s of real time a last expect.poll then gives it (as a plain expect.poll of `pageMs`
 * would have allowed in real time). Bounded: fails when the page time is spent and `holds` still does not.
 */
async function pageTimeUntil(page: Page, pageMs: number, holds: () => Promise<boolean>): Promise<void> {
  const graceMs = 5_000;
  for (let advanced = 0; advanced < pageMs - graceMs; advanced += PAGE_STEP_MS) {
    const settled = Date.now() + SETTLE_MS;
    do {
      if (await holds()) return;
    } while (Date.now() < settled);
    await page.clock.fastForward(PAGE_STEP_MS);
  }
  await expect.poll(holds, { timeout: graceMs }).toBe(true);
}

describe('e2e: Workers page, team mode off (SQLite store, Chromium)', () => {
  let harness: ConsoleHarness;
  beforeAll(async () => {
    harness = await openConsole({ viewport: { width: 1440, height: 900 }, stepTimeoutMs: 20_000 });
  }, 60_000);
  afterAll(async () => harness?.close());

  it('explains team mode in plain words with its two commands, and asks the queue nothing', async () => {
    const { page } = harness;
    await page.goto(harness.server.url);
    await page.getByRole('link', { name: 'Workers' }).first().click();
    const off = page.getByTestId('team-off');
    await expect.poll(() => off.isVisible()).toBe(true);
    expect(await off.textContent()).toContain('Team mode is off');
    expect(await page.getByTestId('team-off-store-init').textContent()).toBe('syncwarden store init postgres://…');
    expect(await page.getByTestId('team-off-worker').textContent()).toBe('syncwarden worker');
    expect(await page.getByTestId('workers-table').count()).toBe(0);
    await shoot(page, 'workers-team-off');
    expect(harness.consoleErrors).toEqual([]);
  });
});

describe('e2e: Workers page, team mode on (test TeamStatusSource, Chromium)', () => {
  let harness: ConsoleHarness;
  let team: FakeTeamStatus;
  beforeAll(async () => {
    team = populatedTeam(new Date());
    harness = await openConsole({ viewport: { width: 1440, height: 900 }, stepTimeoutMs: 25_000, team });
  }, 60_000);
  afterAll(async () => harness?.close());

  it('shows workers (lost and draining first), queue depth and charts with engine titles, never ids', async () => {
    const { page } = harness;
    await page.goto(harness.server.url);
    await page.getByRole('link', { name: 'Workers' }).first().click();
    const table = page.getByTestId('workers-table');
    await expect.poll(() => table.locator('tbody tr').count()).toBe(3);
    const order = await table.locator('tbody tr').evaluateAll((rows) => rows.map((row) => row.getAttribute('data-testid')));
    expect(order).toEqual(['worker-row-build-03/31337/c3', 'worker-row-build-02/977/b2', 'worker-row-build-01/4121/a1']);
    expect(await page.getByTestId('worker-state-build-03/31337/c3').textContent()).toBe('Lost');
    expect(await page.getByTestId('worker-state-build-02/977/b2').textContent()).toBe('Draining');
    expect(await page.getByTestId('worker-running-build-01/4121/a1').textContent()).toBe('6 of 8');
    const build01 = (await page.getByTestId('worker-row-build-01/4121/a1').textContent()) ?? '';
    expect(build01).toContain('Mail import');
    expect(build01).toContain('Storage orphans');
    expect(build01).toMatch(/seconds? ago|just now/);
    expect(build01).not.toContain('mail-import');
    expect(await page.getByTestId('queue-row-mail-import').textContent()).toMatch(/^Mail import1,84083$/);
    expect(await page.getByTestId('team-alive').textContent()).toContain('2');
    expect(await page.getByTestId('throughput-completed-bar').count()).toBeGreaterThan(20);
    expect(await page.getByTestId('throughput-failed-bar').count()).toBeGreaterThan(5);
    const dead = page.getByTestId('dead-letters-table');
    expect(await dead.locator('tbody tr').count()).toBe(3);
    expect(await page.getByTestId('dead-letter-error-job-81c0').textContent()).toContain('connect ETIMEDOUT 10.0.4.12:5432');
    expect(await dead.textContent()).not.toContain('mail-import');
    await shoot(page, 'workers-team-on');
    expect(harness.consoleErrors).toEqual([]);
  });

  it('the engine filter narrows the charts to one engine by its title', async () => {
    const { page } = harness;
    const before = await page.getByTestId('throughput-failed-bar').count();
    await page.getByTestId('throughput-engine').click();
    await page.locator('[data-combobox-option="true"]').getByText('Storage orphans', { exact: true }).click();
    await expect.poll(() => page.getByTestId('throughput-failed-bar').count()).toBe(1);
    expect(before).toBeGreaterThan(1);
    await page.getByTestId('throughput-engine').click();
    await page.locator('[data-combobox-option="true"]').getByText('All engines', { exact: true }).click();
    await expect.poll(() => page.getByTestId('throughput-failed-bar').count()).toBe(before);
  });

  it('retries a dead letter by keyboard only after its confirmation, which names the job and its error', async () => {
    const { page } = harness;
    const retry = page.getByRole('button', { name: 'Retry job job-7f3a' });
    await retry.focus();
    await page.keyboard.press('Enter');
    const modal = page.getByRole('dialog');
    await expect.poll(() => modal.isVisible()).toBe(true);
    expect(await modal.textContent()).toContain('invalid_grant');
    expect(await page.getByTestId('confirm-action-count').textContent()).toBe('Affects 1 job.');
    // Escape dismisses: nothing was asked of the queue.
    await page.keyboard.press('Escape');
    await expect.poll(() => modal.count()).toBe(0);
    expect(team.calls.some((call) => call.method === 'retryDeadLetter')).toBe(false);
    await retry.focus();
    await page.keyboard.press('Enter');
    await expect.poll(() => page.getByTestId('retry-confirm').isVisible()).toBe(true);
    // The confirm button holds the focus (data-autofocus): Enter confirms.
    await expect.poll(() => page.evaluate<string | null>("document.activeElement?.getAttribute('data-testid') ?? null")).toBe('retry-confirm');
    await page.keyboard.press('Enter');
    await expect.poll(() => page.getByTestId('dead-letter-job-7f3a').count()).toBe(0);
    expect(team.calls.filter((call) => call.method === 'retryDeadLetter')).toEqual([{ method: 'retryDeadLetter', args: ['job-7f3a'] }]);
    expect(await page.getByTestId('dead-letters-table').locator('tbody tr').count()).toBe(2);
  });

  it('refreshes on its own: a new worker appears, then none ("no workers"), then an unreachable queue is said in its words', async () => {
    // A page of its own whose clock the test moves on (Playwright's page clock: the page's timers, Date and
    // performance; time also flows as usual). The page's own refresh timer fires as it would have in that time,
    // and nothing else makes the page ask again: no reload, no click, no focus. The test no longer sits out
    // the idle poll (15 s) three times, nor the client's retries. The page time allowed for each change is
    // the real time this test allowed before.
    const context = await harness.browser.newContext({ viewport: { width: 1440, height: 900 } });
    try {
      await context.clock.install();
      const page = await context.newPage();
      page.setDefaultTimeout(25_000);
      await page.goto(harness.server.url);
      await page.getByRole('link', { name: 'Workers' }).first().click();
      await expect.poll(() => page.getByTestId('workers-table').locator('tbody tr').count()).toBe(3);
      const ago = new Date(Date.now() - 2_000).toISOString();
      team.workersList.push({ id: 'build-04/55/d4', host: 'build-04', pid: 55, engines: ['identity'], concurrency: 1, running: 0, startedAt: ago, heartbeatAt: ago, alive: true, draining: false });
      await pageTimeUntil(page, 20_000, async () => (await page.getByTestId('worker-row-build-04/55/d4').count()) === 1);
      team.workersList = [];
      await pageTimeUntil(page, 20_000, async () => (await page.getByTestId('workers-empty').count()) === 1);
      expect(await page.getByTestId('workers-empty').textContent()).toContain('syncwarden worker');
      await shoot(page, 'workers-no-workers');
      team.failWith = new Error('Connection terminated unexpectedly');
      // The next poll (15 s when idle) and the client's retries of an `unavailable` answer (1 + 2 + 4 s) come first.
      await pageTimeUntil(page, 45_000, async () => (await page.getByTestId('team-unreachable').count()) === 1);
      expect(await page.getByTestId('team-unreachable').textContent()).toContain('Connection terminated unexpectedly');
      team.failWith = null;
      await pageTimeUntil(page, 25_000, async () => (await page.getByTestId('team-unreachable').count()) === 0);
    } finally {
      await context.close();
    }
  }, 150_000);

  it('the run history and a run’s detail say which machine ran it', async () => {
    const { page, app } = harness;
    const { runId } = await app.runs.start('demo', { items: 20 }, 'cli');
    await app.runs.waitFor(runId);
    await page.getByRole('link', { name: 'Runs' }).first().click();
    const host = page.getByTestId(`run-host-${runId}`);
    await expect.poll(() => host.count()).toBe(1);
    expect(await host.textContent()).toBe(`on ${hostname()}`);
    await page.getByTestId(`run-row-${runId}`).click();
    await expect.poll(() => page.getByTestId('run-detail-host').textContent()).toBe(hostname());
  });
});
