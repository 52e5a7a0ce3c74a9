import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initCanonicalSchema } from '../../core/appdb/ddl';
import { openSqliteAppDb } from '../../core/appdb/sqlite.adapter';
import { startDropboxEmulator, type DropboxEmulator } from '../emulators/dropbox/dropbox.emulator';
import { startGoogleEmulator, type GoogleEmulator } from '../emulators/google';
import { openConsole, type ConsoleHarness } from '../helpers/console-harness';
import { ARTIFACTS_DIR } from '../helpers/paths';
import { makeTempDir } from '../helpers/temp-dir';

const GOOGLE_CLIENT = { clientId: 'storage-narrow.apps.googleusercontent.com', clientSecret: 'storage-narrow-google-secret' };
const DROPBOX_APP = { key: 'storage-narrow-app-key', secret: 'storage-narrow-app-secret' };
/** Long addresses, as in the demo: the issue-18 walk saw them truncated and the table scroll sideways at 1024 px. */
const USERS = [
  { id: 'u1', email: 'katherine.johnson@example.com', name: 'Katherine Johnson' },
  { id: 'u2', email: 'evelyn.boydgranville@example.com', name: 'Evelyn Boyd Granville' },
];
const ACCOUNT_ID = 'dbid:AAevelyn00000000000000000000000000';

/**
 * The Storage accounts table at 1024×768 after a first check: it fits the
 * width (no sideways scroll) with Status and Check in view; at 1440 the wide
 * columns are back.
 */
describe('e2e: Storage accounts at 1024 px (Chromium)', () => {
  const dir = makeTempDir();
  const dbPath = join(dir.path, 'product.db');
  let harness: ConsoleHarness;
  let google: GoogleEmulator;
  let dropbox: DropboxEmulator;

  beforeAll(async () => {
    const db = openSqliteAppDb({ path: dbPath, create: true });
    await initCanonicalSchema(db);
    await db.executeMany('INSERT INTO users (id, email, name) VALUES (?, ?, ?)', USERS.map((u) => [u.id, u.email, u.name]));
    await db.executeMany('INSERT INTO storage_accounts (id, user_id, provider, refresh_token, needs_reconnect) VALUES (?, ?, ?, ?, ?)', [
      ['sa-1', 'u1', 'google', 'rt-google-u1', false],
      ['sa-2', 'u2', 'dropbox', 'rt-dropbox-u2', false],
    ]);
    await db.executeMany('INSERT INTO files (id, user_id, provider, provider_file_id, name, size) VALUES (?, ?, ?, ?, ?, ?)', [
      ['f1', 'u1', 'google', 'g-1', 'Orbits.pdf', 1_000],
      ['f2', 'u1', 'google', 'g-gone', 'Lost.pdf', 1_000],
      ['f3', 'u2', 'dropbox', 'id:e-1', 'Notes.txt', 1_000],
    ]);
    await db.close();
    google = await startGoogleEmulator({
      clients: [GOOGLE_CLIENT],
      accounts: [{ id: 'u1', email: USERS[0]!.email, refreshTokens: ['rt-google-u1'], files: [{ id: 'g-1', name: 'Orbits.pdf', mimeType: 'application/pdf', size: 1_000 }] }],
    });
    dropbox = await startDropboxEmulator({
      app: DROPBOX_APP,
      accounts: [{ accountId: ACCOUNT_ID, email: USERS[1]!.email, displayName: USERS[1]!.name, refreshTokens: ['rt-dropbox-u2'], entries: [{ path: '/Apps/Product/Notes.txt', id: 'id:e-1', size: 1_000 }] }],
    });
    harness = await openConsole({ viewport: { width: 1024, height: 768 }, stepTimeoutMs: 20_000 });
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

  it('fits the width: no sideways scroll, whole emails, Status and Check in view', async () => {
    const { page } = harness;
    await page.goto(harness.server.url);
    await page.getByRole('link', { name: 'Storage' }).first().click();
    await page.getByTestId('storage-first-check').click();
    const table = page.getByTestId('storage-accounts');
    await expect.poll(() => page.getByTestId('storage-status-u1:google').getAttribute('data-status')).toBe('orphans');
    await expect.poll(() => page.getByTestId('storage-status-u2:dropbox').getAttribute('data-status')).toBe('ok');
    const overflow = () => table.evaluate((node) => (node.parentElement ? node.parentElement.scrollWidth - node.parentElement.clientWidth : 0));
    expect(await overflow()).toBeLessThanOrEqual(0);
    for (const key of ['u1:google', 'u2:dropbox']) {
      expect(await page.getByTestId(`storage-status-${key}`).isVisible()).toBe(true);
      const check = page.getByTestId(`storage-check-${key}`);
      expect(await check.isVisible()).toBe(true);
      const [box, view] = [await check.boundingBox(), await table.locator('xpath=..').boundingBox()];
      expect(box && view && box.x + box.width <= view.x + view.width).toBe(true);
      // Check ends the row, after the status it refreshes.
      const status = await page.getByTestId(`storage-status-${key}`).boundingBox();
      expect(box && status && box.x > status.x).toBe(true);
    }
    // Whole emails: the longest is not cut.
    const email = table.getByText(USERS[1]!.email, { exact: true });
    expect(await email.evaluate((node) => node.scrollWidth <= node.clientWidth)).toBe(true);
    await page.screenshot({ path: join(ARTIFACTS_DIR, 'storage-accounts-1024.png'), fullPage: true });

    await page.setViewportSize({ width: 1440, height: 900 });
    await table.getByRole('columnheader', { name: /Last check/ }).waitFor({ state: 'visible' });
    expect(await overflow()).toBeLessThanOrEqual(0);
    await page.screenshot({ path: join(ARTIFACTS_DIR, 'storage-accounts-1440.png'), fullPage: true });
    expect(harness.consoleErrors).toEqual([]);
  });
});
