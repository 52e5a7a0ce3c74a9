import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initCanonicalSchema } from '../../core/appdb/ddl';
import { openSqliteAppDb } from '../../core/appdb/sqlite.adapter';
import { startSupabaseEmulator, SUPABASE_ROUTES, type SeedUser, type SupabaseEmulator } from '../emulators/supabase/supabase.emulator';
import { openConsole, type ConsoleHarness } from '../helpers/console-harness';
import { ARTIFACTS_DIR } from '../helpers/paths';
import { makeTempDir } from '../helpers/temp-dir';

const KEYS = { serviceRoleKey: 'service-key', anonKey: 'anon-key' };
const id = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
const email = (n: number) => `user${String(n).padStart(3, '0')}@example.com`;
/** 0…117 in both; 118…119 only in the users table; 120…122 only in Supabase; 7 and 9 renamed in Supabase. */
const LOCAL = Array.from({ length: 120 }, (_, n) => n);
const REMOTE = [...Array.from({ length: 118 }, (_, n) => n), 120, 121, 122];
const TOTAL = 123;
const signedIn = (n: number) => (n % 2 === 0 ? `2026-11-${String(1 + (n % 28)).padStart(2, '0')}T08:15:00.000Z` : undefined);
const WIDE = { width: 1440, height: 900 };
const NARROW = { width: 1024, height: 768 };

/**
 * The Users page as an admin uses it: page through the users, open one with a
 * click or the keyboard, read both sides in full with the user's findings and
 * audit, and meet a confirmation before every destructive button elsewhere
 * (stopping a run, removing a connection, deleting a schedule, removing a
 * sheet source, running an auto-repairing schedule now), where Cancel leaves
 * everything as it was.
 */
describe('e2e: the Users page detail panel, paging and confirmations (Chromium)', () => {
  const dir = makeTempDir();
  const productDb = join(dir.path, 'product.db');
  let harness: ConsoleHarness;
  let emulator: SupabaseEmulator;
  let page: Page;
  const manual = { actor: 'manual' as const };
  const closeToasts = async () => {
    for (const button of await page.locator('.mantine-Notification-closeButton').all()) await button.click().catch(() => undefined);
    await page.locator('.mantine-Notification-root').first().waitFor({ state: 'detached' });
  };
  const shot = async (name: string, viewport: { width: number; height: number }, fullPage = false) => {
    await page.setViewportSize(viewport);
    await page.waitForTimeout(300);
    await page.screenshot({ path: join(ARTIFACTS_DIR, name), animations: 'disabled', fullPage });
  };

  beforeAll(async () => {
    const db = openSqliteAppDb({ path: productDb, create: true });
    await initCanonicalSchema(db);
    await db.execute('ALTER TABLE users ADD COLUMN plan TEXT');
    await db.execute('ALTER TABLE users ADD COLUMN password_hash TEXT');
    await db.executeMany(
      'INSERT INTO users (id, email, name, email_verified, role, plan, password_hash, created_at) VALUES (?, ?, ?, 1, ?, ?, ?, ?)',
      LOCAL.map((n) => [id(n), email(n), `User ${n}`, n === 3 ? 'admin' : 'user', n % 3 === 0 ? 'pro' : 'free', `$2b$10$secret-hash-${n}`, '2025-06-01T09:00:00.000Z']),
    );
    await db.close();
    const seed: SeedUser[] = REMOTE.map((n) => ({
      id: id(n),
      email: email(n),
      email_confirmed_at: '2025-06-01T09:05:00.000Z',
      created_at: '2025-06-01T09:00:00.000Z',
      user_metadata: { full_name: n === 7 || n === 9 ? `Renamed ${n}` : `User ${n}` },
      app_metadata: { role: n === 3 ? 'admin' : 'user' },
      ...(signedIn(n) ? { last_sign_in_at: signedIn(n) } : {}),
    }));
    emulator = await startSupabaseEmulator({ ...KEYS, users: seed });
    harness = await openConsole({ stepTimeoutMs: 15_000, viewport: WIDE });
    page = harness.page;
    await harness.app.connections.create({ kind: 'appdb', name: 'Product', config: { driver: 'sqlite', path: productDb }, secrets: {} } as never);
    await harness.app.connections.create({ kind: 'supabase', name: 'Supabase', config: { url: emulator.url }, secrets: { serviceRoleKey: KEYS.serviceRoleKey } });
    // A check, then user 7 repaired: user 7 has a repaired finding and an audit entry, user 9 an open finding.
    for (const params of [{ mode: 'check' }, { mode: 'repair', user: email(7) }]) {
      const run = await harness.app.runs.waitFor((await harness.app.runs.start('identity', params, 'manual')).runId);
      expect(run?.state).toBe('succeeded');
    }
  }, 60_000);

  afterAll(async () => {
    await harness?.close();
    await emulator?.close();
    dir.remove();
  });

  const rows = () => page.locator('[data-testid^="user-row-"]');
  const pagerText = () => page.getByTestId('users-pager-text').textContent();

  it('pages through the users with next, previous, a page number and the page size', async () => {
    await page.goto(harness.server.url.replace(/#.*$/, '') + '#/users');
    await page.getByTestId('users-pager').waitFor();
    await expect.poll(pagerText).toBe(`Showing 1–50 of ${TOTAL} users · page 1 of 3`);
    expect(await rows().count()).toBe(50);
    await expect.poll(() => rows().first().textContent()).toContain(email(0));
    await page.getByRole('button', { name: 'next page' }).click();
    await expect.poll(pagerText).toBe(`Showing 51–100 of ${TOTAL} users · page 2 of 3`);
    await expect.poll(() => rows().first().textContent()).toContain(email(50));
    await page.getByRole('button', { name: 'Page 3', exact: true }).click();
    await expect.poll(pagerText).toBe(`Showing 101–123 of ${TOTAL} users · page 3 of 3`);
    await expect.poll(() => rows().count()).toBe(23);
    await expect.poll(() => rows().last().textContent()).toContain(email(122));
    // A smaller page keeps the first row on screen: row 101 is on page 5 of 25.
    await page.getByTestId('users-pager-size').selectOption('25');
    await expect.poll(pagerText).toBe(`Showing 101–123 of ${TOTAL} users · page 5 of 5`);
    await page.getByRole('button', { name: 'previous page' }).click();
    await expect.poll(pagerText).toBe(`Showing 76–100 of ${TOTAL} users · page 4 of 5`);
    await expect.poll(() => rows().first().textContent()).toContain(email(75));
    await page.getByRole('button', { name: 'first page' }).click();
    await expect.poll(pagerText).toBe(`Showing 1–25 of ${TOTAL} users · page 1 of 5`);
    // A filter starts again at page 1, and says when nothing matches.
    await page.getByTestId('users-status-filter').getByText('Local only').click();
    await expect.poll(pagerText).toBe('Showing 1–2 of 2 users · page 1 of 1');
    await page.getByTestId('users-search').fill('nobody-like-this');
    await page.getByTestId('users-empty').waitFor();
    expect(await page.getByTestId('users-empty').textContent()).toContain('No user matches');
    await page.getByRole('button', { name: 'Clear search' }).click();
    await page.getByTestId('users-status-filter').getByText('All').click();
    await expect.poll(pagerText).toBe(`Showing 1–25 of ${TOTAL} users · page 1 of 5`);
    await shot('users-paged-1440.png', WIDE, true);
    await shot('users-paged-1024.png', NARROW, true);
    await page.setViewportSize(WIDE);
  });

  it('a row click opens the detail: both sides in full, ids, times, the user’s findings and audit', async () => {
    await page.getByTestId('users-search').fill(email(7));
    await expect.poll(() => page.getByTestId('users-count').textContent()).toBe('1 user matches');
    await rows().first().getByText(email(7)).click();
    const panel = page.getByRole('dialog', { name: new RegExp(email(7)) });
    await panel.waitFor();
    const local = panel.getByTestId('user-detail-local');
    const remote = panel.getByTestId('user-detail-remote');
    await expect.poll(() => local.getAttribute('data-state')).toBe('found');
    expect(await remote.getAttribute('data-state')).toBe('found');
    // The users row with every column, the password hash withheld and named.
    expect(await local.locator('[data-field="plan"]').textContent()).toContain('free');
    expect(await local.textContent()).toContain('Hidden, because they look like secrets: password_hash.');
    expect(await panel.textContent()).not.toContain('$2b$10$');
    // The Supabase user as GoTrue returns it.
    expect(await remote.locator('[data-field="aud"]').textContent()).toContain('authenticated');
    expect(await remote.locator('[data-field="identities"]').textContent()).toContain('"provider": "email"');
    expect(await remote.locator('[data-field="user_metadata"]').textContent()).toContain('User 7');
    // Ids with copy buttons, created and last sign-in times.
    expect(await panel.getByTestId('user-detail-local-id').textContent()).toBe(id(7));
    expect(await panel.getByTestId('user-detail-remote-id').textContent()).toBe(id(7));
    await panel.getByRole('button', { name: 'Copy Supabase id' }).waitFor();
    expect(await panel.textContent()).toContain('Last sign-in');
    expect(await panel.textContent()).toContain('never signed in'); // user 7 is odd: no last_sign_in_at
    // This user's finding (repaired) and the repair in the audit log, nobody else's.
    const findings = panel.getByTestId('user-detail-findings');
    await expect.poll(() => findings.textContent()).toMatch(/Findings \(1\).*Differs in name.*Repaired/);
    const audit = panel.getByTestId('user-detail-audit');
    expect(await audit.textContent()).toMatch(/Audit history \(1\).*identity\.update-remote/);
    await closeToasts().catch(() => undefined);
    await shot('users-detail-1440.png', WIDE);
    await shot('users-detail-1024.png', NARROW);
    await audit.getByText('identity.update-remote').click();
    await audit.getByText('Before', { exact: true }).waitFor();
    expect(await audit.textContent()).toContain('Renamed 7');
    await shot('users-detail-audit-1024.png', NARROW);
    await local.scrollIntoViewIfNeeded();
    await shot('users-detail-records-1440.png', WIDE);
    await page.keyboard.press('Escape');
    await panel.waitFor({ state: 'hidden' });
    await page.getByRole('button', { name: 'Clear search' }).click();
  });

  it('opens from the keyboard: Tab to a row, arrows between rows, Enter opens, Escape closes', async () => {
    await expect.poll(pagerText).toBe(`Showing 1–25 of ${TOTAL} users · page 1 of 5`);
    await rows().first().focus();
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('Enter');
    const panel = page.getByRole('dialog', { name: new RegExp(email(2)) });
    await panel.waitFor();
    await expect.poll(() => panel.getByTestId('user-detail-remote').locator('[data-field="last_sign_in_at"]').textContent()).toContain(signedIn(2));
    await page.keyboard.press('Escape');
    await panel.waitFor({ state: 'hidden' });
  });

  it('shows what differs for an inconsistent user and a missing side for a one-sided user', async () => {
    await page.getByTestId('users-search').fill(email(9));
    await expect.poll(() => page.getByTestId('users-count').textContent()).toBe('1 user matches');
    await rows().first().press('Enter');
    let panel = page.getByRole('dialog', { name: new RegExp(email(9)) });
    await panel.getByTestId('user-detail-diffs').waitFor();
    expect(await panel.getByTestId('user-detail-diffs').textContent()).toMatch(/User 9.*Renamed 9/);
    await expect.poll(() => panel.getByTestId('user-detail-findings').textContent()).toMatch(/Open/);
    expect(await panel.getByTestId('user-detail-audit').textContent()).toContain('No repair has changed this user yet');
    await page.keyboard.press('Escape');
    await panel.waitFor({ state: 'hidden' });

    await page.getByTestId('users-search').fill(email(121));
    await expect.poll(() => page.getByTestId('users-count').textContent()).toBe('1 user matches');
    await rows().first().getByText(email(121)).click();
    panel = page.getByRole('dialog', { name: new RegExp(email(121)) });
    await expect.poll(() => panel.getByTestId('user-detail-local').getAttribute('data-state')).toBe('not-linked');
    expect(await panel.getByTestId('user-detail-remote').getAttribute('data-state')).toBe('found');
    expect(await panel.getByTestId('user-detail-local-id').count()).toBe(0);
    await shot('users-detail-remote-only-1024.png', NARROW);
    await page.setViewportSize(WIDE);
    await page.keyboard.press('Escape');
    await panel.waitFor({ state: 'hidden' });
    await page.getByRole('button', { name: 'Clear search' }).click();
    expect(harness.consoleErrors).toEqual([]);
  });

  it('stopping a run asks first; "Keep running" leaves it running', async () => {
    // A slow listing keeps the check running long enough to try.
    emulator.fault(SUPABASE_ROUTES.list, { status: 200, delayMs: 8_000, passThrough: true });
    await page.getByTestId('users-refresh').click();
    const bar = page.getByTestId('users-active-run');
    await bar.waitFor();
    const cancel = bar.getByRole('button', { name: /^Cancel run #\d+$/ });
    const runId = Number(((await cancel.getAttribute('aria-label')) ?? '').replace(/\D/g, ''));
    await cancel.click();
    const confirm = page.getByRole('dialog', { name: `Stop run #${runId}?` });
    await confirm.waitFor();
    expect(await confirm.textContent()).toMatch(/The identity check stops at its next safe point\. What it has done so far stays done.*nothing is rolled back/);
    expect(await confirm.getByTestId('confirm-action-count').textContent()).toBe('Affects 1 run.');
    await shot('confirm-run-cancel-1024.png', NARROW);
    await page.setViewportSize(WIDE);
    await confirm.getByRole('button', { name: 'Keep running' }).click();
    await confirm.waitFor({ state: 'hidden' });
    expect((await harness.app.store.runs.get(runId))?.state).toMatch(/queued|running/);
    await cancel.click();
    await confirm.getByTestId(`run-cancel-confirm-${runId}`).click();
    await expect.poll(async () => (await harness.app.store.runs.get(runId))?.state, { timeout: 15_000 }).toBe('cancelled');
    emulator.clearFaults();
  }, 30_000);

  it('removing a connection, deleting a schedule and removing a sheet source each ask first; Cancel keeps them', async () => {
    const schedule = (await harness.app.handlers['schedules.create']({ engine: 'identity', scope: { kind: 'all' }, trigger: { kind: 'interval', minutes: 60 }, enabled: false, autoRepair: false, params: {} }, manual)) as { id: number };
    const source = await harness.app.handlers['sheets.sources.create'](
      {
        name: 'Price list',
        spreadsheetId: 'sheet-1',
        sheet: '',
        range: '',
        method: 'csv-export',
        connection: '',
        credentials: 'storage-account',
        storageAccountId: 'sa-1',
        targetTable: 'price_list_cache',
        columns: [{ header: 'Name', column: 'name', type: 'text', required: false }],
        timeouts: { connectMs: 30_000, idleMs: 60_000, totalMs: 1_800_000 },
      },
      manual,
    ) as { id: number };
    const cases = [
      { route: '#/connections', open: () => page.getByRole('button', { name: 'Remove Supabase' }), title: 'Remove Supabase?', effect: /deletes its secrets from this session's memory/, count: 'Affects 1 connection.', shotName: 'confirm-connection-remove-1024.png' },
      { route: '#/schedules', open: () => page.getByTestId(`schedule-delete-${schedule.id}`), title: 'Delete this schedule?', effect: /will no longer run on its own/, count: 'Affects 1 schedule.', shotName: 'confirm-schedule-delete-1024.png' },
      { route: '#/sheets', open: () => page.getByRole('button', { name: 'Remove Price list' }), title: 'Remove Price list?', effect: /will not be imported again/, count: 'Affects 1 sheet source.', shotName: 'confirm-source-remove-1024.png' },
    ];
    for (const c of cases) {
      await page.goto(harness.server.url.replace(/#.*$/, '') + c.route);
      await c.open().click();
      const confirm = page.getByRole('dialog', { name: c.title });
      await confirm.waitFor();
      expect(await confirm.textContent()).toMatch(c.effect);
      expect(await confirm.getByTestId('confirm-action-count').textContent()).toBe(c.count);
      expect(await confirm.getByTestId('confirm-action-reversibility').textContent()).toMatch(/^Cannot be undone\./);
      await shot(c.shotName, NARROW);
      await page.setViewportSize(WIDE);
      await confirm.getByRole('button', { name: 'Cancel' }).click();
      await confirm.waitFor({ state: 'hidden' });
    }
    // "Run now" of a schedule whose automatic repair quarantines rows asks too, and says until when it can be undone.
    const auto = (await harness.app.handlers['schedules.create']({ engine: 'storage-orphans', scope: { kind: 'all' }, trigger: { kind: 'interval', minutes: 60 }, enabled: false, autoRepair: true, params: {} }, manual)) as { id: number };
    await page.goto(harness.server.url.replace(/#.*$/, '') + '#/schedules');
    await page.getByTestId(`schedule-run-${auto.id}`).click();
    const runConfirm = page.getByRole('dialog', { name: 'Run this schedule now, with automatic repair?' });
    await runConfirm.waitFor();
    expect(await runConfirm.textContent()).toMatch(/quarantines the rows whose file is gone, at most 50 rows or 10 %/);
    expect(await runConfirm.getByTestId('confirm-action-reversibility').textContent()).toMatch(/^Can be undone until /);
    await shot('confirm-schedule-run-now-1024.png', NARROW);
    await page.setViewportSize(WIDE);
    await runConfirm.getByRole('button', { name: 'Cancel' }).click();
    await runConfirm.waitFor({ state: 'hidden' });
    expect((await harness.app.store.runs.list({ engine: 'storage-orphans', limit: 1, offset: 0 })).total).toBe(0);
    // A schedule without automatic repair runs at once, as before.
    await page.getByTestId(`schedule-run-${schedule.id}`).click();
    await expect.poll(async () => (await harness.app.store.runs.list({ engine: 'identity', limit: 1, offset: 0 })).items[0]?.trigger).toBe('schedule');
    expect(await page.getByRole('dialog').count()).toBe(0);

    // Cancel did nothing.
    expect((await harness.app.connections.list()).map((c) => c.name)).toContain('Supabase');
    expect((await harness.app.handlers['schedules.list']({ offset: 0 }, manual)).schedules.map((s) => s.id)).toContain(schedule.id);
    expect((await harness.app.handlers['sheets.sources.list']({}, manual)).map((s) => s.id)).toContain(source.id);
    expect(harness.consoleErrors).toEqual([]);
  }, 60_000);
});
