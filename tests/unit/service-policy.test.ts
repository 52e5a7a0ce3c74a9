import { describe, expect, it } from 'vitest';
import { ConnectorError, parseRetryAfter } from '../../core/connectors/shared/connector-error';
import { createServicePolicy } from '../../core/connectors/shared/service-policy';

const rateLimited = (ms?: number) => new ConnectorError('rate-limited', 'test', 'slow down', { status: 429, ...(ms === undefined ? {} : { retryAfterMs: ms }) });

describe('service policy (retries and concurrency)', () => {
  it('retries transient failures with backoff, honouring Retry-After, and counts every request', async () => {
    let requests = 0;
    const policy = createServicePolicy({ service: 'test', concurrency: 2, initialDelayMs: 1, maxDelayMs: 1000, onRequest: () => requests++ });
    let calls = 0;
    const started = Date.now();
    const result = await policy.execute(async () => {
      calls++;
      if (calls < 3) throw rateLimited(120);
      return 'ok';
    });
    expect(result).toBe('ok');
    expect(requests).toBe(3);
    expect(policy.retries).toBe(2);
    expect(Date.now() - started).toBeGreaterThanOrEqual(230);
  });

  it('never retries definitive answers (not-found, unauthorized, token-revoked)', async () => {
    const policy = createServicePolicy({ service: 'test', concurrency: 1, initialDelayMs: 1 });
    for (const kind of ['not-found', 'unauthorized', 'token-revoked', 'invalid-request'] as const) {
      let calls = 0;
      await expect(
        policy.execute(async () => {
          calls++;
          throw new ConnectorError(kind, 'test', kind);
        }),
      ).rejects.toMatchObject({ kind });
      expect(calls).toBe(1);
    }
  });

  it('gives up after the bounded number of attempts with the last error', async () => {
    const policy = createServicePolicy({ service: 'test', concurrency: 1, maxAttempts: 4, initialDelayMs: 1, maxDelayMs: 5 });
    let calls = 0;
    await expect(
      policy.execute(async () => {
        calls++;
        throw new ConnectorError('unavailable', 'test', `503 #${calls}`, { status: 503 });
      }),
    ).rejects.toThrow('503 #4');
    expect(calls).toBe(4);
  });

  it('does not retry when the service asks for a longer wait than the policy would ever make', async () => {
    const policy = createServicePolicy({ service: 'test', concurrency: 1, initialDelayMs: 1, maxDelayMs: 1000 });
    let calls = 0;
    await expect(
      policy.execute(async () => {
        calls++;
        throw rateLimited(45 * 60_000); // an hourly budget that resets in 45 minutes
      }),
    ).rejects.toMatchObject({ kind: 'rate-limited', retryAfterMs: 45 * 60_000 });
    expect(calls).toBe(1);
  });

  it('keeps at most `concurrency` requests in flight', async () => {
    const policy = createServicePolicy({ service: 'test', concurrency: 3 });
    let inFlight = 0;
    let peak = 0;
    await Promise.all(
      Array.from({ length: 20 }, () =>
        policy.execute(async () => {
          inFlight++;
          peak = Math.max(peak, inFlight);
          await new Promise((resolve) => setTimeout(resolve, 5));
          inFlight--;
        }),
      ),
    );
    expect(peak).toBe(3);
  });

  it('parses Retry-After as seconds or as an HTTP date', () => {
    expect(parseRetryAfter('2')).toBe(2000);
    expect(parseRetryAfter(new Date(10_000).toUTCString(), 4_000)).toBe(6000);
    expect(parseRetryAfter('soon')).toBeUndefined();
    expect(parseRetryAfter(undefined)).toBeUndefined();
  });
});
