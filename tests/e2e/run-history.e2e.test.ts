import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { methods } from '../../core/api/contract';
import type { BrowserServer } from '../../core/server/browser-server';
import { openConsole, type ConsoleHarness } from '../helpers/console-harness';
import { ARTIFACTS_DIR } from '../helpers/paths';
import type { TestApp } from '../helpers/test-app';
import { initCanonicalSchema } from '../../core/appdb/ddl';
import { openSqliteAppDb } from '../../core/appdb/sqlite.adapter';
import { makeTempDir } from '../helpers/temp-dir';

/**
 * Run history as an admin searches it: filter by engine, state and trigger (the filters stay in the
 * URL), open one schedule's own history from the Schedules page, and read and download what a run
 * did item by item. Screenshots at 1440×900 and 1024×768 are kept in tests/artifacts/.
 */
describe('e2e: run history filters, schedule histories and item logs (Chromium)', () => {
  let harness: ConsoleHarness;
  let app: TestApp;
  let server: BrowserServer;
  let page: Page;
  let consoleErrors: string[];
  const ids = { manual: 0, cliFailed: 0, cliOk: 0, scheduled: 0, scheduleId: 0 };

  const finished = async (runId: number) => {
    const run = await app.runs.waitFor(runId);
    return run?.id ?? 0;
  };
  const base = () => `http://127.0.0.1:${server.port}/`;
  const shoot = async (name: string) => {
    for (const [w, h] of [
      [1440, 900],
      [1024, 768],
    ] as const) {
      await page.setViewportSize({ width: w, height: h });
      await page.screenshot({ path: join(ARTIFACTS_DIR, `${name}-${w}.png`) });
    }
    await page.setViewportSize({ width: 1440, height: 900 });
  };
  const shownRunIds = async () =>
    (await page.locator('[data-testid^="run-row-"]').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-testid') ?? ''))).map((t) => Number(t.replace('run-row-', ''))).sort((a, b) => a - b);
  const pick = async (filter: string, option: string) => {
    await page.getByTestId(`runs-filter-${filter}`).click();
    // Mantine's own options (the Start-run form's native <select> has options of the same names).
    await page.locator('[data-combobox-option="true"]').getByText(option, { exact: true }).click();
    await page.keyboard.press('Escape');
  };

  beforeAll(async () => {
    harness = await openConsole({ viewport: { width: 1440, height: 900 }, stepTimeoutMs: 20_000 });
    ({ app, server, page, consoleErrors } = harness);
    ids.manual = await finished((await app.runs.start('demo', { items: 2500, findingEvery: 100 }, 'manual')).runId);
    ids.cliFailed = await finished((await app.runs.start('demo', { items: 50, failAt: 10 }, 'cli')).runId);
    ids.cliOk = await finished((await app.runs.start('demo', { items: 50, findingEvery: 0 }, 'cli')).runId);
    const schedule = (await app.handlers['schedules.create'](methods['schedules.create'].input.parse({ engine: 'demo', trigger: { kind: 'interval', minutes: 30 }, timeZone: 'UTC', params: { items: 20 } }), { actor: 'manual' })) as { id: number };
    ids.scheduleId = schedule.id;
    const { runId } = (await app.handlers['schedules.runNow']({ id: schedule.id }, { actor: 'manual' })) as { runId: number };
    ids.scheduled = await finished(runId);
  }, 60_000);

  const dir = makeTempDir();

  afterAll(async () => {
    await harness?.close();
    dir.remove();
  });

  it('filters the history by engine, state and trigger, and the URL carries the filters', async () => {
    await page.goto(server.url);
    await page.getByRole('link', { name: 'Runs' }).first().click();
    await page.locator(`[data-testid="run-row-${ids.manual}"]`).waitFor();
    expect(await shownRunIds()).toEqual([ids.manual, ids.cliFailed, ids.cliOk, ids.scheduled].sort((a, b) => a - b));

    await pick('engine', 'Demonstration');
    await pick('state', 'Succeeded');
    await pick('trigger', 'CLI');
    await expect.poll(shownRunIds).toEqual([ids.cliOk]);
    expect(decodeURIComponent(page.url())).toMatch(/\?engine=demo&state=succeeded&trigger=cli#\/runs$/);
    await shoot('runs-filtered');

    // The filtered view is a link: opened afresh, it shows the same runs.
    await page.goto(`${base()}?engine=demo&state=failed,succeeded&trigger=cli#/runs`);
    await expect.poll(shownRunIds).toEqual([ids.cliFailed, ids.cliOk]);
    // A user's history is a scope; one nobody ran says so.
    await page.goto(`${base()}?scope=${encodeURIComponent('user:nobody@example.com,user:u-404')}#/runs`);
    await page.getByTestId('runs-none-match').waitFor();
    await page.getByRole('button', { name: 'Clear filters' }).click();
    await expect.poll(shownRunIds).toHaveLength(4);
    expect(consoleErrors).toEqual([]);
  });

  it("opens a schedule's own history from the Schedules page", async () => {
    await page.goto(`${base()}#/schedules`);
    await page.getByTestId(`schedule-history-${ids.scheduleId}`).click();
    await expect.poll(() => decodeURIComponent(page.url())).toMatch(new RegExp(`\\?schedule=${ids.scheduleId}#/runs$`));
    await expect.poll(shownRunIds).toEqual([ids.scheduled]);
    await expect.poll(() => page.getByTestId('schedule-filter').textContent()).toMatch(/Schedule #\d+: Demonstration, every 30 minutes/);
    await shoot('runs-schedule-history');
    await page.getByRole('button', { name: 'Show runs of every schedule' }).click();
    await expect.poll(shownRunIds).toHaveLength(4);
    expect(consoleErrors).toEqual([]);
  });

  it("opens a run's item log and downloads it as JSON lines", async () => {
    await page.goto(`${base()}?run=${ids.manual}#/runs`);
    const drawer = page.getByRole('dialog');
    await drawer.waitFor();
    await drawer.getByTestId('run-items-tab').click();
    await drawer.getByTestId('run-items').waitFor();
    await expect.poll(() => drawer.getByTestId('run-item-line').count()).toBe(25);
    await expect.poll(() => drawer.getByTestId('run-items').textContent()).toMatch(/Done: 25/);
    expect(await drawer.getByTestId('run-item-line').first().textContent()).toMatch(/item 99.*record.*Done.*Item 99 differs from its source/);
    await shoot('run-item-log');

    const [download] = await Promise.all([page.waitForEvent('download'), drawer.getByTestId('run-items-download').click()]);
    expect(download.suggestedFilename()).toBe(`run-${ids.manual}-items.jsonl`);
    const file = join(ARTIFACTS_DIR, download.suggestedFilename());
    await download.saveAs(file);
    const lines = readFileSync(file, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines).toHaveLength(26);
    expect(lines[0]).toMatchObject({ runId: ids.manual, seq: 1, item: 'item 99', action: 'record', outcome: 'done' });
    expect(lines.at(-1)).toEqual({ runId: ids.manual, summary: true, kept: 25, notKept: 0, counts: { done: 25 } });

    // Past the per-run bound only counts are kept, and the log says how many lines were not.
    const big = await finished((await app.runs.start('demo', { items: 1200, findingEvery: 1 }, 'manual')).runId);
    await page.goto(`${base()}?run=${big}#/runs`);
    await page.getByRole('dialog').getByTestId('run-items-tab').click();
    await page.getByRole('dialog').getByTestId('run-items').waitFor();
    await page.getByRole('dialog').getByRole('button', { name: '10' }).click();
    await expect.poll(() => page.getByRole('dialog').getByTestId('run-items-not-kept').textContent()).toMatch(/200 more not kept: a run keeps its first 1,000 lines/);
    expect(await page.getByRole('dialog').getByTestId('run-items').textContent()).toMatch(/Done: 1,200/);
    await page.getByRole('dialog').getByTestId('run-items-not-kept').scrollIntoViewIfNeeded();
    await shoot('run-item-log-bounded');

    // A run that logged no item says so instead of an empty table.
    await page.goto(`${base()}?run=${ids.cliOk}#/runs`);
    await page.getByRole('dialog').getByTestId('run-items-tab').click();
    await page.getByRole('dialog').getByTestId('run-items-empty').waitFor();
    expect(consoleErrors).toEqual([]);
  });

  it("picks a person with the user picker: that user's runs under every scope naming them (id or email, per provider, repair); a raw scope stays possible", async () => {
    const productDb = join(dir.path, 'product.db');
    const db = openSqliteAppDb({ path: productDb, create: true });
    await initCanonicalSchema(db);
    await db.executeMany('INSERT INTO users (id, email, name) VALUES (?, ?, ?)', [
      ['u-ada', 'ada@example.com', 'Ada Lovelace'],
      ['u-grace', 'grace@example.com', 'Grace Hopper'],
    ]);
    await db.close();
    await app.connections.create({ kind: 'appdb', name: 'Product', config: { driver: 'sqlite', path: productDb }, secrets: {} } as never);
    // The demo engine's scope is a parameter: runs keyed as the real engines key them.
    const scoped = async (scope: string) => finished((await app.runs.start('demo', { items: 5, findingEvery: 0, scope }, 'manual')).runId);
    const ada = [await scoped('user:u-ada'), await scoped('user:u-ada:google'), await scoped('user:ada@example.com:dropbox'), await scoped('repair:user:u-ada')];
    const grace = await scoped('user:u-grace');

    await page.goto(`${base()}#/runs`);
    await page.locator(`[data-testid="run-row-${grace}"]`).waitFor();
    const user = page.getByTestId('runs-filter-user');
    await user.fill('Lovelace');
    await page.locator('[data-combobox-option="true"]').getByText('ada@example.com', { exact: true }).click();
    await expect.poll(shownRunIds).toEqual(ada);
    expect(decodeURIComponent(page.url())).toMatch(/\?user=ada@example\.com#\/runs$/);
    await shoot('runs-user-filter');
    // The filter bar and the table it filters, in view at both sizes.
    for (const width of [1440, 1024]) {
      await page.setViewportSize({ width, height: width === 1440 ? 900 : 768 });
      await page.getByRole('search', { name: 'Filter runs' }).evaluate((node) => node.scrollIntoView({ block: 'start' }));
      await page.screenshot({ path: join(ARTIFACTS_DIR, `runs-user-filter-table-${width}.png`) });
    }
    await page.setViewportSize({ width: 1440, height: 900 });

    // The link alone shows the same runs; Clear filters empties the picker too.
    await page.goto(`${base()}?user=u-ada#/runs`);
    await expect.poll(shownRunIds).toEqual(ada);
    expect(await user.inputValue()).toBe('u-ada');
    await page.getByRole('button', { name: 'Clear filters' }).click();
    await expect.poll(() => user.inputValue()).toBe('');
    await expect.poll(shownRunIds).toContain(grace);

    // Other scopes are still typed: "all" is the All-users runs, and typing one replaces a picked user.
    await page.goto(`${base()}?user=u-grace#/runs`);
    await expect.poll(shownRunIds).toEqual([grace]);
    await page.getByTestId('runs-filter-scope').fill('all');
    await expect.poll(() => user.inputValue()).toBe('');
    // Polled together: while the typed scope is still partial ('a', 'al') the table is briefly empty, which
    // holds none of the users' runs but none of the All-users runs either (CI once read it in that moment).
    await expect
      .poll(async () => {
        const shown = await shownRunIds();
        return { users: shown.filter((id) => [...ada, grace].includes(id)), all: [ids.manual, ids.cliFailed, ids.cliOk, ids.scheduled].every((id) => shown.includes(id)) };
      })
      .toEqual({ users: [], all: true });
    expect(decodeURIComponent(page.url())).toMatch(/\?scope=all#\/runs$/);
    expect(consoleErrors).toEqual([]);
  });
});
