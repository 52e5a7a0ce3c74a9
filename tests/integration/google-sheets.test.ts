import { text } from 'node:stream/consumers';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { DriveConnector, SheetsConnector } from '../../core/connectors/google';
import { startGoogleEmulator, type GoogleEmulator } from '../emulators/google';
import { account, collect, connectTo, rateLimitBody, refreshOnlyTokens, seedWith, totalCount } from '../emulators/google/test-support';

/** googleapis Sheets v4 (and Drive's CSV export) against the Google emulator over HTTP. */
const BIG_ROWS = 12_000;
const bigRows = Array.from({ length: BIG_ROWS }, (_, i) => [`id-${i}`, `name ${i}`, String(i * 2)]);

let emulator: GoogleEmulator;

beforeAll(async () => {
  emulator = await startGoogleEmulator(
    seedWith(
      account('owner', {
        files: [{ id: 'plain-pdf', name: 'report.pdf', mimeType: 'application/pdf' }],
        spreadsheets: [
          {
            id: 'orders',
            title: 'Orders',
            sheets: [
              { title: 'Sheet1', rows: [['id', 'customer', 'total', ''], ['1', 'Ada, Ltd', '10'], ['2', 'Bob "B"'], [], ['4', 'Dee', '40']] },
              { title: 'My Sheet', rows: [['only', 'in', 'second']] },
            ],
          },
          { id: 'big', title: 'Big', sheets: [{ title: 'Data', rows: bigRows, columnCount: 3 }] },
        ],
      }),
    ),
  );
});
afterAll(() => emulator.close());
afterEach(() => {
  emulator.clearFaults();
  emulator.resetCounts();
});

const connect = () => connectTo(emulator, refreshOnlyTokens('owner'));

describe('Sheets connector (googleapis against the emulator)', () => {
  it('reads sheet titles and grid sizes (rowCount is the grid, not the filled rows)', async () => {
    const info = await new SheetsConnector(connect().options).getSpreadsheet('orders');
    expect(info).toEqual({
      spreadsheetId: 'orders',
      title: 'Orders',
      sheets: [
        { sheetId: 0, title: 'Sheet1', index: 0, rowCount: 1000, columnCount: 26 },
        { sheetId: 1, title: 'My Sheet', index: 1, rowCount: 1000, columnCount: 26 },
      ],
    });
  });

  it('reads an A1 range (Sheet1!A1:D500) with ragged rows and the range echoed back', async () => {
    const values = await new SheetsConnector(connect().options).getValues('orders', 'Sheet1!A1:D500');
    expect(values.range).toBe('Sheet1!A1:D500');
    expect(values.values).toEqual([['id', 'customer', 'total'], ['1', 'Ada, Ltd', '10'], ['2', 'Bob "B"'], [], ['4', 'Dee', '40']]);
  });

  it('reads a quoted sheet title with a space (the SDK percent-encodes the range)', async () => {
    const values = await new SheetsConnector(connect().options).getValues('orders', "'My Sheet'!A1:C2");
    expect(values).toEqual({ range: "'My Sheet'!A1:C2", values: [['only', 'in', 'second']] });
  });

  it('returns no values for an empty range, and invalid-request for a sheet that does not exist', async () => {
    const sheets = new SheetsConnector(connect().options);
    expect((await sheets.getValues('orders', 'Sheet1!A900:D910')).values).toEqual([]);
    await expect(sheets.getValues('orders', 'Nope!A1:B2')).rejects.toMatchObject({ kind: 'invalid-request', status: 400 });
  });

  it('reports an unknown spreadsheet as not-found', async () => {
    await expect(new SheetsConnector(connect().options).getSpreadsheet('missing')).rejects.toMatchObject({ kind: 'not-found', status: 404, reason: 'notFound' });
  });

  it('reads 12,000 rows in 3 windows of 5,000 (plus one spreadsheets.get), in order', async () => {
    const conn = connect();
    const windows = await collect(new SheetsConnector(conn.options).readRows('big', 'Data', { windowRows: 5000 }));
    expect(windows.map((w) => [w.startRow, w.rows.length])).toEqual([
      [1, 5000],
      [5001, 5000],
      [10001, 2000],
    ]);
    expect(windows.flatMap((w) => w.rows)).toEqual(bigRows);
    expect(emulator.count('sheets.values.get')).toBe(3);
    expect(emulator.count('sheets.spreadsheets.get')).toBe(1);
    expect(conn.requests).toBe(totalCount(emulator));
  });

  it('retries a 429 on values.get through the policy and succeeds', async () => {
    const sheets = new SheetsConnector(connect().options);
    emulator.fault('sheets.values.get', { status: 429, body: rateLimitBody(), headers: { 'Retry-After': '0' }, times: 2 });
    expect((await sheets.getValues('orders', 'Sheet1!A1:A2')).values).toEqual([['id'], ['1']]);
    expect(sheets.policy.retries).toBe(2);
    expect(emulator.count('sheets.values.get')).toBe(3);
  });

  it("streams a sheet's CSV export from Drive (first sheet only, quoted cells)", async () => {
    const drive = new DriveConnector(connect().options);
    const csv = await text(await drive.exportCsv('orders'));
    expect(csv).toBe('id,customer,total\r\n1,"Ada, Ltd",10\r\n2,"Bob ""B""",\r\n,,\r\n4,Dee,40');
    // A larger body keeps streaming after the policy call has returned.
    const big = await text(await drive.exportCsv('big'));
    expect(big.split('\r\n')).toHaveLength(BIG_ROWS);
    expect(emulator.count('drive.files.export')).toBe(2);
  });

  it('maps export failures: non-Google file → forbidden (fileNotExportable), missing file → not-found', async () => {
    const drive = new DriveConnector(connect().options);
    await expect(drive.exportCsv('plain-pdf')).rejects.toMatchObject({ kind: 'forbidden', status: 403, reason: 'fileNotExportable' });
    await expect(drive.exportCsv('missing')).rejects.toMatchObject({ kind: 'not-found', reason: 'notFound' });
  });

  it('testConnection reads the spreadsheet title; a revoked grant is bad-credentials', async () => {
    expect(await new SheetsConnector(connect().options).testConnection('orders')).toEqual({ ok: true, status: 'ok', message: 'Google Sheets: can read "Orders"' });
    const revoked = await startGoogleEmulator(seedWith(account('gone')));
    try {
      revoked.revokeRefreshToken('1//refresh-gone');
      const check = await new SheetsConnector(connectTo(revoked, refreshOnlyTokens('gone')).options).testConnection('orders');
      expect(check).toEqual({ ok: false, status: 'bad-credentials', message: 'invalid_grant: Token has been expired or revoked.' });
    } finally {
      await revoked.close();
    }
  });
});
