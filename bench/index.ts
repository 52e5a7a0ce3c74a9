/**
 * Benchmarks, run with `npm run bench -- <name> [--size N] [--json]`. They print figures;
 * they never pass or fail on time (targets are checked by reading the figures).
 */
import { HOST_V8_FLAGS, hostFlagsInEffect, relaunchWithHostFlags } from '../bin/host-v8-flags';
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
  // The benches measure the headless host, so they run with its V8 settings (bin/host-v8-flags.js).
  // (A plain `node bench/index.bundle.cjs` is relaunched; one given Node options of its own is measured as given.)
  relaunchWithHostFlags(require.main === module);
  const [name, ...args] = process.argv.slice(2);
  const bench = name ? BENCHMARKS[name] : undefined;
  if (!bench) {
    process.stderr.write(`usage: npm run bench -- <${Object.keys(BENCHMARKS).join('|')}> [--size N] [--json]\n`);
    process.exitCode = 2;
    return;
  }
  const flags = [process.env.NODE_OPTIONS, ...process.execArgv].filter(Boolean).join(' ');
  const same = hostFlagsInEffect() ? 'the CLI host\'s' : `not the CLI host's ${HOST_V8_FLAGS.join(' ')}: figures are not comparable`;
  process.stderr.write(`bench host: Node ${process.version}, Node options ${flags || 'none'} (${same})\n`);
  await bench(args);
}

void main();
