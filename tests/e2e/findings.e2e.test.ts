import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openConsole, type ConsoleHarness } from '../helpers/console-harness';
import { ARTIFACTS_DIR } from '../helpers/paths';

const STORAGE = 'storage-orphans';

/**
 * The Findings page as an admin meets it: open findings by default (the filter visible, changeable and kept in
 * the URL), one row per subject, and the drawer's actions as the finding's engine declares them: a storage
 * finding's repair asks the Storage page's own question and starts a repair run of just that finding; a
 * quarantined one offers its restore.
 */
describe('e2e: the Findings page (Chromium)', () => {
  let harness: ConsoleHarness;
  let page: Page;
  const ids: Record<'lost' | 'draft' | 'quarantined' | 'superseded', number> = { lost: 0, draft: 0, quarantined: 0, superseded: 0 };

  beforeAll(async () => {
    harness = await openConsole({ viewport: { width: 1440, height: 900 } });
    page = harness.page;
    const { store } = harness.app;
    const now = new Date().toISOString();
    const old = await store.runs.insertQueued({ engine: STORAGE, scope: 'all', trigger: 'manual', params: { mode: 'check' }, ownerPid: 1, now });
    const run = (id: number) => store.runs.transition(id, ['queued'], 'cancelled', {}, now);
    await run(old.id);
    const finding = (subject: string, name: string, email: string) => ({
      subject,
      userEmail: email,
      kind: 'orphan-file',
      reason: `${name} is gone from Google Drive`,
      proposedAction: 'Quarantine the file row',
      details: { fileName: name, provider: 'google' },
    });
    // An older check's finding of the same file, superseded when the newer check found it again.
    await store.findings.insertMany(old.id, STORAGE, [finding('file:f-ada-9', 'Old copy.pdf', 'ada@example.com')], now);
    await store.findings.supersede(STORAGE, 'all', old.id + 1, now);
    const check = await store.runs.insertQueued({ engine: STORAGE, scope: 'all', trigger: 'manual', params: { mode: 'check' }, ownerPid: 1, now });
    await run(check.id);
    await store.findings.insertMany(
      check.id,
      STORAGE,
      [finding('file:f-ada-3', 'Lost contract.pdf', 'ada@example.com'), finding('file:f-grace-2', 'Deleted draft.txt', 'grace@example.com'), finding('file:f-ada-4', 'Old invoice.pdf', 'ada@example.com')],
      now,
    );
    const all = (await store.findings.list({ limit: 50, offset: 0, sort: 'createdAt', direction: 'asc' })).items;
    const bySubject = (subject: string) => all.find((f) => f.subject === subject && f.status !== 'superseded')?.id ?? 0;
    ids.lost = bySubject('file:f-ada-3');
    ids.draft = bySubject('file:f-grace-2');
    ids.quarantined = bySubject('file:f-ada-4');
    ids.superseded = all.find((f) => f.status === 'superseded')?.id ?? 0;
    await store.findings.setStatus([ids.quarantined], 'quarantined', now);
    expect(Object.values(ids).every((id) => id > 0)).toBe(true);
  });

  afterAll(async () => {
    await harness?.close();
  });

  const rows = () => page.locator('[data-testid^="finding-row-"]');

  it('shows open findings by default, says so in the filter and the URL', async () => {
    await page.goto(harness.server.url);
    await page.getByRole('link', { name: 'Findings' }).first().click();
    await page.getByTestId('findings-table').waitFor({ state: 'visible' });
    await expect.poll(() => rows().count()).toBe(2);
    expect(await page.getByTestId('findings-status').inputValue()).toBe('Open');
    await expect.poll(() => new URL(page.url()).searchParams.get('status')).toBe('open');
    // The engine by its title, as the sidebar names it, not its id.
    await expect.poll(() => rows().first().locator('td').nth(1).textContent()).toBe('Storage orphans');
    await page.screenshot({ path: join(ARTIFACTS_DIR, 'findings-open-1440.png') });
  });

  it('another status is one choice away, survives a reload, and leaves with the page', async () => {
    await page.getByTestId('findings-status').click();
    await page.getByRole('option', { name: 'Quarantined' }).click();
    await expect.poll(() => rows().count()).toBe(1);
    await expect.poll(() => new URL(page.url()).searchParams.get('status')).toBe('quarantined');
    await page.reload();
    await page.getByTestId(`finding-row-${ids.quarantined}`).waitFor({ state: 'visible' });
    expect(await page.getByTestId('findings-status').inputValue()).toBe('Quarantined');
    // Any status shows the history too: the superseded finding of an earlier check.
    await page.getByRole('button', { name: 'Clear filters' }).click();
    await expect.poll(() => rows().count()).toBe(4);
    await expect.poll(() => new URL(page.url()).searchParams.get('status')).toBe('any');
    await page.getByRole('link', { name: 'Overview' }).first().click();
    await expect.poll(() => new URL(page.url()).searchParams.get('status')).toBeNull();
    await page.getByRole('link', { name: 'Findings' }).first().click();
    await expect.poll(() => rows().count()).toBe(2);
  });

  it('filters by kind in the engines’ own words, not by typing a kind id', async () => {
    await page.getByTestId('findings-kind').click();
    await page.getByRole('option', { name: 'File trashed' }).waitFor({ state: 'visible' });
    await page.getByRole('option', { name: 'File gone' }).click();
    expect(await page.getByTestId('findings-kind').inputValue()).toBe('File gone');
    // The fixtures' findings are of another kind ('orphan-file'): none is a 'File gone'.
    await expect.poll(() => rows().count()).toBe(0);
    await page.getByRole('link', { name: 'Overview' }).first().click();
    await page.getByRole('link', { name: 'Findings' }).first().click();
    await expect.poll(() => rows().count()).toBe(2);
  });

  it('the drawer of a quarantined row offers its restore, and nothing else', async () => {
    await page.getByTestId('findings-status').click();
    await page.getByRole('option', { name: 'Quarantined' }).click();
    await page.getByTestId(`finding-row-${ids.quarantined}`).click();
    await page.getByTestId('finding-restore').waitFor({ state: 'visible' });
    expect(await page.getByTestId('finding-repair').count()).toBe(0);
    await page.keyboard.press('Escape');
    await page.getByTestId('finding-restore').waitFor({ state: 'hidden' });
  });

  it('repairs one open finding from its drawer, asked as the Storage page asks', async () => {
    await page.getByTestId('findings-status').click();
    await page.getByRole('option', { name: 'Open' }).click();
    await page.getByTestId(`finding-row-${ids.lost}`).click();
    await page.getByTestId('finding-repair').waitFor({ state: 'visible' });
    await page.screenshot({ path: join(ARTIFACTS_DIR, 'findings-drawer-1440.png') });
    await page.getByTestId('finding-repair').click();
    await page.getByTestId('storage-quarantine-confirm').waitFor({ state: 'visible' });
    expect(await page.getByTestId('confirm-action-count').textContent()).toMatch(/Affects 1 file row/);
    // Without a product database the console cannot promise a whole restore: it says so and waits for agreement.
    if (await page.getByTestId('storage-quarantine-agree').isVisible()) await page.getByTestId('storage-quarantine-agree').check();
    await page.screenshot({ path: join(ARTIFACTS_DIR, 'findings-repair-confirm-1440.png') });
    await page.getByTestId('storage-quarantine-confirm').click();
    await expect
      .poll(async () => (await harness.app.store.runs.list({ engine: STORAGE, limit: 10, offset: 0 })).items.find((r) => r.params.mode === 'repair')?.params.findingIds)
      .toEqual([ids.lost]);
  });

  it('reads at 1024×768', async () => {
    await page.setViewportSize({ width: 1024, height: 768 });
    await page.keyboard.press('Escape');
    await page.getByTestId(`finding-row-${ids.draft}`).click();
    await page.getByTestId('finding-repair').waitFor({ state: 'visible' });
    await page.screenshot({ path: join(ARTIFACTS_DIR, 'findings-drawer-1024.png') });
    await page.keyboard.press('Escape');
    await page.screenshot({ path: join(ARTIFACTS_DIR, 'findings-open-1024.png') });
    expect(harness.consoleErrors).toEqual([]);
  });
});
