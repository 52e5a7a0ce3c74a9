import { text } from 'node:stream/consumers';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DriveConnector, SheetsConnector } from '../../core/connectors/google';
import { startGoogleEmulator, type GoogleEmulator } from '../emulators/google';
import { account, connectTo, refreshOnlyTokens, seedWith } from '../emulators/google/test-support';

/**
 * A streamed body that is read after a garbage collection (held-body.ts). Node's fetch cancels the body of a
 * collected Response that nobody locked, and it then reads as empty and ends normally: the million-row sheet
 * import's prefetched window failed that way ("it ended early"). Here the collections are forced between
 * getting a body and reading it, through the connectors, googleapis and Node's fetch as the engine uses them.
 */
setFlagsFromString('--expose-gc');
const collectGarbage = runInNewContext('gc') as () => void;
const settle = () => new Promise((resolve) => setTimeout(resolve, 10));
async function collectAFewTimes(): Promise<void> {
  for (let i = 0; i < 5; i++) {
    collectGarbage();
    await settle();
  }
}

const ROWS = Array.from({ length: 3000 }, (_, i) => [`id-${i}`, `name ${i}`, String(i)]);
let emulator: GoogleEmulator;
beforeAll(async () => {
  emulator = await startGoogleEmulator(seedWith(account('owner', { spreadsheets: [{ id: 'big', title: 'Big', sheets: [{ title: 'Data', rows: ROWS, columnCount: 3 }] }] })));
});
afterAll(() => emulator.close());
const connect = () => connectTo(emulator, refreshOnlyTokens('owner'));

describe('streamed Google bodies survive a collection before they are read', () => {
  it('a values.get window (the sheet import prefetches the next one)', async () => {
    const body = await new SheetsConnector(connect().options).getValuesStream('big', 'Data!A1:C3000');
    await collectAFewTimes();
    const parsed = JSON.parse(await text(body)) as { values: string[][] };
    expect(parsed.values).toHaveLength(3000);
    expect(parsed.values[2999]).toEqual(['id-2999', 'name 2999', '2999']);
  });

  it('the CSV export (the spreadsheet size may be asked before it is read)', async () => {
    const { stream } = await new DriveConnector(connect().options).exportCsvSized('big');
    await collectAFewTimes();
    const lines = (await text(stream)).split('\r\n');
    expect(lines).toHaveLength(3000);
    expect(lines[2999]).toBe('id-2999,name 2999,2999');
  });

  it('a body given up unread releases its connection without an unhandled rejection', async () => {
    const body = await new SheetsConnector(connect().options).getValuesStream('big', 'Data!A1:C3000');
    body.destroy();
    body.destroy();
    await collectAFewTimes();
  });
});
