#!/usr/bin/env node
/**
 * Builds a second copy of better-sqlite3 for Electron's ABI into
 * .electron-native/better-sqlite3, used by the desktop shell through
 * better-sqlite3's `nativeBinding` option. The copy in node_modules stays
 * built for Node, so tests, the CLI and browser mode keep working: no
 * rebuilding back and forth.
 *
 * keytar is N-API and loads in both runtimes unchanged. Packaged builds do
 * not need this: electron-builder rebuilds node_modules for Electron itself.
 *
 * Runs before `npm start` / `npm run dev`; skips when the copy is current.
 * Needs the network once (Electron's prebuilt binary or headers).
 */
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(join(root, 'package.json'));
const electronVersion = JSON.parse(readFileSync(require.resolve('electron/package.json'), 'utf8')).version;
const sqliteDir = dirname(require.resolve('better-sqlite3/package.json'));
const sqliteVersion = JSON.parse(readFileSync(join(sqliteDir, 'package.json'), 'utf8')).version;

const target = join(root, '.electron-native', 'better-sqlite3');
const stampFile = join(root, '.electron-native', 'stamp.json');
const stamp = JSON.stringify({ electron: electronVersion, betterSqlite3: sqliteVersion, arch: process.arch, platform: process.platform });
const binary = join(target, 'build', 'Release', 'better_sqlite3.node');

if (existsSync(binary) && existsSync(stampFile) && readFileSync(stampFile, 'utf8') === stamp) {
  console.log(`electron-native: better-sqlite3 for Electron ${electronVersion} is up to date.`);
  process.exit(0);
}

console.log(`electron-native: building better-sqlite3 ${sqliteVersion} for Electron ${electronVersion} (${process.platform}-${process.arch})…`);
rmSync(target, { recursive: true, force: true });
mkdirSync(dirname(target), { recursive: true });
cpSync(sqliteDir, target, { recursive: true, filter: (src) => !src.includes(`${join(sqliteDir, 'build')}`) });

// Call prebuild-install and node-gyp directly, never through npm: under
// `npm run`, npm exports its own npm_config_* (a nodedir pointing at Node's
// headers on some machines) and the "Electron" build silently targets Node.
const env = Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.toLowerCase().startsWith('npm_config_')));
const electronArgs = ['--runtime=electron', `--target=${electronVersion}`, `--arch=${process.arch}`];
const run = (script, args) => spawnSync(process.execPath, [require.resolve(script), ...args], { cwd: target, env, stdio: 'inherit' }).status === 0;
const built =
  run('prebuild-install/bin.js', electronArgs) ||
  run('node-gyp/bin/node-gyp.js', ['rebuild', '--release', ...electronArgs, '--dist-url=https://electronjs.org/headers']);

// Prove the result is for Electron: a V8 addon names its ABI in its register symbol.
const electronAbi = readFileSync(require.resolve('electron/abi_version'), 'utf8').trim();
const abiOk = built && existsSync(binary) && readFileSync(binary).includes(`node_register_module_v${electronAbi}`);
if (!abiOk) {
  rmSync(target, { recursive: true, force: true });
  console.error(
    `electron-native: could not build better-sqlite3 for Electron ${electronVersion} (ABI ${electronAbi}): no network or no C++ toolchain.\n` +
      'The desktop window needs it; browser mode does not: `node bin/syncwarden.js serve`.',
  );
  process.exit(1);
}
writeFileSync(stampFile, stamp);
console.log(`electron-native: ready at ${binary}`);
