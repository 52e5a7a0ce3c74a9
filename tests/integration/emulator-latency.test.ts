import { afterEach, describe, expect, it } from 'vitest';
import { startGoogleEmulator, type GoogleEmulator } from '../emulators/google';
import { account, seedWith } from '../emulators/google/test-support';

/**
 * The emulators' network latency (shared/emulator.ts `latencyMs`): each call
 * waits on its own timer, so concurrent calls overlap as on a real network.
 * Latencies here are large (300 ms) so that the bounds hold on a busy 2-core
 * machine: sequential calls would take 10 × 300 ms, overlapping ones about 300.
 */
const LATENCY = 300;
const emulators: GoogleEmulator[] = [];

async function start(latencyMs?: number): Promise<{ emulator: GoogleEmulator; profile: () => Promise<number> }> {
  const emulator = await startGoogleEmulator(seedWith(account('mia', { mailbox: { historyId: 5000, messages: [] } })), latencyMs === undefined ? {} : { latencyMs });
  emulators.push(emulator);
  const token = emulator.issueAccessToken('mia');
  // One Gmail call; resolves to its wall time in ms (and fails the test on anything but the profile).
  const profile = async () => {
    const startedAt = performance.now();
    const response = await fetch(`${emulator.rootUrl}gmail/v1/users/me/profile`, { headers: { authorization: `Bearer ${token}` } });
    expect(await response.json()).toMatchObject({ emailAddress: 'mia@example.com', historyId: '5000' });
    return performance.now() - startedAt;
  };
  return { emulator, profile };
}

const control = (emulator: GoogleEmulator, body: unknown) => fetch(`${emulator.url}/__emulator/latency`, { method: 'POST', body: JSON.stringify(body) });
const elapsed = async (work: () => Promise<unknown>) => {
  const startedAt = performance.now();
  await work();
  return performance.now() - startedAt;
};

afterEach(async () => {
  await Promise.all(emulators.splice(0).map((emulator) => emulator.close()));
});

describe('emulator network latency', () => {
  it('a call set with a start option waits the latency before its answer', async () => {
    const { emulator, profile } = await start(LATENCY);
    expect(emulator.latency()).toBe(LATENCY);
    expect(await profile()).toBeGreaterThanOrEqual(LATENCY - 5);
    expect(emulator.count('gmail.profile.get')).toBe(1);
  });

  it('ten concurrent calls take about one latency, not ten: the event loop is not blocked', async () => {
    const { profile } = await start(LATENCY);
    const each: number[] = [];
    const total = await elapsed(() => Promise.all(Array.from({ length: 10 }, async () => each.push(await profile()))));
    expect(Math.min(...each)).toBeGreaterThanOrEqual(LATENCY - 5);
    // Sequential waiting would take 3,000 ms; overlapping about 300.
    expect(total).toBeLessThan(LATENCY * 3);
  });

  it('0 (the default, or set through the control route) adds no wait at all', async () => {
    const { emulator, profile } = await start();
    expect(emulator.latency()).toBe(0);
    // 20 sequential calls: with the latency they would take 6,000 ms.
    expect(await elapsed(async () => {
      for (let i = 0; i < 20; i++) await profile();
    })).toBeLessThan(LATENCY);

    emulator.setLatency(LATENCY);
    expect(await profile()).toBeGreaterThanOrEqual(LATENCY - 5);
    expect((await control(emulator, { ms: 0 })).status).toBe(200);
    expect(await elapsed(async () => {
      for (let i = 0; i < 20; i++) await profile();
    })).toBeLessThan(LATENCY);
  });

  it('another process sets and reads it through the control route; reset keeps it; a bad value is refused and changes nothing', async () => {
    const { emulator, profile } = await start();
    const set = await control(emulator, { ms: LATENCY });
    expect(await set.json()).toEqual({ ok: true, ms: LATENCY });
    expect(await (await fetch(`${emulator.url}/__emulator/latency`)).json()).toEqual({ ms: LATENCY });
    expect(await profile()).toBeGreaterThanOrEqual(LATENCY - 5);

    // The control routes themselves never wait (a test scripting faults is not on the network).
    expect(await elapsed(() => fetch(`${emulator.url}/__emulator/counts`))).toBeLessThan(LATENCY);
    await fetch(`${emulator.url}/__emulator/reset`, { method: 'POST' });
    expect(emulator.latency()).toBe(LATENCY);

    for (const bad of [{ ms: -1 }, { ms: 'fast' }, { ms: null }, {}, { ms: 1e9 }]) {
      const refused = await control(emulator, bad);
      expect(refused.status).toBe(400);
      expect(((await refused.json()) as { error: string }).error).toMatch(/latency wants a number of ms/);
    }
    expect((await fetch(`${emulator.url}/__emulator/latency`, { method: 'POST', body: 'not json' })).status).toBe(400);
    expect(emulator.latency()).toBe(LATENCY);
    expect(() => emulator.setLatency(Number.NaN)).toThrow(RangeError);
    await expect(startGoogleEmulator(seedWith(account('x')), { latencyMs: -5 })).rejects.toThrow(RangeError);
  });

  it('adds to a fault script: a slow-service fault waits its delay on top of the latency', async () => {
    const { emulator, profile } = await start(LATENCY);
    emulator.fault('gmail.profile.get', { status: 200, passThrough: true, delayMs: LATENCY, times: 1 });
    expect(await profile()).toBeGreaterThanOrEqual(2 * LATENCY - 5);
    expect(await profile()).toBeLessThan(2 * LATENCY);
  });
});
