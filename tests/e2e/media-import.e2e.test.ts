import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initCanonicalSchema } from '../../core/appdb/ddl';
import { openSqliteAppDb } from '../../core/appdb/sqlite.adapter';
import { startCloudinaryEmulator, type CloudinaryEmulator } from '../emulators/cloudinary/cloudinary.emulator';
import { openConsole, type ConsoleHarness } from '../helpers/console-harness';
import { ARTIFACTS_DIR } from '../helpers/paths';
import { makeTempDir } from '../helpers/temp-dir';

const CLOUD = { cloudName: 'media-e2e', apiKey: '555444333222111', apiSecret: 'media-e2e-secret' };
const USERS = [
  { id: 'u-ada', email: 'ada@example.com' },
  { id: 'u-grace', email: 'grace@example.com' },
  { id: 'u-linus', email: 'linus@example.com' },
];
const VERSION = Math.floor(Date.parse('2025-04-02T09:00:00Z') / 1000);
const THUMBNAIL = `https://res.cloudinary.com/${CLOUD.cloudName}/video/upload/so_auto/v${VERSION}/launch-talk.jpg`;

/**
 * A person's path through the Media page: check storage, see the missing
 * videos with their previews, import one with its own button, and see its
 * row (with the Cloudinary thumbnail URL) appear. Offline the thumbnails do
 * not load: the placeholder keeps the URL, and the browser's failed-load
 * messages for res.cloudinary.com are the only console errors allowed.
 */
describe('e2e: the Media page imports a missing video (Chromium)', () => {
  let harness: ConsoleHarness;
  let page: Page;
  let emulator: CloudinaryEmulator;
  const dir = makeTempDir();

  beforeAll(async () => {
    const dbPath = join(dir.path, 'product.db');
    const db = openSqliteAppDb({ path: dbPath, create: true });
    await initCanonicalSchema(db);
    await db.executeMany('INSERT INTO users (id, email) VALUES (?, ?)', USERS.map((u) => [u.id, u.email]));
    await db.execute('INSERT INTO videos (id, user_id, public_id, bytes) VALUES (?, ?, ?, ?)', ['row-onboarding', 'u-grace', 'onboarding', 4000]);
    await db.close();
    const asset = (email: string, kind: 'videos' | 'clips', name: string, createdAt: string, extra = {}) => ({ folder: `media/users/${email}/${kind}`, filename: name, publicId: name, createdAt, duration: 42, bytes: 3_500_000, ...extra });
    emulator = await startCloudinaryEmulator({
      clouds: [
        {
          ...CLOUD,
          hourlyBudget: 500,
          assets: [
            asset('ada@example.com', 'videos', 'launch-talk', '2025-04-02T09:00:00Z', { context: { title: 'Launch talk' } }),
            asset('ada@example.com', 'clips', 'launch-talk--intro', '2025-04-02T09:10:00Z'),
            asset('grace@example.com', 'videos', 'onboarding', '2025-04-01T09:00:00Z', { bytes: 4000 }),
            asset('grace@example.com', 'videos', 'weekly-demo', '2025-04-03T09:00:00Z'),
          ],
        },
      ],
    });
    harness = await openConsole({ stepTimeoutMs: 20_000 });
    page = harness.page;
    await harness.app.connections.create({ kind: 'appdb', name: 'Product', config: { driver: 'sqlite', path: dbPath }, secrets: {} });
    await harness.app.connections.create({ kind: 'cloudinary', name: 'Media', config: { cloudName: CLOUD.cloudName, apiKey: CLOUD.apiKey, rootFolder: 'media', apiBaseUrl: emulator.url }, secrets: { apiSecret: CLOUD.apiSecret } });
  });

  afterAll(async () => {
    await harness?.close();
    await emulator?.close();
    dir.remove();
  });

  it('checks storage from the empty state, imports one missing video with its button, and shows its row with the thumbnail', async () => {
    await page.goto(harness.server.url);
    await page.getByRole('link', { name: 'Media' }).first().click();
    await expect.poll(() => page.url()).toMatch(/#\/media/);

    await page.getByTestId('media-sync-storage').click();
    const launch = page.locator('[data-testid^="media-finding-"]', { hasText: 'Launch talk' });
    await launch.waitFor({ state: 'visible' });
    await expect.poll(() => page.locator('[data-testid^="media-finding-"]').count()).toBe(3);
    await expect.poll(() => page.getByTestId('media-user-ada@example.com').textContent()).toMatch(/ada@example\.com1120/);
    await expect.poll(() => page.getByTestId('media-budget-remaining').textContent()).toMatch(/^\d+$/);
    await expect.poll(() => launch.getByTestId('media-thumbnail').getAttribute('data-thumbnail-url')).toBe(THUMBNAIL);
    await page.screenshot({ path: join(ARTIFACTS_DIR, 'media-findings.png'), fullPage: true });

    await launch.getByRole('button', { name: 'Import Launch talk' }).click();
    const row = page.getByTestId('media-row-launch-talk');
    await row.waitFor({ state: 'visible' });
    await expect.poll(() => row.getByTestId('media-thumbnail').getAttribute('data-thumbnail-url')).toBe(THUMBNAIL);
    await expect.poll(() => page.locator('[data-testid^="media-finding-"]').count()).toBe(2);
    await expect.poll(() => page.locator('[data-testid^="run-progress-"]').first().getAttribute('aria-valuenow')).toBe('100');
    await page.screenshot({ path: join(ARTIFACTS_DIR, 'media-imported.png'), fullPage: true });

    // Only that one video was imported: the product database now has its row, the others are still missing.
    const db = openSqliteAppDb({ path: join(dir.path, 'product.db') });
    try {
      const videos = await db.query<{ public_id: string; thumbnail_url: string; user_id: string }>('SELECT public_id, thumbnail_url, user_id FROM videos ORDER BY public_id');
      expect(videos).toEqual([
        { public_id: 'launch-talk', thumbnail_url: THUMBNAIL, user_id: 'u-ada' },
        { public_id: 'onboarding', thumbnail_url: null, user_id: 'u-grace' },
      ]);
    } finally {
      await db.close();
    }
    const runs = (await harness.app.store.runs.list({ engine: 'media-import', limit: 5, offset: 0 })).items;
    expect(runs.map((r) => [r.scope, r.state, r.trigger])).toEqual([[expect.stringMatching(/^repair:finding:\d+$/), 'succeeded', 'manual'], ['all', 'succeeded', 'manual']]);
    const unexpected = harness.consoleErrors.filter((message) => !/Failed to load resource: net::ERR_/.test(message));
    expect(unexpected).toEqual([]);
  });
});
