import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initCanonicalSchema } from '../../core/appdb/ddl';
import { openSqliteAppDb } from '../../core/appdb/sqlite.adapter';
import { openConsole, type ConsoleHarness } from '../helpers/console-harness';
import { ARTIFACTS_DIR } from '../helpers/paths';
import { makeTempDir } from '../helpers/temp-dir';

const WIDE = { width: 1440, height: 900 };
const NARROW = { width: 1024, height: 768 };

/**
 * People, not ids, as an admin meets them: the schedule form finds a user by
 * part of a name, the saved schedule lists them by email and name; a user
 * the product database does not know is refused when saving, under the
 * field; the Runs page, a run's detail, Overview and Findings name users by
 * email (the id only on hover), and an id nobody has is shown as given.
 */
describe('e2e: the user picker and people instead of ids (Chromium)', () => {
  const dir = makeTempDir();
  const productDb = join(dir.path, 'product.db');
  let harness: ConsoleHarness;
  let page: Page;
  const runIds: Record<string, number> = {};
  const shot = async (name: string, viewport: { width: number; height: number }) => {
    await page.setViewportSize(viewport);
    await page.waitForTimeout(300);
    await page.screenshot({ path: join(ARTIFACTS_DIR, name), animations: 'disabled' });
  };

  beforeAll(async () => {
    const db = openSqliteAppDb({ path: productDb, create: true });
    await initCanonicalSchema(db);
    await db.executeMany('INSERT INTO users (id, email, name, email_verified, role) VALUES (?, ?, ?, 1, ?)', [
      ['u-ada', 'ada@example.com', 'Ada Lovelace', 'user'],
      ['u-grace', 'grace@example.com', 'Grace Hopper', 'user'],
      ['u-alan', 'alan@example.com', 'Alan Turing', 'user'],
      ['u-barbara', 'barbara.liskov@example.com', 'Barbara Liskov', 'admin'],
    ]);
    await db.close();
    harness = await openConsole({ stepTimeoutMs: 20_000, viewport: WIDE });
    page = harness.page;
    await harness.app.connections.create({ kind: 'appdb', name: 'Product', config: { driver: 'sqlite', path: productDb }, secrets: {} } as never);
    // Finished runs of one user (by id, by email) and of an id the product database does not know, and a finding about Grace's file.
    const store = harness.app.store;
    const at = (minutesAgo: number) => new Date(Date.now() - minutesAgo * 60_000).toISOString();
    for (const [name, engine, scope, ago] of [
      ['ada', 'mail-import', 'user:u-ada', 30],
      ['grace', 'storage-orphans', 'user:u-grace:google', 20],
      ['ghost', 'mail-import', 'user:u-ghost', 10],
    ] as const) {
      const { id } = await store.runs.insertQueued({ engine, scope, trigger: 'manual', params: { mode: 'check' }, ownerPid: process.pid, now: at(ago) });
      await store.runs.transition(id, ['queued'], 'running', { startedAt: at(ago) }, at(ago));
      await store.runs.transition(id, ['running'], 'succeeded', { finishedAt: at(ago - 1), result: {} }, at(ago - 1));
      runIds[name] = id;
    }
    // Repairs: of everyone (the storage engine's single-flight key "repair:all") and of one user by id.
    for (const [name, scope, params, ago] of [
      ['repairAll', 'repair:all', { mode: 'repair', all: true }, 40],
      ['repairAda', 'repair:user:u-ada', { mode: 'repair', user: 'u-ada' }, 35],
    ] as const) {
      const { id } = await store.runs.insertQueued({ engine: 'storage-orphans', scope, trigger: 'manual', params, ownerPid: process.pid, now: at(ago) });
      await store.runs.transition(id, ['queued'], 'running', { startedAt: at(ago) }, at(ago));
      await store.runs.transition(id, ['running'], 'succeeded', { finishedAt: at(ago - 1), result: {} }, at(ago - 1));
      runIds[name] = id;
    }
    await store.findings.insertMany(
      runIds.grace as number,
      'storage-orphans',
      [{ subject: 'file:f-77', userEmail: null, kind: 'orphan', reason: 'The Drive file is gone', proposedAction: 'Quarantine the row', details: { userId: 'u-grace', provider: 'google', fileName: 'Q3 report.pdf', fileRowId: 'f-77' } }],
      at(19),
      'user:u-grace:google',
    );
  }, 60_000);

  afterAll(async () => {
    await harness?.close();
    dir.remove();
  });

  it('picks a user by part of the name, saves, and lists the schedule with email and name', async () => {
    await page.goto(harness.server.url);
    await page.getByRole('link', { name: 'Schedules' }).first().click();
    await page.getByTestId('add-schedule').click();
    await page.getByTestId('schedule-engine').selectOption('mail-import');
    await page.getByTestId('schedule-scope').getByText('One user').click();
    const user = page.getByTestId('schedule-user');
    await user.fill('love');
    const listbox = page.getByRole('listbox');
    const option = listbox.getByRole('option', { name: /ada@example\.com/ });
    // The host searched by name: only Ada is offered, with her name and id beside the email.
    await expect.poll(() => listbox.getByRole('option').count()).toBe(1);
    expect(await option.textContent()).toContain('Ada Lovelace');
    await shot('user-picker-search-1440.png', WIDE);
    await shot('user-picker-search-1024.png', NARROW);
    await option.click();
    expect(await user.inputValue()).toBe('ada@example.com');
    await page.getByText('Ada Lovelace · user id u-ada').waitFor();
    await page.getByTestId('schedule-save').click();

    await expect.poll(async () => (await harness.app.store.schedules.list()).filter((s) => s.origin === 'console').length).toBe(1);
    const [saved] = (await harness.app.store.schedules.list()).filter((s) => s.origin === 'console');
    // The email picked is kept as the user's id: a later change of email does not orphan the schedule.
    expect(saved?.scope).toEqual({ kind: 'user', userId: 'u-ada' });
    const scope = page.getByTestId(`schedule-scope-${saved?.id}`);
    await expect.poll(() => scope.textContent()).toBe('ada@example.com');
    await expect.poll(() => page.getByTestId(`schedule-row-${saved?.id}`).textContent()).toContain('Ada Lovelace');
    expect(await page.getByTestId(`schedule-row-${saved?.id}`).textContent()).not.toContain('u-ada');
    // The id is on hover.
    await scope.hover();
    await page.getByRole('tooltip', { name: 'User id u-ada' }).waitFor();
    await page.mouse.move(0, 0);
    await page.locator('.mantine-Notification-root').first().waitFor({ state: 'detached', timeout: 10_000 }).catch(() => undefined);
    await shot('user-picker-schedules-1440.png', WIDE);
    await shot('user-picker-schedules-1024.png', NARROW);
    await page.setViewportSize(WIDE);

    // Editing it, the field holds the stored id and says whose it is.
    await page.getByTestId(`schedule-edit-${saved?.id}`).click();
    expect(await page.getByTestId('schedule-user').inputValue()).toBe('u-ada');
    await page.getByText('ada@example.com · Ada Lovelace · user id u-ada').waitFor();
    await shot('user-picker-edit-1440.png', WIDE);
    await page.getByRole('button', { name: 'Cancel' }).click();
    await page.getByRole('dialog').waitFor({ state: 'detached' });
  });

  it('refuses a user the product database does not know, with a visible message under the field, and saves nothing', async () => {
    await page.getByTestId('add-schedule').click();
    await page.getByTestId('schedule-engine').selectOption('mail-import');
    await page.getByTestId('schedule-scope').getByText('One user').click();
    await page.getByTestId('schedule-user').fill('nobody@example.com');
    await page.getByText('No user’s email, name or id contains “nobody@example.com”.').waitFor();
    await page.getByTestId('schedule-save').click();
    const message = page.getByText('there is no user "nobody@example.com" in the product database', { exact: false });
    await message.waitFor();
    expect(await message.isVisible()).toBe(true);
    expect((await harness.app.store.schedules.list()).filter((s) => s.origin === 'console')).toHaveLength(1);
    await shot('user-picker-refused-1440.png', WIDE);
    await shot('user-picker-refused-1024.png', NARROW);
    await page.setViewportSize(WIDE);
    await page.getByRole('button', { name: 'Cancel' }).click();
  });

  it('the Runs page and a run’s detail name users by email, the id on hover; an unknown id is shown as given', async () => {
    await page.getByRole('link', { name: 'Runs' }).first().click();
    const ada = page.getByTestId(`run-scope-${runIds.ada}`);
    await expect.poll(() => ada.textContent()).toBe('ada@example.com');
    expect(await page.getByTestId(`run-row-${runIds.ada}`).textContent()).toContain('Ada Lovelace');
    expect(await page.getByTestId(`run-row-${runIds.ada}`).textContent()).not.toContain('user:u-ada');
    await expect.poll(() => page.getByTestId(`run-scope-${runIds.grace}`).textContent()).toBe('grace@example.com');
    expect(await page.getByTestId(`run-row-${runIds.grace}`).textContent()).toContain('· Drive');
    await expect.poll(() => page.getByTestId(`run-scope-${runIds.ghost}`).textContent()).toBe('u-ghost');
    await ada.hover();
    await page.getByRole('tooltip', { name: 'User id u-ada' }).waitFor();
    await page.mouse.move(0, 0);
    await shot('people-runs-1440.png', WIDE);
    await shot('people-runs-1024.png', NARROW);
    await page.setViewportSize(WIDE);

    await page.getByTestId(`run-row-${runIds.ada}`).click();
    await expect.poll(() => page.getByTestId('run-detail-scope').textContent()).toBe('ada@example.com');
    await shot('people-run-detail-1440.png', WIDE);
    await page.keyboard.press('Escape');
  });

  it('a repair of everyone reads "All users" and a repair of one user names the user; the mode is shown beside the engine', async () => {
    const repairs = { all: runIds.repairAll, ada: runIds.repairAda };
    await page.getByRole('link', { name: 'Runs' }).first().click();
    await expect.poll(() => page.getByTestId(`run-scope-${repairs.all}`).textContent()).toBe('All users');
    await expect.poll(() => page.getByTestId(`run-scope-${repairs.ada}`).textContent()).toBe('ada@example.com');
    expect(await page.getByTestId(`run-mode-${repairs.all}`).textContent()).toContain('repair');
    expect(await page.getByTestId(`run-row-${repairs.all}`).textContent()).not.toContain('repair:all');
    await shot('runs-repair-scope-1440.png', WIDE);
    await shot('runs-repair-scope-1024.png', NARROW);
    await page.setViewportSize(WIDE);
  });

  it('Overview’s recent runs and the Findings page name the user by email', async () => {
    await page.getByRole('link', { name: 'Overview' }).first().click();
    await expect.poll(async () => (await page.getByTestId('recent-run-person').allTextContents()).join('|')).toContain('ada@example.com');
    await shot('people-overview-1440.png', WIDE);

    await page.getByRole('link', { name: 'Findings' }).first().click();
    const row = page.locator('[data-testid^="finding-row-"]').first();
    await expect.poll(() => row.textContent()).toContain('grace@example.com');
    expect(await row.textContent()).toContain('Grace Hopper');
    await row.click();
    await expect.poll(() => page.getByTestId('finding-detail-user').textContent()).toBe('grace@example.com');
    await shot('people-findings-1440.png', WIDE);
    await shot('people-findings-1024.png', NARROW);
    await page.setViewportSize(WIDE);
    expect(harness.consoleErrors).toEqual([]);
  });
});
