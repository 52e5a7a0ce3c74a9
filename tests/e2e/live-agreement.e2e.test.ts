import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openConsole, type ConsoleHarness } from '../helpers/console-harness';
import { ARTIFACTS_DIR } from '../helpers/paths';

/** What every run widget on the Overview and in the header shows at one instant, read in one go from the DOM. */
interface Sample {
  at: number;
  /** The "Active runs" card. */
  count: number;
  /** The header badge: how many runs it says are in progress (0 when hidden). */
  badge: number;
  /** The live panel: each run's state. */
  live: Record<string, string>;
  /** Last runs: each run's state. */
  last: Record<string, string>;
}

const ACTIVE = new Set(['queued', 'running']);

async function sample(page: Page): Promise<Sample> {
  return page.evaluate(() => {
    // This file is compiled without the DOM library: the little of it used here, typed by hand.
    interface El {
      textContent: string | null;
      getAttribute(name: string): string | null;
    }
    const document = (globalThis as unknown as { document: { querySelector(s: string): El | null; querySelectorAll(s: string): Iterable<El> } }).document;
    const text = document.querySelector('[data-testid="stat-active-runs"]')?.textContent ?? '';
    const badge = document.querySelector('[data-testid="active-runs-badge"]')?.getAttribute('aria-label') ?? '';
    const live: Record<string, string> = {};
    for (const bar of document.querySelectorAll('section[aria-label="Live progress"] [data-testid^="run-progress-"]')) {
      live[(bar.getAttribute('data-testid') ?? '').replace('run-progress-', '')] = bar.getAttribute('data-state') ?? '?';
    }
    const last: Record<string, string> = {};
    for (const item of document.querySelectorAll('section[aria-label="Last runs"] button[aria-label^="Run #"]')) {
      const match = /^Run #(\d+) .*, (\w+)$/.exec(item.getAttribute('aria-label') ?? '');
      if (match?.[1] && match[2]) last[match[1]] = match[2];
    }
    return { at: Date.now(), count: Number(/runs\s*(\d+)/i.exec(text)?.[1] ?? NaN), badge: badge ? Number(/^(\d+) runs?/.exec(badge)?.[1] ?? NaN) : 0, live, last };
  });
}

/** Where the widgets of one sample disagree; empty when they tell one story. */
function disagreements(s: Sample): string[] {
  const problems: string[] = [];
  if (s.badge !== s.count) problems.push(`badge says ${s.badge} runs, the Active runs card ${s.count}`);
  const liveActive = Object.values(s.live).filter((state) => ACTIVE.has(state)).length;
  if (liveActive !== s.count) problems.push(`live panel shows ${liveActive} active, the card ${s.count}`);
  const lastActive = Object.values(s.last).filter((state) => ACTIVE.has(state)).length;
  if (lastActive !== s.count) problems.push(`last runs shows ${lastActive} active, the card ${s.count}`);
  for (const [id, state] of Object.entries(s.live)) {
    if (s.last[id] !== undefined && s.last[id] !== state) problems.push(`run #${id} is ${state} in the live panel and ${s.last[id]} in last runs`);
  }
  return problems;
}

/**
 * Screens agree (issue 18): a run started from outside the page (as the CLI
 * or a schedule would), watched on the Overview mid-run and after. The
 * Active-runs card, the live panel, Last runs and the header badge are read
 * together every 100 ms; a disagreement that outlives one redraw (two
 * samples in a row) fails. Mid-run the badge is also seen on other pages.
 */
describe('e2e: every run widget tells one story (Chromium)', () => {
  let harness: ConsoleHarness;
  let page: Page;

  beforeAll(async () => {
    harness = await openConsole({ viewport: { width: 1440, height: 900 } });
    page = harness.page;
  });

  afterAll(async () => {
    await harness?.close();
  });

  const startRun = async (items: number) => {
    const answer = await harness.app.handlers['runs.start']({ engine: 'demo', params: { items, pageSize: 10, delayMsPerPage: 250 } }, { actor: 'cli' });
    return answer.runId;
  };

  it('mid-run and after, the Active-runs card, live panel, last runs and header badge agree; the badge shows on other pages', async () => {
    await page.goto(harness.server.url);
    await page.getByTestId('stat-active-runs').waitFor();
    // One run that finished before, so Last runs holds an ended run next to the live one.
    const before = await startRun(10);
    await expect.poll(async () => (await harness.app.store.runs.get(before))?.state, { timeout: 15_000 }).toBe('succeeded');

    const runId = await startRun(300);
    const samples: Sample[] = [];
    const failures: string[] = [];
    let previousBad = false;
    const watch = async (until: () => boolean | Promise<boolean>, timeoutMs: number) => {
      const end = Date.now() + timeoutMs;
      while (!(await until()) && Date.now() < end) {
        const s = await sample(page);
        samples.push(s);
        const bad = disagreements(s);
        if (bad.length && previousBad) failures.push(`${new Date(s.at).toISOString()}: ${bad.join('; ')}`);
        previousBad = bad.length > 0;
        await page.waitForTimeout(100);
      }
    };

    // Mid-run: the run is seen everywhere as running.
    await watch(() => samples.some((s) => s.count === 1 && s.live[runId] === 'running' && s.last[runId] === 'running' && s.badge === 1), 10_000);
    const mid = samples.at(-1);
    expect(mid).toMatchObject({ count: 1, badge: 1 });
    expect(mid?.live[runId]).toBe('running');
    expect(mid?.last[runId]).toBe('running');
    expect(mid?.last[before]).toBe('succeeded');
    await expect(page.getByTestId('active-runs-badge').textContent()).resolves.toMatch(/^Demonstration · \d+%$/);
    await page.screenshot({ path: join(ARTIFACTS_DIR, 'live-agreement-mid-run.png') });

    // The header badge is seen on every other page while the run is active.
    for (const name of ['Storage', 'Runs', 'Schedules', 'Audit log']) {
      await page.getByRole('link', { name }).first().click();
      await page.getByTestId('active-runs-badge').waitFor({ state: 'visible' });
      if (name === 'Runs') await expect.poll(() => page.getByTestId(`run-state-${runId}`).getAttribute('data-state')).toBe('running');
    }
    await page.getByRole('link', { name: 'Overview' }).first().click();
    await page.getByTestId('stat-active-runs').waitFor();

    // Until it ends, and a little after: the end reaches every widget at once.
    previousBad = false;
    await watch(async () => (await harness.app.store.runs.get(runId))?.state === 'succeeded', 20_000);
    const ended = Date.now();
    await watch(() => Date.now() - ended > 1500, 5_000);
    const after = samples.at(-1);
    expect(after).toMatchObject({ count: 0, badge: 0 });
    expect(after?.live[runId]).toBe('succeeded');
    expect(after?.last[runId]).toBe('succeeded');
    await page.screenshot({ path: join(ARTIFACTS_DIR, 'live-agreement-after.png') });
    expect(failures).toEqual([]);
    expect(samples.length).toBeGreaterThan(20);

    // The Runs page's history says the same.
    await page.getByRole('link', { name: 'Runs' }).first().click();
    await expect.poll(() => page.getByTestId(`run-state-${runId}`).getAttribute('data-state')).toBe('succeeded');
    await expect(page.getByTestId('active-runs-badge').count()).resolves.toBe(0);
    expect(harness.consoleErrors).toEqual([]);
  });
});
