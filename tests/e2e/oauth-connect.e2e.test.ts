import { generateKeyPairSync } from 'node:crypto';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppDbAdapter } from '../../core/appdb/adapter';
import { initCanonicalSchema } from '../../core/appdb/ddl';
import { openSqliteAppDb } from '../../core/appdb/sqlite.adapter';
import type { BrowserServer } from '../../core/server/browser-server';
import { loadDropboxSeed, startDropboxEmulator, type DropboxEmulator } from '../emulators/dropbox/dropbox.emulator';
import { startGoogleEmulator, type GoogleEmulator } from '../emulators/google';
import { account, googleOAuthConnection, seedWith } from '../emulators/google/test-support';
import { openConsole, type ConsoleHarness } from '../helpers/console-harness';
import { ARTIFACTS_DIR } from '../helpers/paths';
import { makeTempDir } from '../helpers/temp-dir';
import type { TestApp } from '../helpers/test-app';

/**
 * Connect an account (RFC 8252) as an admin does it in browser mode: press
 * Connect on the card, follow the sign-in link to the provider's consent page
 * (the emulator's), press Allow, come back to the card showing the account;
 * import a sheet with it; Disconnect revokes it at the provider. A service
 * account connection tests OK and imports a sheet.
 */
const SHEET = [['Plan', 'Price'], ['basic', '10'], ['pro', '30'], ['team', '90']];
const SA_EMAIL = 'sheets-reader@syncwarden-e2e.iam.gserviceaccount.com';

describe('e2e: Connect Google and Dropbox accounts (browser mode, Chromium)', () => {
  const dir = makeTempDir('syncwarden-oauth-e2e-');
  let google: GoogleEmulator;
  let dropbox: DropboxEmulator;
  let db: AppDbAdapter;
  let harness: ConsoleHarness;
  let app: TestApp;
  let server: BrowserServer;
  let page: Page;
  let consoleErrors: string[];
  let googleId: number;
  let dropboxId: number;
  const dropboxSeed = loadDropboxSeed();
  const keys = generateKeyPairSync('rsa', { modulusLength: 2048 });

  beforeAll(async () => {
    google = await startGoogleEmulator(seedWith(account('admin', { email: 'admin@example.com', spreadsheets: [{ id: 'pricing', title: 'Pricing', sheets: [{ title: 'Plans', rows: SHEET }] }] })));
    dropbox = await startDropboxEmulator(dropboxSeed);
    google.addServiceAccount(SA_EMAIL, keys.publicKey.export({ type: 'spki', format: 'pem' }).toString(), 'admin');
    const dbPath = join(dir.path, 'product.db');
    db = openSqliteAppDb({ path: dbPath, create: true });
    await initCanonicalSchema(db);
    harness = await openConsole({ viewport: { width: 1440, height: 900 }, stepTimeoutMs: 15_000 });
    ({ app, server, page, consoleErrors } = harness);
    await app.connections.create({ kind: 'appdb', name: 'Product', config: { driver: 'sqlite', path: dbPath }, secrets: {} });
    googleId = (await app.connections.create(googleOAuthConnection(google, 'Workspace'))).id;
    dropboxId = (await app.connections.create({ kind: 'dropbox', name: 'Team Dropbox', config: { appKey: dropbox.appKey, baseUrl: dropbox.url }, secrets: { appSecret: dropbox.appSecret } })).id;
  });

  afterAll(async () => {
    await harness?.close();
    await Promise.all([google?.close(), dropbox?.close(), db?.close()]);
    dir.remove();
  });

  const manual = { actor: 'manual' } as const;

  /** Press Connect, follow the link to the consent page, Allow, and wait for the card. */
  async function connectThroughConsent(id: number, service: string, email: string): Promise<void> {
    await page.getByTestId(`connection-connect-${id}`).click();
    const modal = page.getByRole('dialog');
    await modal.waitFor({ state: 'visible' });
    await page.getByTestId('connect-waiting').waitFor({ state: 'visible' });
    const [consent] = await Promise.all([page.context().waitForEvent('page'), page.getByTestId('connect-link').click()]);
    await consent.waitForLoadState();
    expect(await consent.getByTestId('consent-email').textContent()).toBe(email);
    await consent.locator('#allow').click();
    await consent.getByText(`Signed in to ${service}`).waitFor({ state: 'visible' });
    await consent.close();
    await page.getByTestId('connect-done').waitFor({ state: 'visible' });
    expect(await page.getByTestId('connect-done').textContent()).toContain(email);
    await page.getByTestId('connect-close').click();
    await modal.waitFor({ state: 'hidden' });
    await expect.poll(() => page.getByTestId(`connection-account-${id}`).textContent()).toBe(email);
  }

  it('Connect Google: the consent page, Allow, and the card shows the account', async () => {
    await page.goto(server.url);
    await page.getByRole('link', { name: 'Connections' }).first().click();
    expect(await page.getByTestId(`connection-account-${googleId}`).textContent()).toBe('Not connected');
    await page.screenshot({ path: join(ARTIFACTS_DIR, 'connections-oauth-1440-before.png'), fullPage: true });
    await connectThroughConsent(googleId, 'Google', 'admin@example.com');
    expect(google.refreshTokensOf('admin')).toHaveLength(2); // the seeded grant and the admin's new one
  });

  it('Connect Dropbox the same way', async () => {
    const first = dropboxSeed.accounts[0]!;
    await connectThroughConsent(dropboxId, 'Dropbox', first.email);
    await page.screenshot({ path: join(ARTIFACTS_DIR, 'connections-oauth-1440.png'), fullPage: true });
    await page.setViewportSize({ width: 1024, height: 768 });
    await page.screenshot({ path: join(ARTIFACTS_DIR, 'connections-oauth-1024.png'), fullPage: true });
    await page.setViewportSize({ width: 1440, height: 900 });
  });

  it('the source form offers reading as the connected account (no storage account id then)', async () => {
    await page.getByRole('link', { name: 'Sheets' }).first().click();
    await page.getByTestId('add-source').click();
    await page.getByRole('dialog').waitFor({ state: 'visible' });
    await page.getByTestId('source-account').waitFor({ state: 'visible' });
    await page.getByTestId('source-credentials').getByText('The connected account').click();
    await page.getByTestId('source-connection-account').waitFor({ state: 'visible' });
    expect(await page.getByTestId('source-account').count()).toBe(0);
    await page.screenshot({ path: join(ARTIFACTS_DIR, 'sheets-source-read-as-1440.png') });
    await page.setViewportSize({ width: 1024, height: 768 });
    await page.screenshot({ path: join(ARTIFACTS_DIR, 'sheets-source-read-as-1024.png') });
    await page.setViewportSize({ width: 1440, height: 900 });
    await page.keyboard.press('Escape');
    await page.getByRole('dialog').waitFor({ state: 'hidden' });
  });

  it('a sheet import reads with the connected Google account', async () => {
    const source = await app.handlers['sheets.sources.create'](
      { name: 'Admin pricing', spreadsheetId: 'pricing', sheet: 'Plans', connection: 'Workspace', credentials: 'connection', targetTable: 'sheet_admin_pricing', columns: [{ header: 'Plan', column: 'plan' }, { header: 'Price', column: 'price', type: 'number' }] } as never,
      manual,
    ) as { id: number };
    // Created behind the page's back: a reload shows it.
    await page.reload();
    await page.getByRole('link', { name: 'Sheets' }).first().click();
    const card = page.getByTestId(`sheet-source-${source.id}`);
    await card.getByRole('button', { name: /Import Admin pricing now/ }).click();
    await expect.poll(async () => (await db.query(`SELECT plan FROM sheet_admin_pricing ORDER BY _sheet_row`).catch(() => [])).length, { timeout: 15_000 }).toBe(3);
  });

  it('Disconnect revokes the grant at Google and Dropbox and removes the tokens', async () => {
    await page.getByRole('link', { name: 'Connections' }).first().click();
    for (const [id, emulator] of [[googleId, google], [dropboxId, dropbox]] as const) {
      const token = (await app.connections.settings(await app.connections.stored(id))).secrets.refreshToken;
      expect(token).toBeTruthy();
      await page.getByTestId(`connection-disconnect-${id}`).click();
      await page.getByTestId('connection-disconnect-confirm').click();
      await expect.poll(() => page.getByTestId(`connection-account-${id}`).textContent()).toBe('Not connected');
      expect(emulator.revokedTokens()).toContain(token);
      expect((await app.connections.settings(await app.connections.stored(id))).secrets.refreshToken).toBeUndefined();
    }
  });

  it('a service-account connection tests OK and imports a sheet', async () => {
    await page.getByTestId('add-connection').click();
    await page.getByRole('dialog').waitFor({ state: 'visible' });
    await page.getByTestId('connection-kind').getByText('Google').click();
    await page.getByRole('textbox', { name: 'Name', exact: true }).fill('Service account');
    const keyFile = JSON.stringify({ type: 'service_account', project_id: 'syncwarden-e2e', private_key_id: 'k1', private_key: keys.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(), client_email: SA_EMAIL, token_uri: 'https://oauth2.googleapis.com/token' });
    await page.getByTestId('connection-secret-serviceAccountJson').fill(keyFile);
    await page.getByTestId('connection-advanced').click();
    await page.getByLabel('API root URL').fill(google.rootUrl);
    await page.getByLabel('Token URL').fill(google.tokenUrl);
    await page.screenshot({ path: join(ARTIFACTS_DIR, 'connections-oauth-service-account-form.png') });
    await page.getByTestId('connection-save').click();
    await page.getByTestId('connection-saved').waitFor({ state: 'visible' });
    const created = (await app.connections.list()).find((c) => c.name === 'Service account');
    expect(created?.secrets.serviceAccountJson).toEqual({ hasSecret: true });
    const id = created?.id ?? 0;
    await page.getByTestId('connection-test-now').click();
    await page.getByRole('dialog').waitFor({ state: 'hidden' });
    await expect.poll(() => page.getByTestId(`connection-status-${id}`).textContent(), { timeout: 15_000 }).toMatch(/Google accepted the service account/);

    const source = await app.handlers['sheets.sources.create'](
      { name: 'SA pricing', spreadsheetId: 'pricing', sheet: 'Plans', connection: 'Service account', credentials: 'connection', targetTable: 'sheet_sa_pricing', columns: [{ header: 'Plan', column: 'plan' }] } as never,
      manual,
    ) as { id: number };
    const { runId } = await app.handlers['sheets.import']({ id: source.id }, manual);
    expect((await app.runs.waitFor(runId))?.state).toBe('succeeded');
    expect(await db.query(`SELECT plan FROM sheet_sa_pricing ORDER BY _sheet_row`)).toEqual([{ plan: 'basic' }, { plan: 'pro' }, { plan: 'team' }]);
    expect(consoleErrors).toEqual([]);
  });
});
