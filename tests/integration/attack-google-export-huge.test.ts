import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DriveConnector } from '../../core/connectors/google';
import { startGoogleEmulator, type GoogleEmulator } from '../emulators/google';
import { account, connectTo, refreshOnlyTokens, seedWith } from '../emulators/google/test-support';

/**
 * A world file may generate up to 5,000,000 sheet rows. Drive refuses to
 * export more than 10 MB as CSV, but the emulator built the whole CSV first
 * (2M rows: 21 s and 1.4 GB in the demo's own process, 5M: out of memory)
 * only to answer 403.
 */
let emulator: GoogleEmulator;
beforeAll(async () => {
  emulator = await startGoogleEmulator(
    seedWith(
      account('owner', {
        spreadsheets: [
          {
            id: 'huge',
            title: 'Huge',
            sheets: [{ title: 'Data', rows: [['id', 'name', 'note']], generated: { count: 5_000_000, cells: ['ORD-{n}', 'Customer number {n}', 'note text for row {n}'] } }],
          },
          { id: 'small', title: 'Small', sheets: [{ title: 'Data', rows: [['id'], ['1']], generated: { count: 3, cells: ['ORD-{n}', ''] } }] },
        ],
      }),
    ),
  );
});
afterAll(() => emulator.close());

describe('attack: exporting a generated sheet past Drive’s export limit', () => {
  it('answers exportSizeLimitExceeded without building the whole CSV', async () => {
    const drive = new DriveConnector(connectTo(emulator, refreshOnlyTokens('owner')).options);
    const started = performance.now();
    await expect(drive.exportCsv('huge')).rejects.toMatchObject({ status: 403, reason: 'exportSizeLimitExceeded' });
    expect(performance.now() - started).toBeLessThan(5_000);
    const { text } = await import('node:stream/consumers');
    expect(await text(await drive.exportCsv('small'))).toBe('id\r\n1\r\nORD-1\r\nORD-2\r\nORD-3');
  });
});
