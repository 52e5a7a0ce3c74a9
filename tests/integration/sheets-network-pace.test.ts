import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { largeWorld, SHEET_NETWORK } from '../../scripts/demo/large-world';
import { startGoogleEmulator, type GoogleEmulator } from '../emulators/google';
import { account, seedWith } from '../emulators/google/test-support';

/**
 * Walk of issue 18, finding 10: the large demo's 300,000-row import was over in 2.3 s, too fast to follow
 * its badge to another page. A spreadsheet's `network` (a world file's sheet field) makes each values read
 * take a latency plus its body at a throughput, as big reads of the real Sheets API do.
 */
const rows = Array.from({ length: 2_000 }, (_, i) => [`ORD-${i}`, `customer-${i}`]);
let emulator: GoogleEmulator;

beforeAll(async () => {
  const sheets = [{ title: 'Data', rows }];
  emulator = await startGoogleEmulator(
    seedWith(
      account('owner', {
        accessTokens: [{ token: 'ya29.pace', expiresInSec: 3599 }],
        spreadsheets: [
          { id: 'slow', title: 'Slow', sheets, network: { latencyMs: 150, bytesPerSecond: 100_000 } },
          { id: 'fast', title: 'Fast', sheets },
        ],
      }),
    ),
  );
});
afterAll(() => emulator.close());

const timedRead = async (id: string, range: string) => {
  const started = performance.now();
  const response = await fetch(`${emulator.url}/v4/spreadsheets/${id}/values/${encodeURIComponent(range)}`, { headers: { Authorization: 'Bearer ya29.pace' } });
  const body = await response.text();
  return { status: response.status, bytes: body.length, ms: performance.now() - started, values: (JSON.parse(body) as { values?: string[][] }).values };
};

describe('Sheets emulator: a spreadsheet network pace', () => {
  it('answers each values window after the latency plus its body at the throughput, with the same values', async () => {
    const small = await timedRead('slow', 'Data!A1:B10');
    expect(small.status).toBe(200);
    expect(small.ms).toBeGreaterThanOrEqual(150);
    const big = await timedRead('slow', 'Data!A1:B2000');
    // ~50 kB at 100 kB/s: about half a second more than the latency.
    expect(big.ms).toBeGreaterThanOrEqual(150 + (big.bytes * 1000) / 100_000 - 20);
    const fast = await timedRead('fast', 'Data!A1:B2000');
    expect(fast.values).toEqual(big.values);
    expect(fast.ms).toBeLessThan(big.ms);
  });

  it('the large world reads its 300,000 rows in about half a minute, and its users schedule under two runs a minute', () => {
    const world = largeWorld();
    const [sheet] = world.sheets;
    expect(sheet?.network).toEqual(SHEET_NETWORK);
    // ~45 bytes of JSON per generated row ("ORD-123456","customer-1234","123.45","12"): 300,000 rows at the throughput.
    const seconds = (300_000 * 45) / SHEET_NETWORK.bytesPerSecond;
    expect(seconds).toBeGreaterThan(15);
    expect(seconds).toBeLessThan(45);
    const perMinute = world.users.reduce(
      (sum, user) => sum + (user.mail.enabled ? 1 / user.mail.intervalMinutes : 0) + (user.storage.length > 0 && user.syncSettings?.autoSync !== false ? 1 / (user.syncSettings?.intervalMinutes ?? 360) : 0),
      0,
    );
    expect(perMinute).toBeLessThan(2);
    expect(perMinute).toBeGreaterThan(0.5);
  });
});
