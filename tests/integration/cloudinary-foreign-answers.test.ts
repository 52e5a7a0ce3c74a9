import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createCloudinaryConnector } from '../../core/connectors/cloudinary/cloudinary.connector';
import { faultOf } from '../../core/connectors/shared/fault';
import { startCloudinaryEmulator, type CloudinaryEmulator } from '../emulators/cloudinary/cloudinary.emulator';
import { loadCloudinarySeed } from '../emulators/cloudinary/fixtures';
import { ANY_ROUTE, foreignFault, type ForeignAnswer } from '../emulators/shared/faults';
import { connectorFailure } from '../helpers/connector-failure';

/**
 * Only Cloudinary's own 404 `{error:{message:"Resource not found - <id>"}}`
 * proves absence (DESIGN §4.1); a refused api_secret is the connection's
 * problem (§4.2). The real cloudinary SDK against the emulator.
 */
const seed = loadCloudinarySeed();
const demo = seed.clouds[0] as (typeof seed.clouds)[number];
let emulator: CloudinaryEmulator;
const FOREIGN: ForeignAnswer[] = ['html', 'empty', 'json'];

const connect = (apiSecret = demo.apiSecret) =>
  createCloudinaryConnector({ cloudName: demo.cloudName, apiKey: demo.apiKey, apiSecret, uploadPrefix: emulator.url, policy: { maxAttempts: 1, initialDelayMs: 1, maxDelayMs: 10 } });

beforeAll(async () => {
  emulator = await startCloudinaryEmulator(seed);
});
afterAll(() => emulator.close());
beforeEach(() => {
  emulator.clearFaults();
  emulator.resetCounts();
});

describe('Cloudinary: a foreign 404 is never not-found', () => {
  for (const kind of FOREIGN) {
    it(`resource answered by a ${kind} 404 (on any route) is unknown`, async () => {
      emulator.fault(ANY_ROUTE, foreignFault(kind));
      const error = await connectorFailure(connect().getResource('onboarding-highlight_7hd02k', 'video'));
      expect(error.kind).toBe('unavailable');
      expect(faultOf(error)).toBe('none');
    });
  }

  it('a 404 in Cloudinary’s error shape but with another message is not proof of absence', async () => {
    emulator.fault('cloudinary.resource', { status: 404, body: { error: { message: 'Not Found' } } });
    expect(await connectorFailure(connect().getResource('onboarding-highlight_7hd02k', 'video'))).toMatchObject({ kind: 'unavailable', status: 404 });
  });

  it("only Cloudinary's own 'Resource not found - <id>' is not-found", async () => {
    expect(await connectorFailure(connect().getResource('gone_123', 'video'))).toMatchObject({ kind: 'not-found', status: 404, message: 'Resource not found - gone_123' });
  });

  it('a wrong api_secret (401 api_secret mismatch) is misconfigured, the connection’s fault', async () => {
    const error = await connectorFailure(connect('wrong').getResource('gone_123', 'video'));
    expect(error).toMatchObject({ kind: 'misconfigured', status: 401, message: 'api_secret mismatch' });
    expect(faultOf(error)).toBe('connection');
  });

  it('a 401 HTML page from a proxy is not a verdict on the secret', async () => {
    emulator.fault('cloudinary.resource', foreignFault('html', 401));
    expect((await connectorFailure(connect().getResource('gone_123', 'video'))).kind).toBe('unavailable');
  });
});
