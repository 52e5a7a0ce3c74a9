import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { assertBuilt, runCliSync } from '../helpers/cli';
import { makeTempDir } from '../helpers/temp-dir';

/**
 * The SDKs of engines a command does not run are not loaded (core/base/lazy-module.ts): googleapis, cloudinary,
 * pg and pg-boss cost about 40 MB and a third of the CLI's start-up, paid by every `syncwarden` command that
 * cron or a queue worker starts. Checked on the built CLI, as it ships: a `--require` probe lists every
 * CommonJS module the process loaded (pg-boss, an ES module, loads pg, which is CommonJS).
 */
const LAZY = ['googleapis', 'googleapis-common', 'google-auth-library', 'cloudinary', 'pg', 'pg-boss'];

const dir = makeTempDir();
const probe = join(dir.path, 'loaded-probe.cjs');

function loadedPackages(args: readonly string[]): Set<string> {
  const result = runCliSync(args, { NODE_OPTIONS: `--require=${probe}`, SYNCWARDEN_HOME: join(dir.path, 'home') });
  expect(result.code, result.stderr).toBe(0);
  const line = result.stderr.split('\n').find((l) => l.startsWith('LOADED '));
  if (!line) throw new Error(`the probe printed nothing: ${result.stderr}`);
  const files = JSON.parse(line.slice('LOADED '.length)) as string[];
  // The package a file belongs to: the path after the last node_modules/ (scoped packages keep their scope).
  return new Set(
    files.flatMap((file) => {
      const at = file.lastIndexOf('/node_modules/');
      if (at < 0) return [];
      const parts = file.slice(at + '/node_modules/'.length).split('/');
      return [parts[0]?.startsWith('@') ? `${parts[0]}/${parts[1]}` : (parts[0] as string)];
    }),
  );
}

describe('the CLI loads an SDK only when a command uses it', () => {
  beforeAll(() => {
    assertBuilt();
    // The main thread's modules: NODE_OPTIONS preloads the probe in worker threads too (the store's WAL checkpointer).
    writeFileSync(
      probe,
      `if (require('node:worker_threads').isMainThread) process.on('exit', () => process.stderr.write('\\nLOADED ' + JSON.stringify(Object.keys(require.cache)) + '\\n'));\n`,
    );
  });

  it.each([
    ['--help', ['--help']],
    ['runs list (opens the console store and builds the app)', ['--json', 'runs', 'list']],
  ])('%s loads none of googleapis, cloudinary, pg, pg-boss', (_name, args) => {
    const loaded = loadedPackages(args);
    // The probe sees what the app always needs: proof that it lists node_modules at all.
    expect(loaded.has('zod')).toBe(true);
    expect(loaded.has('commander')).toBe(true);
    expect(LAZY.filter((name) => loaded.has(name))).toEqual([]);
  });
});
