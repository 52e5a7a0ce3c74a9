/**
 * Bundles the benchmarks the way the product ships (electron.vite.config.ts:
 * one CommonJS bundle of our sources, dependencies required from
 * node_modules, no source maps), so the figures are the shipped code's.
 * Run through tsx, every bench carried tsx's loader: about 35 MB of RSS more
 * at start and the compile work of every module inside the first run.
 * The bundle is written next to the benches (bench/index.bundle.cjs) because
 * they find their emulator scripts by `__dirname`. Emulator children still
 * run through tsx: they are not measured.
 */
import { build } from 'esbuild';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));

await build({
  absWorkingDir: root,
  entryPoints: ['bench/index.ts'],
  outfile: 'bench/index.bundle.cjs',
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  packages: 'external',
  alias: { '@core/api': './core/api' },
  logLevel: 'warning',
});
