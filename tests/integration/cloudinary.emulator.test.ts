import { Agent } from 'node:http';
import { v2 as cloudinary } from 'cloudinary';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCloudinaryEmulator, type CloudinaryEmulator } from '../emulators/cloudinary/cloudinary.emulator';
import { bulkVideos, loadCloudinarySeed } from '../emulators/cloudinary/fixtures';

/**
 * The emulator's routes that the connector does not use (yet), driven by the
 * SDK directly, so they are known to work before an engine relies on them.
 */
const seed = loadCloudinarySeed();
const demo = seed.clouds[0]!;
let emulator: CloudinaryEmulator;
const options = () => ({ cloud_name: demo.cloudName, api_key: demo.apiKey, api_secret: demo.apiSecret, upload_prefix: emulator.url, agent: new Agent() });

beforeAll(async () => {
  emulator = await startCloudinaryEmulator(seed);
});
afterAll(() => emulator.close());

describe('cloudinary emulator: Admin API routes through the SDK', () => {
  it('by_asset_folder pages through one exact folder with the query the SDK sends', async () => {
    for (const asset of bulkVideos(7, 'folder@example.com')) emulator.addAsset(demo.cloudName, asset);
    const folder = 'media/users/folder@example.com/videos';
    const first = await cloudinary.api.resources_by_asset_folder(folder, { ...options(), max_results: 5 });
    expect(first.resources).toHaveLength(5);
    expect(first.next_cursor).toEqual(expect.any(String));
    const second = await cloudinary.api.resources_by_asset_folder(folder, { ...options(), max_results: 5, next_cursor: first.next_cursor });
    expect(second.resources).toHaveLength(2);
    expect(second.next_cursor).toBeUndefined();
    expect(first.rate_limit_remaining).toEqual(expect.any(Number));
    expect(second.rate_limit_remaining).toBe(first.rate_limit_remaining! - 1);
  });

  it('a deleted asset answers 404 with the real error body', async () => {
    const { publicId } = emulator.addAsset(demo.cloudName, { folder: 'media/users/del@example.com/videos', filename: 'to-delete' });
    expect(emulator.deleteAsset(demo.cloudName, publicId)).toBe(true);
    await expect(cloudinary.api.resource(publicId, { ...options(), resource_type: 'video' })).rejects.toMatchObject({
      error: { message: `Resource not found - ${publicId}`, http_code: 404 },
    });
  });
});
