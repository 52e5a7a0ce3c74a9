import { join } from 'node:path';
import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BrowserServer } from '../../core/server/browser-server';
import { startCloudinaryEmulator, type CloudinaryEmulator } from '../emulators/cloudinary/cloudinary.emulator';
import type { CloudSeed } from '../emulators/cloudinary/cloudinary-store';
import { loadCloudinarySeed } from '../emulators/cloudinary/fixtures';
import { openConsole, type ConsoleHarness } from '../helpers/console-harness';
import { ARTIFACTS_DIR } from '../helpers/paths';
import type { TestApp } from '../helpers/test-app';

/**
 * A person's path through the Connections page: add a Cloudinary connection
 * pointed at the emulator, test it (the real probe, real SDK, real HTTP), then
 * break its secret and see Cloudinary's own 401 wording in the UI. The secret
 * typed in the browser must never come back to it.
 */
describe('e2e: connections in browser mode (Chromium)', () => {
  let emulator: CloudinaryEmulator;
  let cloud: CloudSeed;
  let harness: ConsoleHarness;
  let app: TestApp;
  let server: BrowserServer;
  let browser: Browser;
  let page: Page;
  let connectionId = 0;
  let consoleErrors: string[];

  beforeAll(async () => {
    const seed = loadCloudinarySeed();
    const first = seed.clouds[0];
    if (!first) throw new Error('the Cloudinary seed has no cloud');
    cloud = first;
    emulator = await startCloudinaryEmulator(seed);
    harness = await openConsole({ viewport: { width: 1366, height: 900 } });
    ({ app, server, browser, page, consoleErrors } = harness);
  });

  afterAll(async () => {
    await harness?.close();
    await emulator?.close();
  });

  const dialog = () => page.getByRole('dialog');
  const status = (): Locator => page.getByTestId(`connection-status-${connectionId}`);

  it('explains connections when there are none', async () => {
    await page.goto(server.url);
    await page.getByRole('link', { name: 'Connections' }).first().click();
    await expect.poll(() => page.url()).toMatch(/#\/connections/);
    await page.getByTestId('connections-empty').waitFor({ state: 'visible' });
    await page.screenshot({ path: join(ARTIFACTS_DIR, 'connections-empty.png') });
  });

  it('checks fields before sending', async () => {
    await page.getByTestId('add-connection').click();
    await dialog().waitFor({ state: 'visible' });
    await page.getByTestId('connection-kind').getByText('Cloudinary').click();
    await page.getByLabel('Cloud name').fill('not a cloud name!');
    await page.getByTestId('connection-save').click();
    await expect.poll(() => dialog().textContent()).toMatch(/Give the connection a name/);
    expect(await dialog().textContent()).toMatch(/letters, digits, - and _ only/);
    expect(await dialog().textContent()).toMatch(/API secret is required/);
    await page.screenshot({ path: join(ARTIFACTS_DIR, 'connections-validation.png') });

    // A Postgres URL with a password is refused in favour of the keychain-backed Password field.
    await page.getByTestId('connection-kind').getByText('App database').click();
    await page.getByLabel('Driver').selectOption('postgres');
    await page.getByLabel('PostgreSQL URL').fill('postgres://app:hunter2@db.example.com/app');
    await page.getByTestId('connection-save').click();
    await expect.poll(() => dialog().textContent()).toMatch(/put it in the Password field/);
    // Nothing reached the host.
    expect(await app.store.connections.list()).toHaveLength(0);
    await page.keyboard.press('Escape');
    await dialog().waitFor({ state: 'hidden' });
  });

  it('adds a Cloudinary connection pointed at the emulator and tests it OK', async () => {
    await page.getByTestId('add-connection').click();
    await dialog().waitFor({ state: 'visible' });
    await page.getByTestId('connection-kind').getByText('Cloudinary').click();
    // By role: getByLabel('Name') would also match "Cloud name", and the label text carries the required asterisk.
    await page.getByRole('textbox', { name: 'Name', exact: true }).fill('Demo media');
    await page.getByLabel('Cloud name').fill(cloud.cloudName);
    await page.getByLabel('API key').fill(cloud.apiKey);
    await page.getByLabel('API secret').fill(cloud.apiSecret);
    await page.getByLabel('Root folder').fill('media');
    await page.getByTestId('connection-advanced').click();
    const baseUrl = page.getByLabel('API base URL');
    await baseUrl.fill(emulator.url);
    await baseUrl.press('Enter'); // Enter submits the form

    await page.getByTestId('connection-saved').waitFor({ state: 'visible' });
    const [stored] = await app.store.connections.list();
    expect(stored).toMatchObject({ kind: 'cloudinary', name: 'Demo media', config: { cloudName: cloud.cloudName, apiKey: cloud.apiKey, rootFolder: 'media', apiBaseUrl: emulator.url } });
    connectionId = stored?.id ?? 0;
    expect(JSON.stringify(stored)).not.toContain(cloud.apiSecret);

    await page.getByTestId('connection-test-now').click();
    await dialog().waitFor({ state: 'hidden' });
    const card = page.getByTestId(`connection-card-${connectionId}`);
    await card.waitFor({ state: 'visible' });
    expect(await card.textContent()).toMatch(/API secret: set/);
    await expect.poll(() => status().getAttribute('data-status'), { timeout: 15_000 }).toMatch(/^(ok|failed)$/);
    const text = (await status().textContent()) ?? '';
    await page.screenshot({ path: join(ARTIFACTS_DIR, 'connections-ok.png') });
    // The cloudinary probe is wired in core/connections/probes; without it the host says so, and this fails loudly.
    expect(text, text).not.toMatch(/not available in this build/);
    expect(await status().getAttribute('data-status'), text).toBe('ok');
    expect(emulator.count('cloudinary.ping') + emulator.count('cloudinary.search')).toBeGreaterThan(0);
    // The page never received the secret.
    expect(await page.content()).not.toContain(cloud.apiSecret);
  });

  it('edits the secret to a wrong one and shows Cloudinary’s own error', async () => {
    await page.getByTestId(`connection-edit-${connectionId}`).click();
    await dialog().waitFor({ state: 'visible' });
    const secret = page.getByLabel('API secret');
    // Write-only: empty, with a placeholder that says a value is stored.
    expect(await secret.inputValue()).toBe('');
    expect(await secret.getAttribute('placeholder')).toMatch(/set — leave empty to keep/);
    expect(await page.getByLabel('Cloud name').inputValue()).toBe(cloud.cloudName);
    await secret.fill('wrong-secret');
    await secret.press('Enter');
    await page.getByTestId('connection-saved').waitFor({ state: 'visible' });
    await page.getByRole('button', { name: 'Done' }).click();
    await dialog().waitFor({ state: 'hidden' });

    await page.getByTestId(`connection-test-${connectionId}`).click();
    await expect.poll(() => status().getAttribute('data-status'), { timeout: 15_000 }).toBe('failed');
    await page.locator('.mantine-Notification-root', { hasText: 'Demo media: bad credentials' }).waitFor({ state: 'visible' });
    await page.waitForTimeout(400); // let the toast finish sliding in, for a readable artifact
    await page.screenshot({ path: join(ARTIFACTS_DIR, 'connections-error.png') });
    const text = (await status().textContent()) ?? '';
    expect(text, text).toMatch(/api_secret mismatch/);
    expect(text).toMatch(/Bad credentials/);
  });

  it('shows the host’s refusal on the field it is about', async () => {
    await page.getByTestId('add-connection').click();
    await dialog().waitFor({ state: 'visible' });
    await page.getByTestId('connection-kind').getByText('Cloudinary').click();
    await page.getByRole('textbox', { name: 'Name', exact: true }).fill('Demo media'); // taken: the host answers conflict
    await page.getByLabel('Cloud name').fill(cloud.cloudName);
    await page.getByLabel('API key').fill(cloud.apiKey);
    await page.getByLabel('API secret').fill(cloud.apiSecret);
    await page.getByTestId('connection-save').click();
    const name = page.getByRole('textbox', { name: 'Name', exact: true });
    await expect.poll(() => name.getAttribute('aria-invalid')).toBe('true');
    expect(await dialog().textContent()).toMatch(/A connection named "Demo media" already exists/);
    await page.keyboard.press('Escape');
    await dialog().waitFor({ state: 'hidden' });
    expect(await app.store.connections.list()).toHaveLength(1);
  });

  it('renders the page in dark mode', async () => {
    const dark = await browser.newPage({ colorScheme: 'dark', viewport: { width: 1366, height: 900 } });
    dark.setDefaultTimeout(10_000);
    await dark.goto(server.url);
    await dark.getByRole('link', { name: 'Connections' }).first().click();
    await dark.getByTestId(`connection-card-${connectionId}`).waitFor({ state: 'visible' });
    expect(await dark.locator('html').getAttribute('data-mantine-color-scheme')).toBe('dark');
    await dark.screenshot({ path: join(ARTIFACTS_DIR, 'connections-dark.png') });
    await dark.getByTestId(`connection-edit-${connectionId}`).click();
    await dark.getByRole('dialog').waitFor({ state: 'visible' });
    await dark.screenshot({ path: join(ARTIFACTS_DIR, 'connections-edit-dark.png') });
    await dark.close();
  });

  it('removes the connection after a confirm that names it', async () => {
    await page.getByTestId(`connection-remove-${connectionId}`).click();
    await expect.poll(() => dialog().textContent()).toMatch(/Remove Demo media\?/);
    await page.getByTestId('connection-remove-confirm').click();
    await page.getByTestId('connections-empty').waitFor({ state: 'visible' });
    expect(await app.store.connections.list()).toHaveLength(0);
    expect(consoleErrors).toEqual([]);
  });
});
