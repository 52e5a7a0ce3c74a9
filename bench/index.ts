/**
 * Benchmarks, run with `npm run bench -- <name> [--size N] [--json]`. They print figures;
 * they never pass or fail on time (targets are checked by reading the figures).
 */
import { identityBenchmark } from './identity.bench';
import { mailImportBenchmark } from './mail-import.bench';
import { mediaImportBenchmark } from './media-import.bench';
import { runsBenchmark } from './runs.bench';
import { schedulesBenchmark } from './schedules.bench';
import { sheetImportBenchmark } from './sheet-import.bench';
import { storageOrphansBenchmark } from './storage-orphans.bench';
import { workersBenchmark } from './workers.bench';

const BENCHMARKS: Record<string, (args: readonly string[]) => Promise<void>> = {
  runs: runsBenchmark,
  identity: identityBenchmark,
  'media-import': mediaImportBenchmark,
  'mail-import': mailImportBenchmark,
  'sheet-import': sheetImportBenchmark,
  schedules: schedulesBenchmark,
  'storage-orphans': storageOrphansBenchmark,
  workers: workersBenchmark,
};

async function main(): Promise<void> {
  const [name, ...args] = process.argv.slice(2);
  const bench = name ? BENCHMARKS[name] : undefined;
  if (!bench) {
    process.stderr.write(`usage: npm run bench -- <${Object.keys(BENCHMARKS).join('|')}> [--size N] [--json]\n`);
    process.exitCode = 2;
    return;
  }
  await bench(args);
}

void main();
