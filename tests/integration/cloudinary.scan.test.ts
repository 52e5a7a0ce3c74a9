import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createCloudinaryConnector, type CloudinaryConnector } from '../../core/connectors/cloudinary/cloudinary.connector';
import { folderExpression } from '../../core/connectors/cloudinary/cloudinary-expression';
import type { CloudinaryAsset, CloudinaryConnectorOptions, CloudinarySearchRequest } from '../../core/connectors/cloudinary/cloudinary-types';
import type { ConnectorError } from '../../core/connectors/shared/connector-error';
import { startCloudinaryEmulator, type CloudinaryEmulator } from '../emulators/cloudinary/cloudinary.emulator';
import { bulkVideos, loadCloudinarySeed } from '../emulators/cloudinary/fixtures';

const seed = loadCloudinarySeed();
const demo = seed.clouds[0]!;
const BULK_FOLDER = 'media/users/bulk@example.com/videos';
let emulator: CloudinaryEmulator;
let requests = 0;

const connect = (policy: CloudinaryConnectorOptions['policy'] = {}) =>
  createCloudinaryConnector({
    cloudName: demo.cloudName,
    apiKey: demo.apiKey,
    apiSecret: demo.apiSecret,
    uploadPrefix: emulator.url,
    policy: { initialDelayMs: 1, maxDelayMs: 20, onRequest: () => requests++, ...policy },
  });

/** Drains the generator: resolves with every asset only if every page arrived. */
async function listAll(connector: CloudinaryConnector, request: Omit<CloudinarySearchRequest, 'nextCursor'>): Promise<CloudinaryAsset[]> {
  const assets: CloudinaryAsset[] = [];
  for await (const page of connector.searchAll(request)) assets.push(...page.assets);
  return assets;
}

beforeAll(async () => {
  emulator = await startCloudinaryEmulator({ clouds: [{ ...demo, hourlyBudget: 2_000, assets: [...(demo.assets ?? []), ...bulkVideos(1_200, 'bulk@example.com')] }] });
});
afterAll(() => emulator.close());
beforeEach(() => {
  emulator.clearFaults();
  emulator.resetCounts();
  emulator.setRemainingBudget(demo.cloudName, 2_000);
  requests = 0;
});

describe('cloudinary connector: listing at scale, budgets and faults', () => {
  it('lists 1,200 assets in exactly 3 search calls of up to 500, each asset once', async () => {
    const assets = await listAll(connect(), { expression: `asset_folder="${BULK_FOLDER}"` });
    expect(assets).toHaveLength(1_200);
    expect(new Set(assets.map((a) => a.publicId)).size).toBe(1_200);
    expect(emulator.count('cloudinary.search')).toBe(Math.ceil(1_200 / 500));
    expect(requests).toBe(3);
    // created_at desc by default: the newest upload comes first.
    expect(assets[0]?.publicId).toBe('video-01199');
  });

  it('reports the rate-limit budget with every page, decreasing by one per request', async () => {
    const connector = connect();
    const pages = [];
    for await (const page of connector.searchAll({ expression: `asset_folder:${BULK_FOLDER.slice(0, -'/videos'.length)}/*`, maxResults: 400 })) pages.push(page);
    expect(pages.map((p) => p.assets.length)).toEqual([400, 400, 400]);
    expect(pages.map((p) => p.rateLimit?.remaining)).toEqual([1_999, 1_998, 1_997]);
    const budget = connector.rateLimit();
    expect(budget).toMatchObject({ limit: 2_000, remaining: 1_997 });
    expect(budget!.resetAt.getTime()).toBeGreaterThan(Date.now());
    expect(budget!.resetAt.getTime() - Date.now()).toBeLessThanOrEqual(3_600_000);
    expect(emulator.remainingBudget(demo.cloudName)).toBe(1_997);
  });

  it('an exhausted hourly budget surfaces as rate-limited (420) at once, with the wait until the known reset', async () => {
    const connector = connect({ maxAttempts: 2 });
    await connector.search({ expression: 'resource_type:video', maxResults: 1 });
    emulator.setRemainingBudget(demo.cloudName, 0);
    const error = await connector.search({ expression: 'resource_type:video' }).then(
      () => expect.fail('an exhausted budget must reject'),
      (e: unknown) => e as ConnectorError,
    );
    expect(error).toMatchObject({ kind: 'rate-limited', status: 420, message: 'Rate Limit Exceeded' });
    expect(error.retryAfterMs).toBeGreaterThan(0);
    expect(error.retryAfterMs).toBeLessThanOrEqual(3_600_000);
    expect(connector.rateLimit()?.remaining).toBe(0);
    // A reset further away than the policy would ever wait is not retried: one refused request, not maxAttempts.
    expect(emulator.count('cloudinary.search')).toBe((error.retryAfterMs ?? 0) > 20 ? 2 : 3);
  });

  it('a 503 in the middle of a multi-page scan fails the whole scan as unavailable, never a partial listing', async () => {
    const connector = connect({ maxAttempts: 3 });
    const received: CloudinaryAsset[] = [];
    const scan = (async () => {
      for await (const page of connector.searchAll({ expression: `asset_folder="${BULK_FOLDER}"` })) {
        received.push(...page.assets);
        // After the first page the service starts failing (the SDK's "unexpected status code" path).
        emulator.fault('cloudinary.search', { status: 503, body: 'Service Unavailable' });
      }
      return received;
    })();
    await expect(scan).rejects.toMatchObject({ kind: 'unavailable', status: 503, message: 'Server returned unexpected status code - 503' });
    expect(received).toHaveLength(500);
    expect(emulator.count('cloudinary.search')).toBe(1 + 3);
  });

  it('a 420/429 storm ends in success, and every retry is counted', async () => {
    const retries: number[] = [];
    const connector = connect({ maxAttempts: 6, onRetry: ({ attempt }) => retries.push(attempt) });
    emulator.fault('cloudinary.search', { status: 420, body: { error: { message: 'Rate Limit Exceeded' } }, times: 2 });
    emulator.fault('cloudinary.search', { status: 429, body: { error: { message: 'Rate Limit Exceeded' } }, headers: { 'Retry-After': '0' }, times: 2 });
    const assets = await listAll(connector, { expression: `asset_folder="${BULK_FOLDER}"` });
    expect(assets).toHaveLength(1_200);
    expect(emulator.count('cloudinary.search')).toBe(3 + 4);
    expect(requests).toBe(7);
    expect(connector.policy.retries).toBe(4);
    expect(retries).toHaveLength(4);
  });

  it('selects by folder prefix, resource type, context and tags, with context and tags only when asked', async () => {
    const connector = connect();
    const clips = await connector.search({ expression: 'asset_folder:media/users/ada@example.com/* AND context.parent_video="onboarding-walkthrough_q3tx1a"', withFields: ['context', 'tags'] });
    expect(clips.assets.map((a) => [a.publicId, a.context, a.tags])).toEqual([['onboarding-highlight_7hd02k', { parent_video: 'onboarding-walkthrough_q3tx1a' }, ['clip']]]);
    const plain = await connector.search({ expression: 'asset_folder="media/users/ada@example.com/clips" AND resource_type:video' });
    expect(plain.assets[0]).toMatchObject({ context: {}, tags: [] });
    const exact = await connector.search({ expression: folderExpression('media/users/ada@example.com/clips') });
    expect(exact.assets.map((a) => a.publicId)).toEqual(['onboarding-highlight_7hd02k']);
    const nested = await connector.search({ expression: folderExpression('media/users/ada@example.com', { includeSubfolders: true }) });
    expect(nested.assets.map((a) => a.folderPath).sort()).toEqual(['media/users/ada@example.com/clips', 'media/users/ada@example.com/videos']);
    const images = await connector.search({ expression: 'resource_type:image' });
    expect(images).toMatchObject({ assets: [], totalCount: 0, nextCursor: undefined });
  });

  it('the emulated budget refills when the hour turns', async () => {
    let now = Date.UTC(2025, 0, 1, 10, 59, 0);
    const hourly = await startCloudinaryEmulator({ clouds: [{ ...demo, hourlyBudget: 1 }] }, { now: () => now });
    try {
      const connector = createCloudinaryConnector({ cloudName: demo.cloudName, apiKey: demo.apiKey, apiSecret: demo.apiSecret, uploadPrefix: hourly.url, policy: { maxAttempts: 1 } });
      const first = await connector.search({ expression: '' });
      expect(first.rateLimit).toEqual({ limit: 1, remaining: 0, resetAt: new Date(Date.UTC(2025, 0, 1, 11)) });
      await expect(connector.search({ expression: '' })).rejects.toMatchObject({ kind: 'rate-limited', status: 420 });
      now = Date.UTC(2025, 0, 1, 11, 0, 1);
      await expect(connector.search({ expression: '' })).resolves.toMatchObject({ rateLimit: { remaining: 0, resetAt: new Date(Date.UTC(2025, 0, 1, 12)) } });
    } finally {
      await hourly.close();
    }
  });

  it('never asks for more than 500 per page, even when told to', async () => {
    const page = await connect().search({ expression: `asset_folder="${BULK_FOLDER}"`, maxResults: 5_000 });
    expect(page.assets).toHaveLength(500);
    expect(page.totalCount).toBe(1_200);
    expect(page.nextCursor).toBeDefined();
  });
});
