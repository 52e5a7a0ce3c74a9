import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initCanonicalSchema } from '../../core/appdb/ddl';
import { openSqliteAppDb } from '../../core/appdb/sqlite.adapter';
import { videoThumbnailUrl } from '../../core/connectors/cloudinary/cloudinary-thumbnail';
import { markDemoDataDir } from '../../core/secrets/demo-file.secret-store';
import { demoImageOrigins } from '../../core/server/demo-image-origins';
import { startCloudinaryEmulator, type CloudinaryEmulator } from '../emulators/cloudinary/cloudinary.emulator';
import { openConsole, type ConsoleHarness } from '../helpers/console-harness';
import { ARTIFACTS_DIR } from '../helpers/paths';
import { makeTempDir } from '../helpers/temp-dir';

const CLOUD = { cloudName: 'thumbs-e2e', apiKey: '111222333444555', apiSecret: 'thumbs-e2e-secret' };
const USERS = [
  { id: 'u-ada', email: 'ada@example.com' },
  { id: 'u-grace', email: 'grace@example.com' },
];

/**
 * The demo's Media page offline: thumbnails come from the Cloudinary emulator's placeholder images (the
 * connection's thumbnail base), browser mode's CSP allows that origin because the data dir is the demo's,
 * and every preview loads: a real image (naturalWidth > 0), no broken image, no console error. Any request
 * that would leave the machine is refused, so a thumbnail from the real CDN would fail here.
 */
describe('e2e: the demo Media page shows thumbnails offline (Chromium)', () => {
  let harness: ConsoleHarness;
  let page: Page;
  let emulator: CloudinaryEmulator;
  const dir = makeTempDir();
  const dataDir = makeTempDir();
  const leftTheMachine: string[] = [];

  beforeAll(async () => {
    const asset = (email: string, name: string) => ({ folder: `media/users/${email}/videos`, filename: name, publicId: name, createdAt: '2025-04-02T09:00:00Z', duration: 42, bytes: 3_500_000 });
    emulator = await startCloudinaryEmulator({
      clouds: [{ ...CLOUD, hourlyBudget: 500, assets: [asset('ada@example.com', 'launch-talk'), asset('ada@example.com', 'roadmap'), asset('grace@example.com', 'onboarding')] }],
    });
    const dbPath = join(dir.path, 'product.db');
    const db = openSqliteAppDb({ path: dbPath, create: true });
    await initCanonicalSchema(db);
    await db.executeMany('INSERT INTO users (id, email) VALUES (?, ?)', USERS.map((u) => [u.id, u.email]));
    // A row seeded as the demo seeds it: its thumbnail already points at the emulator.
    await db.execute('INSERT INTO videos (id, user_id, public_id, title, thumbnail_url, bytes) VALUES (?, ?, ?, ?, ?, ?)', [
      'row-onboarding',
      'u-grace',
      'onboarding',
      'Onboarding',
      videoThumbnailUrl(CLOUD.cloudName, 'onboarding', { deliveryBase: emulator.url }),
      3_500_000,
    ]);
    await db.close();

    markDemoDataDir(dataDir.path);
    const cloudinary = { kind: 'cloudinary' as const, name: 'Media', config: { cloudName: CLOUD.cloudName, apiKey: CLOUD.apiKey, rootFolder: 'media', apiBaseUrl: emulator.url, deliveryBaseUrl: emulator.url } };
    const imageOrigins = demoImageOrigins(dataDir.path, [cloudinary]);
    expect(imageOrigins).toEqual([new URL(emulator.url).origin]);
    harness = await openConsole({ dataDir: dataDir.path, imageOrigins, stepTimeoutMs: 20_000 });
    page = harness.page;
    await page.route('**/*', (route) => {
      const host = new URL(route.request().url()).hostname;
      if (host === '127.0.0.1' || host === 'localhost') return route.continue();
      leftTheMachine.push(route.request().url());
      return route.abort('internetdisconnected');
    });
    await harness.app.connections.create({ kind: 'appdb', name: 'Product', config: { driver: 'sqlite', path: dbPath }, secrets: {} });
    await harness.app.connections.create({ ...cloudinary, secrets: { apiSecret: CLOUD.apiSecret } });
  });

  afterAll(async () => {
    await harness?.close();
    await emulator?.close();
    dir.remove();
  });

  /** Every preview on the page: how many, and how many are real images that loaded. */
  const previews = () =>
    page.evaluate<{ total: number; loaded: number; urls: (string | null)[] }>(`(() => {
      const all = [...document.querySelectorAll('[data-testid="media-thumbnail"]')];
      const loaded = all.filter((el) => el instanceof HTMLImageElement && el.complete && el.naturalWidth > 0);
      return { total: all.length, loaded: loaded.length, urls: all.map((el) => el.getAttribute('data-thumbnail-url')) };
    })()`);

  it('a check lists the missing videos with previews from the emulator, and they load', async () => {
    await page.goto(harness.server.url);
    await page.getByRole('link', { name: 'Media' }).first().click();
    await page.getByTestId('media-sync-storage').click();
    await expect.poll(() => page.locator('[data-testid^="media-finding-"]').count()).toBe(2);
    await expect.poll(async () => (await previews()).loaded).toBeGreaterThanOrEqual(2);
    const { total, loaded, urls } = await previews();
    expect(loaded).toBe(total);
    for (const url of urls) expect(url?.startsWith(`${emulator.url}/${CLOUD.cloudName}/video/upload/`)).toBe(true);
    await page.screenshot({ path: join(ARTIFACTS_DIR, 'media-thumbnails-1440.png'), fullPage: true });
  });

  it('an imported row shows its preview too, and reads at 1024×768', async () => {
    const launch = page.locator('[data-testid^="media-finding-"]', { hasText: 'launch-talk' });
    await launch.getByRole('button', { name: /Import/ }).click();
    await page.getByTestId('media-row-launch-talk').waitFor({ state: 'visible' });
    await expect.poll(async () => {
      const { total, loaded } = await previews();
      return total > 0 && loaded === total;
    }).toBe(true);
    await page.setViewportSize({ width: 1024, height: 768 });
    await page.screenshot({ path: join(ARTIFACTS_DIR, 'media-thumbnails-1024.png'), fullPage: true });
    expect(leftTheMachine).toEqual([]);
    expect(harness.consoleErrors).toEqual([]);
  });
});
