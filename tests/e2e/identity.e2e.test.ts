import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initCanonicalSchema } from '../../core/appdb/ddl';
import { openSqliteAppDb } from '../../core/appdb/sqlite.adapter';
import { startSupabaseEmulator, type SeedUser, type SupabaseEmulator } from '../emulators/supabase/supabase.emulator';
import { openConsole, type ConsoleHarness } from '../helpers/console-harness';
import { ARTIFACTS_DIR } from '../helpers/paths';
import { makeTempDir } from '../helpers/temp-dir';

const USERS = 100_000;
const KEYS = { serviceRoleKey: 'service-key', anonKey: 'anon-key' };
const id = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
const email = (n: number) => `user${String(n).padStart(6, '0')}@example.com`;

/**
 * Drift among 100,000 users: every 1,000th user has another name in Supabase
 * (and every 5,000th also another role), 20 users exist only in the users
 * table and 10 only in Supabase. Everyone else is in sync.
 */
const renamed = (n: number) => n % 1000 === 7;
const reroled = (n: number) => n % 5000 === 7;
const localOnly = (n: number) => n >= USERS - 30 && n < USERS - 10;
const remoteOnly = (n: number) => n >= USERS - 10;
const EXPECTED = { inconsistent: USERS / 1000, localOnly: 20, remoteOnly: 10 };

/**
 * The Users page against a real app in browser mode: 100,000 users in a
 * SQLite users table and in the Supabase Auth emulator, a check started from
 * the page, paged to its last row, the inconsistent users
 * with both sides' values, and one user repaired with its own Sync button.
 */
describe('e2e: the Users page with 100,000 users (Chromium)', () => {
  const dir = makeTempDir();
  const productDb = join(dir.path, 'product.db');
  let harness: ConsoleHarness;
  let emulator: SupabaseEmulator;
  let page: Page;

  beforeAll(async () => {
    const db = openSqliteAppDb({ path: productDb, create: true });
    await initCanonicalSchema(db);
    const rows: unknown[][] = [];
    const seed: SeedUser[] = [];
    for (let n = 0; n < USERS; n++) {
      if (!remoteOnly(n)) rows.push([id(n), email(n), `User ${n}`, 1, reroled(n) ? 'admin' : 'user']);
      if (!localOnly(n)) {
        seed.push({ id: id(n), email: email(n), email_confirmed_at: '2026-01-01T00:00:00.000Z', user_metadata: { full_name: renamed(n) ? `Renamed ${n}` : `User ${n}` }, app_metadata: { role: 'user' } });
      }
    }
    // One transaction: 100,000 inserts in well under a second.
    await db.transaction((tx) => tx.executeMany('INSERT INTO users (id, email, name, email_verified, role) VALUES (?, ?, ?, ?, ?)', rows as never));
    await db.close();
    emulator = await startSupabaseEmulator({ ...KEYS, users: seed });

    harness = await openConsole({ stepTimeoutMs: 30_000 });
    page = harness.page;
    await harness.app.connections.create({ kind: 'appdb', name: 'Product', config: { driver: 'sqlite', path: productDb }, secrets: {} } as never);
    await harness.app.connections.create({ kind: 'supabase', name: 'Supabase', config: { url: emulator.url }, secrets: { serviceRoleKey: KEYS.serviceRoleKey } });
  }, 60_000);

  afterAll(async () => {
    await harness?.close();
    await emulator?.close();
    dir.remove();
  });

  it('runs a check from the page and shows the overview', async () => {
    await page.goto(harness.server.url);
    await page.getByRole('link', { name: 'Users' }).first().click();
    await page.getByText('Users have not been checked yet').waitFor();
    await page.getByTestId('users-run-check').click();
    // The live bar of the running check, then the overview once it finished.
    await page.getByTestId('users-active-run').waitFor({ state: 'visible', timeout: 10_000 });
    await page.getByTestId('users-overview').waitFor({ state: 'visible', timeout: 60_000 });
    const issues = EXPECTED.inconsistent + EXPECTED.localOnly + EXPECTED.remoteOnly;
    await expect.poll(() => page.getByTestId('users-total').textContent()).toContain(USERS.toLocaleString('en'));
    await expect.poll(() => page.getByTestId('users-issues').textContent()).toContain(String(issues));
    expect(await page.getByTestId('users-percent').getByRole('progressbar').getAttribute('aria-valuenow')).toBe(String(Math.floor(((USERS - issues) / USERS) * 1000) / 10));
    await page.getByTestId('users-active-run').waitFor({ state: 'detached' });
    await page.locator('[data-testid^="user-row-"]').first().waitFor();
    await page.screenshot({ path: join(ARTIFACTS_DIR, 'users-overview.png') });
  }, 80_000);

  it('shows whole email addresses on a wide screen, not "user000…"', async () => {
    const cells = page.locator('[data-testid^="user-row-"] td:first-child p');
    await cells.first().waitFor();
    const clipped = await cells.evaluateAll((nodes) => nodes.filter((node) => node.scrollWidth > node.clientWidth).map((node) => node.textContent));
    expect(clipped).toEqual([]);
  });

  it('pages to the last of 100,000 users and back, one host page at a time', async () => {
    const pagerText = () => page.getByTestId('users-pager-text').textContent();
    await expect.poll(pagerText).toBe(`Showing 1–50 of ${USERS.toLocaleString('en')} users · page 1 of ${(USERS / 50).toLocaleString('en')}`);
    await page.getByRole('button', { name: 'last page' }).click();
    await expect.poll(pagerText).toBe(`Showing ${(USERS - 49).toLocaleString('en')}–${USERS.toLocaleString('en')} of ${USERS.toLocaleString('en')} users · page ${(USERS / 50).toLocaleString('en')} of ${(USERS / 50).toLocaleString('en')}`);
    // Sorted by email, the last row is the last user; only this page's rows are in the page.
    await expect.poll(() => page.locator('[data-testid^="user-row-"]').last().textContent()).toContain(email(USERS - 1));
    expect(await page.locator('[data-testid^="user-row-"]').count()).toBe(50);
    await page.getByRole('button', { name: 'first page' }).click();
    await expect.poll(() => page.locator('[data-testid^="user-row-"]').first().textContent()).toContain(email(0));
  });

  it('filters to the inconsistent users and shows both sides of each difference', async () => {
    await page.getByTestId('users-status-filter').getByText('Inconsistent').click();
    await expect.poll(() => page.getByTestId('users-count').textContent()).toBe(`${EXPECTED.inconsistent} users match`);
    const first = page.locator('[data-testid^="user-row-"]').first();
    await expect.poll(() => first.textContent()).toContain(email(7));
    const row = await rowIndexOf(first);
    await expect.poll(() => page.getByTestId(`user-local-${row}`).textContent()).toContain('User 7');
    expect(await page.getByTestId(`user-remote-${row}`).textContent()).toContain('Renamed 7');
    expect(await page.getByTestId(`user-local-${row}`).textContent()).toContain('admin');
    expect(await page.getByTestId(`user-remote-${row}`).textContent()).toContain('role: user');
    await page.screenshot({ path: join(ARTIFACTS_DIR, 'users-inconsistent.png') });
  });

  it('repairs one user with the button that names its effect, and the row turns in sync', async () => {
    await page.getByTestId('users-status-filter').getByText('All').click();
    await page.getByTestId('users-search').fill(email(1007));
    await expect.poll(() => page.getByTestId('users-count').textContent()).toBe('1 user matches');
    const row = await rowIndexOf(page.locator('[data-testid^="user-row-"]').first());
    expect(await page.getByTestId(`user-status-${row}`).getAttribute('data-status')).toBe('inconsistent');
    // The button says what it does ("Update name"), never "Sync"; an update is not destructive, so it runs at once.
    await page.getByRole('button', { name: `Update name: ${email(1007)}` }).click();
    await expect.poll(() => page.getByTestId(`user-status-${row}`).getAttribute('data-status'), { timeout: 30_000 }).toBe('in-sync');
    expect(emulator.getUser(id(1007))?.user_metadata).toMatchObject({ full_name: 'User 1007' });
    await expect.poll(() => page.getByTestId('users-issues').textContent()).toContain(String(EXPECTED.inconsistent + EXPECTED.localOnly + EXPECTED.remoteOnly - 1));
    await page.screenshot({ path: join(ARTIFACTS_DIR, 'users-repaired.png') });
    expect((await harness.app.store.audit.list({ engine: 'identity', limit: 5, offset: 0 })).items.map((a) => a.action)).toEqual(['identity.update-remote']);
    expect(harness.consoleErrors).toEqual([]);
  }, 40_000);

  it('"Repair all" asks first: how many users per effect, bans by default, a soft delete only by choice and said to be final', async () => {
    await page.getByTestId('users-sync-all').click();
    const dialog = page.getByRole('dialog');
    await expect.poll(() => dialog.textContent()).toContain('Repair 129 users?');
    const text = await dialog.textContent();
    expect(text).toContain('10 users will be banned or deleted');
    expect(text).toContain('In Supabase Auth: Bans the user: their sign-in is refused');
    expect(text).toContain('Can be undone: A revert (audit log, or Revert this run) unbans the user');
    // It names whose account is banned (from the plan it confirms by digest), not only how many.
    await expect.poll(() => page.getByTestId('sync-all-users').textContent(), { timeout: 10_000 }).toContain(`${email(USERS - 10)} (banned in Supabase Auth)`);
    expect(await page.getByTestId('sync-all-users').textContent()).toContain(`${email(USERS - 1)} (banned in Supabase Auth)`);
    await dialog.getByText('Soft-delete them').click();
    await expect.poll(() => dialog.textContent()).toContain('10 of them for good');
    await expect.poll(() => page.getByTestId('sync-all-users').textContent(), { timeout: 10_000 }).toContain(`${email(USERS - 1)} (soft-deleted in Supabase Auth, for good)`);
    await page.waitForTimeout(300);
    expect(await dialog.textContent()).toContain('Cannot be undone: Supabase keeps the id taken');
    await page.screenshot({ path: join(ARTIFACTS_DIR, 'users-repair-all-confirm.png') });
    // At 1024×768 the named list makes the dialog taller than the window: its buttons must still be reachable.
    const size = page.viewportSize();
    await page.setViewportSize({ width: 1024, height: 768 });
    await dialog.getByRole('button', { name: /Repair 129 users/ }).scrollIntoViewIfNeeded();
    expect(await dialog.getByRole('button', { name: /Repair 129 users/ }).isVisible()).toBe(true);
    await page.screenshot({ path: join(ARTIFACTS_DIR, 'users-repair-all-confirm-1024.png') });
    if (size) await page.setViewportSize(size);
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await dialog.waitFor({ state: 'hidden' });
  });

  it('reverts the repair from the audit log with its button', async () => {
    await page.getByRole('link', { name: 'Audit log' }).first().click();
    const [entry] = (await harness.app.store.audit.list({ engine: 'identity', limit: 1, offset: 0 })).items;
    await page.getByTestId(`audit-row-${entry!.id}`).click();
    await page.getByTestId(`audit-revert-${entry!.id}`).click();
    // A revert asks first and says what it will do.
    await expect.poll(() => page.getByTestId('audit-revert-effect').textContent()).toContain('Puts the old values back on the Supabase Auth user');
    await page.getByTestId(`audit-revert-go-${entry!.id}`).click();
    await expect.poll(() => emulator.getUser(id(1007))?.user_metadata.full_name, { timeout: 30_000 }).toBe('Renamed 1007');
    await expect.poll(async () => (await harness.app.store.audit.list({ engine: 'identity', limit: 5, offset: 0 })).items[0]?.action).toBe('identity.revert.update-remote');
    // The audit log refreshes by itself when the revert run finishes; the revert shows with the engine's label, its action id as the title.
    await page.getByTitle('identity.revert.update-remote').getByText('Reverted: updated the Supabase Auth user').first().waitFor({ state: 'visible', timeout: 10_000 });
    await page.screenshot({ path: join(ARTIFACTS_DIR, 'audit-revert.png') });
    expect(harness.consoleErrors).toEqual([]);
  }, 40_000);

  it('a destructive row button asks first, naming the user, the side and that a revert unbans; then "Revert this run" undoes it', async () => {
    const stray = email(USERS - 1);
    await page.getByRole('link', { name: 'Users' }).first().click();
    await page.getByTestId('users-search').fill(stray);
    await expect.poll(() => page.getByTestId('users-count').textContent()).toBe('1 user matches');
    const button = page.getByRole('button', { name: `Ban in Supabase: ${stray}` });
    expect(await button.textContent()).toBe('Ban in Supabase');
    await button.click();
    await expect.poll(() => page.getByRole('dialog').textContent()).toContain(`Ban in Supabase: ${stray}?`);
    expect(await page.getByTestId('identity-confirm-effect').textContent()).toContain('In Supabase Auth: Bans the user: their sign-in is refused.');
    expect(await page.getByTestId('confirm-action-reversibility').textContent()).toBe('Can be undone: A revert (audit log, or Revert this run) unbans the user.');
    expect(await page.getByTestId('confirm-action-count').textContent()).toBe('Affects 1 user.');
    await page.getByTestId('identity-confirm-go').waitFor({ state: 'visible' });
    await page.waitForTimeout(300); // the modal's fade-in, so the screenshot shows it
    await page.screenshot({ path: join(ARTIFACTS_DIR, 'users-ban-confirm.png') });
    // Nothing happens until the admin confirms.
    expect(emulator.getUser(id(USERS - 1))?.banned_until).toBeUndefined();
    await page.getByTestId('identity-confirm-go').click();
    await expect.poll(() => emulator.getUser(id(USERS - 1))?.banned_until, { timeout: 30_000 }).toBeTruthy();
    expect(emulator.getUser(id(USERS - 1))?.deleted_at).toBeUndefined();

    // The run's drawer offers "Revert this run", with its own confirmation.
    await expect.poll(async () => (await harness.app.store.audit.list({ engine: 'identity', limit: 1, offset: 0 })).items[0]?.action).toBe('identity.ban-remote');
    await page.getByTestId('users-run-log').click();
    await page.getByTestId('run-revert').click();
    await expect.poll(() => page.getByTestId('run-revert-confirm').textContent()).toContain('1 × ban-remote');
    // The confirmation is above the drawer, not under it: the top-most element at its button is the button.
    await page.getByTestId('run-revert-go').waitFor({ state: 'visible' });
    await page.waitForTimeout(300);
    expect(await page.getByTestId('run-revert-go').evaluate((el) => {
      const box = el.getBoundingClientRect();
      return el.contains(el.ownerDocument.elementFromPoint(box.x + box.width / 2, box.y + box.height / 2));
    })).toBe(true);
    await page.screenshot({ path: join(ARTIFACTS_DIR, 'run-revert-confirm.png') });
    await page.getByTestId('run-revert-go').click();
    await expect.poll(() => emulator.getUser(id(USERS - 1))?.banned_until, { timeout: 30_000 }).toBeUndefined();
    expect(harness.consoleErrors).toEqual([]);
  }, 60_000);

  it('renders in the dark colour scheme', async () => {
    const dark = await harness.browser.newPage({ colorScheme: 'dark', viewport: { width: 1366, height: 860 } });
    await dark.goto(harness.server.url.replace(/#.*$/, '') + '#/users');
    await dark.getByTestId('users-overview').waitFor();
    await dark.locator('[data-testid^="user-row-"]').first().waitFor();
    expect(await dark.locator('html').getAttribute('data-mantine-color-scheme')).toBe('dark');
    await dark.screenshot({ path: join(ARTIFACTS_DIR, 'users-dark.png') });
    await dark.close();
  });
});

async function rowIndexOf(row: ReturnType<Page['locator']>): Promise<number> {
  return Number(((await row.getAttribute('data-testid')) ?? '').replace('user-row-', ''));
}
