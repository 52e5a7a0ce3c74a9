import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Run } from '../../core/api/models';
import { LARGE } from '../../scripts/demo/large-world';
import { connectWsBridge } from '../contract/ws-bridge';
import { launchChromium } from '../helpers/browser';
import { assertBuilt } from '../helpers/cli';
import { ARTIFACTS_DIR, REPO_ROOT } from '../helpers/paths';
import { makeTempDir } from '../helpers/temp-dir';

/**
 * `npm run demo -- --large` (minus the build) in browser mode: 2,000 users,
 * 50,000 files and a 300,000-row sheet. The 300,000-row import is started from
 * the Sheets page; the header's active-runs badge must then be seen on three
 * other pages while the import is still running (issue 18: "visible on every
 * page while any run is active").
 */
describe('e2e: npm run demo -- --large', () => {
  const dir = makeTempDir('syncwarden-demo-large-');
  let demo: ChildProcess;
  let url: string;
  let ready = '';
  let browser: Browser | undefined;
  let bridge: Awaited<ReturnType<typeof connectWsBridge>> | undefined;

  const call = async <T>(method: string, input: unknown): Promise<T> => {
    if (!bridge) throw new Error('no bridge');
    const answer = await bridge.invoke(method, input);
    if (!answer.ok) throw new Error(`${method}: ${answer.error.message}`);
    return answer.result as T;
  };

  beforeAll(async () => {
    assertBuilt();
    const startedAt = Date.now();
    demo = spawn(process.execPath, [join(REPO_ROOT, 'scripts', 'demo.mjs'), '--large'], {
      cwd: REPO_ROOT,
      env: { ...process.env, SYNCWARDEN_HOME: dir.path, SYNCWARDEN_DEMO_PORT: '0', SYNCWARDEN_DEMO_BROWSER: '1' },
      stdio: ['ignore', 'pipe', 'inherit'],
      detached: true,
    });
    url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('the large demo printed no URL within 60 s')), 60_000);
      createInterface({ input: demo.stdout! }).on('line', (line) => {
        if (line.includes('workspace are ready')) ready = line;
        const match = /Open: (http\S+)/.exec(line);
        if (match) {
          clearTimeout(timer);
          resolve(match[1] as string);
        }
      });
    });
    // Startup time is part of the promise ("big enough to watch", not to wait for): say it in the log.
    console.log(`large demo: URL after ${((Date.now() - startedAt) / 1000).toFixed(1)} s; ${ready}`);
    const { origin, searchParams } = new URL(url);
    bridge = await connectWsBridge(`${origin.replace('http', 'ws')}/ws?token=${searchParams.get('token')}`, origin);
  }, 90_000);

  afterAll(async () => {
    bridge?.close();
    await browser?.close();
    if (demo?.pid) process.kill(-demo.pid, 'SIGTERM');
    await new Promise((resolve) => setTimeout(resolve, 300));
    dir.remove();
  });

  it('seeds 2,000 users, 50,000 files and a 300,000-row sheet', () => {
    expect(ready).toMatch(new RegExp(`${LARGE.users.toLocaleString('en')} users and ${(LARGE.users * LARGE.filesPerUser).toLocaleString('en')} files`));
  });

  it('shows the active-runs badge on three other pages while the 300,000-row import runs', async () => {
    // The large world's sheet answers at the real Sheets API's pace for big reads (its `network`: a 2 MB
    // window takes seconds), so the import outlasts three page visits with no scripting of the emulator.
    browser = await launchChromium();
    const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    await page.goto(url);
    await page.getByRole('link', { name: 'Sheets' }).first().click();
    const card = page.locator('[data-testid^="sheet-source-"]').filter({ hasText: 'Orders (large)' });
    await card.getByRole('button', { name: 'Import Orders (large) now' }).click();
    const badge = page.getByTestId('active-runs-badge');
    await badge.waitFor({ state: 'visible', timeout: 15_000 });
    // The demo's own schedules (per-user storage and mail runs) may run beside the import: then the badge counts runs.
    // A scheduled run may have put its own name there a moment before the import registered. The badge names
    // the engine by its title ("Google Sheet import"), no longer by its id.
    const BADGE = /^(Google Sheet import|\d+ runs) · \d+%$/;
    await expect.poll(() => badge.textContent(), { timeout: 10_000 }).toMatch(BADGE);
    const [run] = (await call<{ items: Run[] }>('runs.list', { engine: 'sheet-import', states: ['queued', 'running'], limit: 5 })).items;
    if (!run) throw new Error('no sheet-import run is active after clicking Import now');
    await page.screenshot({ path: join(ARTIFACTS_DIR, 'demo-large-sheets.png') });

    for (const [label, path] of [
      ['Overview', /#\/$/],
      ['Storage', /#\/storage$/],
      ['Users', /#\/users$/],
    ] as const) {
      await page.getByRole('link', { name: label }).first().click();
      await expect.poll(() => page.url()).toMatch(path);
      await badge.waitFor({ state: 'visible', timeout: 5_000 });
      await expect.poll(() => badge.textContent(), { timeout: 5_000, message: label }).toMatch(BADGE);
      await page.screenshot({ path: join(ARTIFACTS_DIR, `demo-large-badge-${label.toLowerCase()}.png`) });
      // Seen while the run was really still running, not a stale badge.
      const { run: now } = await call<{ run: Run }>('runs.get', { id: run.id });
      expect(now.state, `${label}: the import is still running`).toBe('running');
      const active = await call<{ items: Run[] }>('runs.list', { states: ['queued', 'running'], limit: 10 });
      console.log(`${label}: badge "${await badge.textContent()}" with active runs ${active.items.map((r) => `${r.engine}/${r.trigger}`).join(', ')}`);
    }
    await narrowScreenshot(page);

    // The test ends the import itself (the suite stays short), and the badge goes away with it.
    await call('runs.cancel', { id: run.id });
    await badge.waitFor({ state: 'hidden', timeout: 20_000 });
  }, 60_000);
});

/** The badge in the header at 1024x768 too (the Users page with 2,000 rows behind it). */
async function narrowScreenshot(page: Page): Promise<void> {
  await page.setViewportSize({ width: 1024, height: 768 });
  await page.getByTestId('active-runs-badge').waitFor({ state: 'visible', timeout: 5_000 });
  await page.screenshot({ path: join(ARTIFACTS_DIR, 'demo-large-badge-users-1024.png') });
}
