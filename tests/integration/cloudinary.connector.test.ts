import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createCloudinaryConnector } from '../../core/connectors/cloudinary/cloudinary.connector';
import type { CloudinaryConnectorOptions } from '../../core/connectors/cloudinary/cloudinary-types';
import { startCloudinaryEmulator, type CloudinaryEmulator } from '../emulators/cloudinary/cloudinary.emulator';
import { loadCloudinarySeed } from '../emulators/cloudinary/fixtures';
import { connectorFailure } from '../helpers/connector-failure';

const seed = loadCloudinarySeed();
const [demo, legacy] = seed.clouds as [(typeof seed.clouds)[number], (typeof seed.clouds)[number]];
let emulator: CloudinaryEmulator;

const connect = (overrides: Partial<CloudinaryConnectorOptions> = {}) =>
  createCloudinaryConnector({
    cloudName: demo.cloudName,
    apiKey: demo.apiKey,
    apiSecret: demo.apiSecret,
    uploadPrefix: emulator.url,
    policy: { initialDelayMs: 1, maxDelayMs: 20 },
    ...overrides,
  });

beforeAll(async () => {
  emulator = await startCloudinaryEmulator(seed);
});
afterAll(() => emulator.close());
beforeEach(() => {
  emulator.clearFaults();
  emulator.resetCounts();
});

describe('cloudinary connector: typed outcomes against the real SDK', () => {
  it('answers ok for the right credentials, and bad-credentials with Cloudinary’s own words for a wrong secret or key', async () => {
    await expect(connect().testConnection()).resolves.toMatchObject({ ok: true, status: 'ok' });
    await expect(connect({ apiSecret: 'wrong' }).testConnection()).resolves.toEqual({ ok: false, status: 'bad-credentials', message: 'api_secret mismatch' });
    await expect(connect({ apiKey: '999' }).testConnection()).resolves.toEqual({ ok: false, status: 'bad-credentials', message: 'Unknown API key 999' });
    // The probe is never retried: a wrong key costs one request.
    expect(emulator.count('cloudinary.ping')).toBe(3);
  });

  it('reports unreachable when nothing listens on the port', async () => {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    await new Promise((resolve) => server.close(resolve));
    const check = await connect({ uploadPrefix: `http://127.0.0.1:${port}` }).testConnection();
    expect(check).toMatchObject({ ok: false, status: 'unreachable' });
    expect(check.message).toContain('ECONNREFUSED');
  });

  it('gets one asset with its custom context (a clip’s parent video id)', async () => {
    const clip = await connect().getResource('onboarding-highlight_7hd02k', 'video');
    expect(clip).toMatchObject({
      publicId: 'onboarding-highlight_7hd02k',
      assetFolder: 'media/users/ada@example.com/clips',
      folderPath: 'media/users/ada@example.com/clips',
      resourceType: 'video',
      duration: 14.9,
      context: { parent_video: 'onboarding-walkthrough_q3tx1a' },
      tags: ['clip'],
    });
  });

  it('reaches a fixed-mode public id containing slashes and @', async () => {
    const legacyConnector = connect({ cloudName: legacy.cloudName, apiKey: legacy.apiKey, apiSecret: legacy.apiSecret });
    const talk = await legacyConnector.getResource('media/users/linus@example.com/videos/kernel-talk');
    expect(talk).toMatchObject({ folder: 'media/users/linus@example.com/videos', assetFolder: undefined, folderPath: 'media/users/linus@example.com/videos' });
  });

  it('a missing asset is not-found with the service’s message, asked once (a definitive answer is not retried)', async () => {
    const error = await connectorFailure(connect().getResource('gone_123', 'video'));
    expect(error).toMatchObject({ kind: 'not-found', status: 404, message: 'Resource not found - gone_123', service: 'cloudinary' });
    expect(emulator.count('cloudinary.resource')).toBe(1);
  });

  it('a wrong secret on a data call is the connection’s misconfiguration, never not-found', async () => {
    const error = await connectorFailure(connect({ apiSecret: 'wrong' }).getResource('gone_123'));
    expect(error).toMatchObject({ kind: 'misconfigured', status: 401, message: 'api_secret mismatch' });
  });

  it('maps 403 to forbidden and an unsupported expression (400) to invalid-request', async () => {
    emulator.fault('cloudinary.resource', { status: 403, body: { error: { message: 'Access denied' } }, times: 1 });
    expect(await connectorFailure(connect().getResource('onboarding-walkthrough_q3tx1a'))).toMatchObject({ kind: 'forbidden', status: 403 });
    const bad = await connectorFailure(connect().search({ expression: 'uploaded_at>1d' }));
    expect(bad).toMatchObject({ kind: 'invalid-request', status: 400 });
    expect(emulator.count('cloudinary.search')).toBe(1);
  });

  it('maps 500 and the SDK’s “unexpected status code” (502/503) to unavailable after bounded retries', async () => {
    const connector = connect({ policy: { initialDelayMs: 1, maxDelayMs: 5, maxAttempts: 2 } });
    emulator.fault('cloudinary.resource', { status: 500, body: { error: { message: 'General Error' } } });
    expect(await connectorFailure(connector.getResource('onboarding-walkthrough_q3tx1a'))).toMatchObject({ kind: 'unavailable', status: 500, message: 'General Error' });
    emulator.clearFaults();
    emulator.fault('cloudinary.resource', { status: 503, body: '<html>Service Unavailable</html>' });
    const unexpected = await connectorFailure(connector.getResource('onboarding-walkthrough_q3tx1a'));
    expect(unexpected).toMatchObject({ kind: 'unavailable', status: 503, message: 'Server returned unexpected status code - 503' });
    expect(emulator.count('cloudinary.resource')).toBe(4);
  });

  it('a server that never answers times out as unavailable instead of hanging the run', async () => {
    emulator.fault('cloudinary.resource', { status: 200, body: {}, delayMs: 3_000, times: 1 });
    const started = Date.now();
    const error = await connectorFailure(connect({ timeoutMs: 200, policy: { maxAttempts: 1 } }).getResource('onboarding-walkthrough_q3tx1a'));
    expect(error).toMatchObject({ kind: 'unavailable', reason: 'ETIMEDOUT' });
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it('builds the video thumbnail URL with the SDK, without analytics', () => {
    const connector = connect();
    expect(connector.videoThumbnailUrl('onboarding-walkthrough_q3tx1a', { version: 1740906900 })).toBe(
      `https://res.cloudinary.com/${demo.cloudName}/video/upload/so_auto/v1740906900/onboarding-walkthrough_q3tx1a.jpg`,
    );
    expect(connector.videoThumbnailUrl('media/users/linus@example.com/videos/kernel-talk')).toBe(
      `https://res.cloudinary.com/${demo.cloudName}/video/upload/so_auto/v1/media/users/linus%40example.com/videos/kernel-talk.jpg`,
    );
  });

  it('two connectors for two clouds on two emulators work side by side in one process', async () => {
    const other = await startCloudinaryEmulator({ clouds: [{ ...legacy, hourlyBudget: 7 }] });
    try {
      const first = connect();
      const second = createCloudinaryConnector({ cloudName: legacy.cloudName, apiKey: legacy.apiKey, apiSecret: legacy.apiSecret, uploadPrefix: other.url });
      const [a, b] = await Promise.all([first.search({ expression: 'resource_type:video' }), second.search({ expression: 'resource_type:video' })]);
      expect(a.assets.map((x) => x.publicId).sort()).toEqual(['onboarding-highlight_7hd02k', 'onboarding-walkthrough_q3tx1a', 'quarterly-review_m81zpe']);
      expect(b.assets.map((x) => x.publicId)).toEqual(['media/users/linus@example.com/videos/kernel-talk']);
      expect(b.rateLimit).toMatchObject({ limit: 7, remaining: 6 });
      expect(first.rateLimit()?.limit).toBe(500);
      expect(second.videoThumbnailUrl('x')).toContain(`/${legacy.cloudName}/video/upload/`);
      expect(emulator.count('cloudinary.search')).toBe(1);
      expect(other.count('cloudinary.search')).toBe(1);
    } finally {
      await other.close();
    }
  });
});
