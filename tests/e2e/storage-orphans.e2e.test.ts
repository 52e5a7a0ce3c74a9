import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initCanonicalSchema } from '../../core/appdb/ddl';
import { openSqliteAppDb } from '../../core/appdb/sqlite.adapter';
import { startDropboxEmulator, type DropboxEmulator } from '../emulators/dropbox/dropbox.emulator';
import { startGoogleEmulator, type GoogleEmulator } from '../emulators/google';
import { openConsole, type ConsoleHarness } from '../helpers/console-harness';
import { ARTIFACTS_DIR } from '../helpers/paths';
import { makeTempDir } from '../helpers/temp-dir';

const GOOGLE_CLIENT = { clientId: 'storage-e2e.apps.googleusercontent.com', clientSecret: 'storage-e2e-google-secret' };
const DROPBOX_APP = { key: 'storage-e2e-app-key', secret: 'storage-e2e-app-secret' };
const USERS = [
  { id: 'u-ada', email: 'ada@example.com', name: 'Ada Lovelace' },
  { id: 'u-grace', email: 'grace@example.com', name: 'Grace Hopper' },
  { id: 'u-linus', email: 'linus@example.com', name: 'Linus Torvalds' },
];
/**
 * Users whose one Drive file is fine. The engine checks eight accounts at a
 * time, so twenty accounts take several rounds: the bar has steps to show.
 */
const CALM = Array.from({ length: 16 }, (_, i) => ({ id: `u-calm-${i}`, email: `calm${i}@example.com`, name: `Calm User ${i}` }));
const GRACE_DROPBOX = 'dbid:AAgrace000000000000000000000000000';
const LINUS_DROPBOX = 'dbid:AAlinus000000000000000000000000000';

/** file rows: [row id, user, provider, provider file id, name, what the cloud says] */
const FILES = [
  ['f-ada-1', 'u-ada', 'google', 'g-ada-1', 'Roadmap 2025.pdf', 'live'],
  ['f-ada-2', 'u-ada', 'google', 'g-ada-2', 'Board minutes.pdf', 'live'],
  ['f-ada-3', 'u-ada', 'google', 'g-ada-3', 'Lost contract.pdf', 'gone'],
  ['f-ada-4', 'u-ada', 'google', 'g-ada-4', 'Old invoice.pdf', 'trashed'],
  ['f-grace-1', 'u-grace', 'dropbox', 'id:grace-1', 'Compiler notes.txt', 'live'],
  ['f-grace-2', 'u-grace', 'dropbox', 'id:grace-2', 'Deleted draft.txt', 'gone'],
  ['f-grace-3', 'u-grace', 'dropbox', 'id:grace-3', 'Talk slides.key', 'live'],
  ['f-linus-1', 'u-linus', 'google', 'g-linus-1', 'Kernel plan.pdf', 'live'],
  ['f-linus-2', 'u-linus', 'dropbox', 'id:linus-1', 'Patches.tar', 'live'],
] as const;
const live = (provider: string, user: string) => FILES.filter((f) => f[2] === provider && f[1] === user && f[5] !== 'gone');

/**
 * A person's path through the Storage page, against the Drive and Dropbox
 * emulators driven by the real SDKs: check everything from the empty state
 * and watch the progress bar move, see the orphans, the trashed file and the
 * revoked Dropbox grant, open a user whose last check is stale (a quiet
 * check of that user starts), repair one orphan with its own button (its row
 * goes to quarantine), restore it (the row is back). Every request to the services is slowed while
 * the progress bar and the drawer's "checking…" are watched, so they have time to show their steps.
 */
describe('e2e: the Storage page finds, repairs and restores an orphan (Chromium)', () => {
  let harness: ConsoleHarness;
  let page: Page;
  let google: GoogleEmulator;
  let dropbox: DropboxEmulator;
  const dir = makeTempDir();
  const dbPath = join(dir.path, 'product.db');

  beforeAll(async () => {
    const db = openSqliteAppDb({ path: dbPath, create: true });
    await initCanonicalSchema(db);
    await db.executeMany('INSERT INTO users (id, email, name) VALUES (?, ?, ?)', [...USERS, ...CALM].map((u) => [u.id, u.email, u.name]));
    await db.executeMany('INSERT INTO storage_accounts (id, user_id, provider, refresh_token, needs_reconnect) VALUES (?, ?, ?, ?, ?)', [
      ['sa-ada-google', 'u-ada', 'google', 'rt-google-ada', false],
      ['sa-grace-dropbox', 'u-grace', 'dropbox', 'rt-dropbox-grace', false],
      ['sa-linus-google', 'u-linus', 'google', 'rt-google-linus', false],
      ['sa-linus-dropbox', 'u-linus', 'dropbox', 'rt-dropbox-linus', false],
      ...CALM.map((u) => [`sa-${u.id}`, u.id, 'google', `rt-google-${u.id}`, false]),
    ]);
    await db.executeMany('INSERT INTO files (id, user_id, provider, provider_file_id, name, size) VALUES (?, ?, ?, ?, ?, ?)', [
      ...FILES.map((f, i) => [f[0], f[1], f[2], f[3], f[4], 10_000 + i]),
      ...CALM.map((u) => [`f-${u.id}`, u.id, 'google', `g-${u.id}`, 'Notes.pdf', 5_000]),
    ]);
    await db.close();

    google = await startGoogleEmulator({
      clients: [GOOGLE_CLIENT],
      accounts: [
        ...['ada', 'linus'].map((name) => ({
          id: name,
          email: `${name}@example.com`,
          refreshTokens: [`rt-google-${name}`],
          files: live('google', `u-${name}`).map((f) => ({ id: f[3], name: f[4], mimeType: 'application/pdf', trashed: f[5] === 'trashed', size: 10_000 })),
        })),
        ...CALM.map((u) => ({ id: u.id, email: u.email, refreshTokens: [`rt-google-${u.id}`], files: [{ id: `g-${u.id}`, name: 'Notes.pdf', mimeType: 'application/pdf', size: 5_000 }] })),
      ],
    });
    dropbox = await startDropboxEmulator({
      app: DROPBOX_APP,
      accounts: [
        { accountId: GRACE_DROPBOX, user: 'u-grace', email: 'grace@example.com', displayName: 'Grace Hopper', refreshTokens: ['rt-dropbox-grace'] },
        { accountId: LINUS_DROPBOX, user: 'u-linus', email: 'linus@example.com', displayName: 'Linus Torvalds', refreshTokens: ['rt-dropbox-linus'] },
      ].map(({ user, ...account }) => ({ ...account, entries: live('dropbox', user).map((f) => ({ path: `/Apps/Product/${f[4]}`, id: f[3], size: 10_000 })) })),
    });
    // Linus revoked Syncwarden's Dropbox grant: his Dropbox is skipped (needs reconnect), his Drive still checked.
    dropbox.revokeRefreshToken('rt-dropbox-linus');
    // A slow service, not a failing one: every data request waits, so the check takes long enough to watch.
    for (const route of ['oauth.token', 'drive.files.list', 'drive.files.get', 'drive.changes.list', 'drive.changes.getStartPageToken']) google.fault(route, { status: 200, delayMs: 300, passThrough: true });
    for (const route of ['dropbox.oauth2.token', 'dropbox.files.list_folder', 'dropbox.files.list_folder.continue', 'dropbox.files.get_metadata', 'dropbox.files.list_folder.get_latest_cursor']) {
      dropbox.fault(route, { status: 200, delayMs: 300, passThrough: true });
    }

    harness = await openConsole({ stepTimeoutMs: 20_000 });
    page = harness.page;
    await harness.app.connections.create({ kind: 'appdb', name: 'Product', config: { driver: 'sqlite', path: dbPath }, secrets: {} });
    await harness.app.connections.create({ kind: 'google', name: 'Google Drive', config: { clientId: GOOGLE_CLIENT.clientId, rootUrl: `${google.url}/`, tokenUrl: `${google.url}/token` }, secrets: { clientSecret: GOOGLE_CLIENT.clientSecret } });
    await harness.app.connections.create({ kind: 'dropbox', name: 'Dropbox', config: { appKey: DROPBOX_APP.key, baseUrl: dropbox.url }, secrets: { appSecret: DROPBOX_APP.secret } });
  }, 60_000);

  afterAll(async () => {
    await harness?.close();
    await google?.close();
    await dropbox?.close();
    dir.remove();
  });

  it('checks from the Storage page with a moving progress bar, repairs one orphan with its button and restores it', async () => {
    await page.goto(harness.server.url);
    await page.getByRole('link', { name: 'Storage' }).first().click();
    await expect.poll(() => page.url()).toMatch(/#\/storage/);
    // Nothing checked yet: the empty state offers the first check.
    await page.getByTestId('storage-empty').waitFor({ state: 'visible' });
    await shot('storage-empty.png');

    // Check all: sample the live progress bar until the run ends.
    await page.getByTestId('storage-first-check').click();
    const bar = page.getByTestId('storage-run').locator('[data-testid^="run-progress-"]').first();
    await expect.poll(() => bar.getAttribute('data-state')).toBe('running');
    const seen: number[] = [];
    for (let i = 0; i < 400; i++) {
      const [state, value] = await Promise.all([bar.getAttribute('data-state'), bar.getAttribute('aria-valuenow')]);
      if (value !== null && Number(value) !== seen.at(-1)) seen.push(Number(value));
      if (state !== 'running') break;
      await page.waitForTimeout(40);
    }
    // Linus's Dropbox grant was refused in this run: a failed item, so the run ends partial, never succeeded (DESIGN §4.6).
    await expect.poll(() => bar.getAttribute('data-state')).toBe('partial');
    const during = seen.filter((value) => value < 100);
    expect(new Set(during).size, `progress values seen: ${seen.join(', ')}`).toBeGreaterThanOrEqual(2);
    expect(seen, 'the bar only moves forward').toEqual([...seen].sort((a, b) => a - b));

    // Two orphans and one trashed file are open; Linus's Dropbox needs reconnecting.
    const rows = page.locator('[data-testid^="storage-finding-"]');
    await expect.poll(() => rows.count()).toBe(3);
    await expect.poll(() => page.getByTestId('storage-open-orphans').textContent()).toBe('2');
    await expect.poll(() => page.getByTestId('storage-open-trashed').textContent()).toBe('1 trashed');
    // The table mounts only the rows in view: search narrows it to Linus's two accounts.
    await page.getByTestId('storage-search').fill('linus');
    await expect.poll(() => page.getByTestId('storage-accounts-count').textContent()).toBe('2 accounts match');
    await expect.poll(() => page.getByTestId('storage-status-u-linus:dropbox').getAttribute('data-status')).toBe('needs-reconnect');
    await expect.poll(() => page.getByTestId('storage-status-u-linus:google').getAttribute('data-status')).toBe('ok');
    await page.getByRole('button', { name: 'Clear search' }).click();
    await expect.poll(() => page.getByTestId('storage-accounts-count').textContent()).toBe('20 accounts');
    // Most urgent first by default; a header click sorts by that column instead.
    const firstAccount = () => page.locator('[data-testid^="storage-account-"]').first().getAttribute('data-testid');
    await expect.poll(firstAccount).toBe('storage-account-u-linus:dropbox');
    await page.getByTestId('storage-accounts').getByRole('columnheader', { name: /User/ }).getByRole('button').click();
    await expect.poll(firstAccount).toBe('storage-account-u-ada:google');
    await expect.poll(() => page.getByTestId('storage-needs-reconnect').textContent()).toBe('1');
    const lost = rows.filter({ hasText: 'Lost contract.pdf' });
    await expect.poll(() => lost.textContent()).toMatch(/Orphan/);
    await expect.poll(() => rows.filter({ hasText: 'Old invoice.pdf' }).textContent()).toMatch(/Trashed/);
    await shot('storage-page.png');

    await expect.poll(() => page.getByTestId('storage-totals').textContent()).toBe('20 accounts · 24 files'); // Linus's Dropbox row is not counted: it was skipped

    // Grace's last check is now two hours old: opening her detail starts a quiet check of her alone, without blocking the drawer.
    // (The engine keeps each account's state as JSON in the console store's engine_state.)
    const twoHoursAgo = new Date(Date.now() - 2 * 3_600_000).toISOString();
    await harness.app.store.db.run(`UPDATE engine_state SET value_json = json_set(value_json, '$.lastCheckAt', ?) WHERE engine = 'storage-orphans' AND key = 'account:u-grace:dropbox'`, [twoHoursAgo]);
    // Her check reads one delta page: slower still, so "checking…" stays long enough to be seen.
    dropbox.clearFaults();
    for (const route of ['dropbox.files.list_folder', 'dropbox.files.list_folder.continue', 'dropbox.files.get_metadata']) dropbox.fault(route, { status: 200, delayMs: 1_500, passThrough: true });
    // By keyboard: rows are focusable and Enter opens the detail.
    await page.getByTestId('storage-search').fill('grace');
    await expect.poll(() => page.getByTestId('storage-accounts-count').textContent()).toBe('1 account matches');
    await page.getByTestId('storage-account-u-grace:dropbox').focus();
    await page.keyboard.press('Enter');
    const drawer = page.getByRole('dialog', { name: /Storage of grace@example\.com/ });
    await drawer.getByTestId('storage-user-account-dropbox').waitFor({ state: 'visible' });
    await drawer.getByTestId('storage-user-checking').waitFor({ state: 'visible' });
    await page.screenshot({ path: join(ARTIFACTS_DIR, 'storage-user-drawer.png'), animations: 'disabled' });
    await drawer.getByTestId('storage-user-checking').waitFor({ state: 'detached' });
    await expect.poll(() => drawer.getByTestId('storage-user-account-dropbox').textContent()).toMatch(/1 orphans/);
    await page.keyboard.press('Escape');
    await drawer.waitFor({ state: 'hidden' });
    await page.getByRole('button', { name: 'Clear search' }).click();
    const quiet = (await harness.app.store.runs.list({ engine: 'storage-orphans', limit: 1, offset: 0 })).items[0];
    expect([quiet?.params.mode, quiet?.params.user, quiet?.state]).toEqual(['check', 'u-grace', 'succeeded']);
    // Nothing from here on is watched while it runs, only where it ends: the services answer at their own pace again.
    google.clearFaults();
    dropbox.clearFaults();

    // Repair just that one with its button: it asks first, naming the file, the count and until when it can be undone.
    await lost.getByRole('button', { name: 'Quarantine the row of Lost contract.pdf' }).click();
    const single = page.getByRole('dialog', { name: 'Quarantine 1 file row?' });
    await single.waitFor({ state: 'visible' });
    expect(await single.textContent()).toMatch(/The 1 file row of “Lost contract\.pdf” \(ada@example\.com\) will be taken out of the product’s files table/);
    expect(await single.getByTestId('confirm-action-count').textContent()).toBe('Affects 1 file row.');
    const restorableUntil = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium' }).format(new Date(Date.now() + 30 * 86_400_000));
    expect(await single.getByTestId('confirm-action-reversibility').textContent()).toContain(`Can be undone until ${restorableUntil}`);
    await page.screenshot({ path: join(ARTIFACTS_DIR, 'storage-row-confirm.png'), animations: 'disabled' });
    // Cancel does nothing: the row is still in the files table and the finding still open.
    await single.getByRole('button', { name: 'Cancel' }).click();
    await single.waitFor({ state: 'hidden' });
    expect(await fileRowIds()).toContain('f-ada-3');
    expect((await harness.app.store.runs.list({ engine: 'storage-orphans', limit: 1, offset: 0 })).items[0]?.params.mode).toBe('check');
    await lost.getByRole('button', { name: 'Quarantine the row of Lost contract.pdf' }).click();
    await single.getByTestId('storage-quarantine-confirm').click();
    // Its row leaves the files table for quarantine.
    await expect.poll(() => rows.count()).toBe(2);
    await expect.poll(() => page.getByTestId('storage-quarantined').textContent()).toBe('1');
    expect(await fileRowIds()).not.toContain('f-ada-3');
    expect(await fileRowIds()).toContain('f-grace-2');
    await page.getByTestId('storage-findings-view').getByText('Quarantined', { exact: true }).click();
    const quarantined = rows.filter({ hasText: 'Lost contract.pdf' });
    await expect.poll(() => quarantined.textContent()).toMatch(/Quarantined/);
    // The finding carries its quarantine's end: the default 30 days from now.
    const until = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium' }).format(new Date(Date.now() + 30 * 86_400_000));
    await expect.poll(() => quarantined.textContent()).toContain(`restorable until ${until}`);
    await shot('storage-repaired.png');

    // Restore puts the row back as it was.
    await quarantined.getByRole('button', { name: 'Restore Lost contract.pdf' }).click();
    await page.getByTestId('storage-findings-empty').waitFor({ state: 'visible' });
    await expect.poll(() => page.getByTestId('storage-quarantined').textContent()).toBe('0');
    expect(await fileRowIds()).toContain('f-ada-3');
    await page.getByTestId('storage-findings-view').getByText('Restored', { exact: true }).click();
    await expect.poll(() => rows.filter({ hasText: 'Lost contract.pdf' }).textContent()).toMatch(/Restored/);
    await shot('storage-restored.png');
    const runs = (await harness.app.store.runs.list({ engine: 'storage-orphans', limit: 5, offset: 0 })).items;
    expect(runs.map((r) => [r.params.mode, r.params.user ?? null, r.state, r.trigger])).toEqual([
      ['repair', null, 'succeeded', 'manual'],
      ['check', 'u-grace', 'succeeded', 'manual'],
      ['check', null, 'partial', 'manual'],
    ]);
    expect(runs[2]?.result).toMatchObject({ itemsFailed: 1, failedItems: [{ item: 'linus@example.com (Dropbox)', reason: expect.stringMatching(/must reconnect/) }] });

    // A scheduled check with auto-repair: Grace's orphan is past her limit (3 files: 10 % rounds to 0), so nothing is
    // quarantined and the page says so with a banner.
    const scheduled = await harness.app.runs.start('storage-orphans', { mode: 'check', autoRepair: true }, 'schedule');
    const banner = page.getByTestId('storage-guard-banner');
    await banner.waitFor({ state: 'visible' });
    expect(await banner.textContent()).toMatch(new RegExp(`Run #${scheduled.runId} would have quarantined \\d+ file rows?, more than its limit of 0`));
    expect(await fileRowIds()).toContain('f-grace-2');
    await page.getByTestId('storage-findings-view').getByText('Open', { exact: true }).click();
    // The restored row's file is still gone, so the check lists it again; automatic repairs leave it to the admin.
    await expect.poll(() => rows.count()).toBe(3);
    // The theme follows the system by default: the same page in dark mode, for a look.
    await page.emulateMedia({ colorScheme: 'dark' });
    await shot('storage-guard-dark.png');
    await page.emulateMedia({ colorScheme: 'light' });

    // The product adds a trigger on deleting a files row: what it does elsewhere a restore cannot undo, so the page
    // says so before the repair and refuses to go on until the admin agrees.
    const product = openSqliteAppDb({ path: dbPath });
    await product.execute('CREATE TRIGGER files_deleted_log AFTER DELETE ON files BEGIN SELECT 1; END');
    await product.close();
    await page.reload();
    await expect.poll(() => rows.count()).toBe(3);

    // Bulk repair states its count and the 30 days before it starts.
    await page.getByTestId('storage-repair-all').click();
    const modal = page.getByRole('dialog', { name: 'Quarantine 3 file rows?' });
    await modal.waitFor({ state: 'visible' });
    expect(await modal.textContent()).toMatch(/restorable from this page for 30 days/);
    await expect.poll(() => modal.getByTestId('storage-restore-warning').textContent()).toMatch(/trigger files_deleted_log runs when a files row is deleted/);
    expect(await modal.getByTestId('storage-quarantine-confirm').isDisabled()).toBe(true);
    await modal.getByTestId('storage-quarantine-agree').click();
    expect(await modal.getByTestId('storage-quarantine-confirm').isDisabled()).toBe(false);
    await page.screenshot({ path: join(ARTIFACTS_DIR, 'storage-bulk-confirm.png'), animations: 'disabled' });
    await modal.getByTestId('storage-quarantine-confirm').click();
    await page.getByTestId('storage-findings-empty').waitFor({ state: 'visible' });
    await expect.poll(() => page.getByTestId('storage-quarantined').textContent()).toBe('3');
    const left = await fileRowIds();
    for (const id of ['f-ada-3', 'f-ada-4', 'f-grace-2']) expect(left).not.toContain(id);
    expect(left).toHaveLength(FILES.length + CALM.length - 3);

    // A needs-reconnect notification opens /storage?status=needs-reconnect (core/app/notifier.ts): the page starts filtered.
    const linked = new URL(harness.server.url);
    linked.searchParams.set('status', 'needs-reconnect');
    linked.hash = '/storage';
    await page.goto(linked.href);
    await expect.poll(() => page.getByTestId('storage-accounts-count').textContent()).toBe('1 account matches');
    await expect.poll(firstAccount).toBe('storage-account-u-linus:dropbox');
    await shot('storage-needs-reconnect-link.png');
    expect(harness.consoleErrors).toEqual([]);
  }, 90_000);

  it('an account with auto-sync off: Check all leaves it out and the page says so, with a filter to list it (issue-18 walk)', async () => {
    const db = openSqliteAppDb({ path: dbPath });
    try {
      await db.execute('INSERT INTO user_sync_settings (user_id, auto_sync, delete_after_sync) VALUES (?, ?, ?)', ['u-calm-0', 0, 0]);
    } finally {
      await db.close();
    }
    const firstAccount = () => page.locator('[data-testid^="storage-account-"]').first().getAttribute('data-testid');
    const home = new URL(harness.server.url);
    home.hash = '/storage';
    await page.goto(home.href);
    await page.getByTestId('storage-check-all').click();
    // The progress line and the page agree: 19 of the 20 accounts checked, and why not the 20th.
    await expect.poll(() => page.getByTestId('storage-run').textContent(), { timeout: 30_000 }).toMatch(/of 19 accounts, .*\(1 with auto-sync off left out\)/);
    const note = page.getByTestId('storage-auto-sync-off');
    await expect.poll(() => note.textContent()).toMatch(/^1 account has auto-sync off in the product, so Check all and schedules leave it out/);
    await page.getByTestId('storage-auto-sync-off-filter').click();
    await expect.poll(() => page.getByTestId('storage-accounts-count').textContent()).toBe('1 account matches');
    await expect.poll(firstAccount).toBe('storage-account-u-calm-0:google');
    await shot('storage-auto-sync-off.png');
    expect(harness.consoleErrors).toEqual([]);
  }, 60_000);

  /** A full-page screenshot from the top: scrolled, the sticky header would be drawn mid-page. */
  async function shot(name: string): Promise<void> {
    await page.evaluate('window.scrollTo(0, 0)');
    await page.screenshot({ path: join(ARTIFACTS_DIR, name), fullPage: true });
  }

  async function fileRowIds(): Promise<string[]> {
    const db = openSqliteAppDb({ path: dbPath });
    try {
      return (await db.query<{ id: string }>('SELECT id FROM files ORDER BY id')).map((row) => row.id);
    } finally {
      await db.close();
    }
  }
});
