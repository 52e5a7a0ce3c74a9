import { startGoogleEmulator } from '../tests/emulators/google';
import { account, seedWith } from '../tests/emulators/google/test-support';
import { BENCH_HEADER, benchSheetRow } from './sheet-fixture';

/**
 * The Google emulator of the sheet-import benchmark, in its own process so
 * that holding a million-row sheet and serialising its windows counts neither
 * in the console's RSS nor in its event-loop delay (Google's servers do that
 * work in real life). Two spreadsheets: `bench-api` (read through the Sheets
 * API) and `bench-csv` (small enough for the 10 MB CSV export).
 * Prints one JSON line when ready, then serves until killed.
 */
function rows(count: number): string[][] {
  const out: string[][] = [BENCH_HEADER];
  for (let i = 1; i <= count; i++) out.push(benchSheetRow(i));
  return out;
}

async function main(): Promise<void> {
  const [, , apiRowsArg, csvRowsArg] = process.argv;
  const apiRows = Number(apiRowsArg ?? 1_000_000);
  const csvRows = Number(csvRowsArg ?? 80_000);
  const sheet = (count: number) => ({ title: 'Products', rows: rows(count), rowCount: count + 1, columnCount: BENCH_HEADER.length });
  const emulator = await startGoogleEmulator(
    seedWith(
      account('bench', {
        spreadsheets: [
          { id: 'bench-api', title: 'Products (API)', sheets: [sheet(apiRows)] },
          { id: 'bench-csv', title: 'Products (CSV)', sheets: [sheet(csvRows)] },
        ],
      }),
    ),
  );
  process.stdout.write(`${JSON.stringify({ rootUrl: emulator.rootUrl, tokenUrl: emulator.tokenUrl })}\n`);
}

void main();
