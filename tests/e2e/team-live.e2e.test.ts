import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSyncwarden, type Syncwarden } from '../../core/app/app';
import { startTeamMode } from '../../core/queue/team-mode';
import { launchChromium } from '../helpers/browser';
import { assertBuilt } from '../helpers/cli';
import { ARTIFACTS_DIR, CLI_BIN, RENDERER_DIR, REPO_ROOT } from '../helpers/paths';
import { PG_PASSWORD, usePostgres } from '../helpers/postgres';
import { makeTempDir } from '../helpers/temp-dir';
import { until } from '../helpers/wait';

/**
 * Team mode in the browser: `syncwarden serve` on a PostgreSQL store, a run executed by a separate
 * `syncwarden worker` process; the console says a run waits when no worker runs, then shows the run's
 * progress advancing live and the worker with its job on the Workers page. Screenshots at 1440×900 and 1024×768.
 */
const server = usePostgres();
const serveDir = makeTempDir();
const otherDir = makeTempDir();
let storeUrl = '';
let browser: Browser;
let page: Page;
let url = '';
let other: Syncwarden;
const children: ReturnType<typeof spawn>[] = [];

/** The `syncwarden` command as it ships (bin/syncwarden.js on the bundle `npm run build` makes, like the renderer this test serves). */
function cli(dataDir: string, args: string[]) {
  const child = spawn(process.execPath, [CLI_BIN, '--data-dir', dataDir, '--with-demo-engine', '--json', ...args], {
    cwd: REPO_ROOT,
    env: { ...process.env, PGPASSWORD: PG_PASSWORD },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  let out = '';
  child.stdout?.on('data', (chunk: Buffer) => (out += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (out += chunk.toString()));
  return { child, out: () => out, exited: once(child, 'exit') as Promise<[number | null]> };
}

async function shoot(name: string): Promise<void> {
  for (const [w, h] of [
    [1440, 900],
    [1024, 768],
  ] as const) {
    await page.setViewportSize({ width: w, height: h });
    await page.evaluate('window.scrollTo(0, 0)');
    await page.waitForTimeout(150);
    await page.screenshot({ path: join(ARTIFACTS_DIR, `${name}-${w}.png`), fullPage: true });
  }
  await page.setViewportSize({ width: 1440, height: 900 });
}

beforeAll(async () => {
  assertBuilt();
  await server().createDatabase('team');
  storeUrl = `postgres://postgres@127.0.0.1:${server().port}/team`;
  process.env.PGPASSWORD = PG_PASSWORD;
  const serve = cli(serveDir.path, ['--store', storeUrl, 'serve', '--port', '0', '--renderer-dir', RENDERER_DIR]);
  // Chromium starts while serve does: it shares nothing with the store.
  const launched = launchChromium();
  launched.catch(() => undefined); // its failure is thrown below, once serve has been waited for
  try {
    await until(() => serve.out().includes('"url"'), 90_000, `serve started:\n${serve.out()}`);
  } finally {
    browser = await launched;
  }
  url = (JSON.parse(serve.out().split('\n').find((line) => line.includes('"url"')) ?? '{}') as { url: string }).url;
  // Another console (another machine) on the same store, to start a long run while the page watches.
  other = await createSyncwarden({
    dataDir: otherDir.path,
    host: 'browser',
    withDemoEngine: true,
    store: storeUrl,
    teamMode: ({ url: u, password, store, log }) => startTeamMode({ url: u, ...(password === undefined ? {} : { password }), db: store.db, log }),
  });
  page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
  page.setDefaultTimeout(25_000);
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await other?.close();
  // Every child gone before its data dir is: waited for, not slept on (at most 5 s, side by side).
  await Promise.all(
    children.map(async (child) => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = once(child, 'exit');
      child.kill('SIGTERM');
      await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 5_000).unref())]);
    }),
  );
  serveDir.remove();
  otherDir.remove();
});

describe('e2e: team mode, a console watching a worker process (PostgreSQL, Chromium)', () => {
  it('says a run waits for a worker, then shows a worker\'s run progressing live and the worker with its job', async () => {
    await page.goto(url);
    await page.getByRole('link', { name: 'Runs' }).first().click();
    await page.getByTestId('engine-select').selectOption('demo');
    await page.getByLabel('Items').fill('50');
    await page.getByTestId('start-run').click();
    const notice = page.getByText('no worker is running; start one with `syncwarden worker`');
    await notice.first().waitFor({ state: 'visible' });
    await shoot('team-queued-no-worker');

    const worker = cli(otherDir.path, ['worker', '--store', storeUrl, '--engines', 'demo', '--concurrency', '1', '--drain-timeout', '5']);
    await until(() => worker.out().includes('"worker.started"'), 90_000, `worker started:\n${worker.out()}`);
    const workerId = (JSON.parse(worker.out().split('\n').find((line) => line.includes('"worker.started"')) ?? '{}') as { id: string }).id;
    // The waiting run is taken and finished by the worker.
    await until(async () => (await other.store.runs.list({ limit: 5, offset: 0 })).items.every((r) => r.state === 'succeeded'), 60_000, 'the queued run done');

    // A long run started elsewhere: the worker executes it, this console watches.
    const { runId } = await other.runs.start('demo', { items: 240, pageSize: 2, delayMsPerPage: 150, scope: 'live' }, 'manual');
    await until(async () => (await other.store.runs.get(runId))?.state === 'running', 30_000, 'the worker took the run');
    await page.getByRole('link', { name: 'Workers' }).first().click();
    const running = page.getByTestId(`worker-running-${workerId}`);
    await expect.poll(() => running.textContent(), { timeout: 20_000 }).toBe('1 of 1');
    await shoot('team-worker-running');

    await page.getByRole('link', { name: 'Runs' }).first().click();
    const bar = page.getByTestId(`run-progress-${runId}`).and(page.locator('[role="progressbar"]'));
    await bar.first().waitFor({ state: 'visible' });
    const seen = new Set<number>();
    let shot = false;
    await expect
      .poll(
        async () => {
          const value = Number(await bar.first().getAttribute('aria-valuenow'));
          seen.add(value);
          if (!shot && value > 20 && value < 80) {
            shot = true;
            await shoot('team-live-progress');
          }
          return value;
        },
        { timeout: 90_000, interval: 100 },
      )
      .toBe(100);
    // Live: the bar moved through several values while the worker ran it.
    expect([...seen].filter((v) => v > 0 && v < 100).length).toBeGreaterThan(2);
    expect((await other.store.runs.get(runId))?.state).toBe('succeeded');
    worker.child.kill('SIGTERM');
    expect((await worker.exited)[0]).toBe(0);
  }, 300_000);
});
