#!/usr/bin/env node
/**
 * Makes sure the desktop shell can load better-sqlite3 under Electron's ABI.
 *
 * better-sqlite3 >= 13 ships N-API prebuilds (prebuilds/<platform>-<arch>.node,
 * Node-API 10: Node >= 22.14 and Electron 45's Node 24): one binary loads in
 * Node and in Electron alike, so there is nothing to build. The script then
 * removes a stale copy left by an older version, since the desktop shell would
 * prefer it (electron/main/native-binding.ts).
 *
 * A V8 addon (better-sqlite3 12 and older, or a source build without N-API)
 * has Node's ABI: the script builds a second copy for Electron's ABI into
 * .electron-native/better-sqlite3, used by the desktop shell through
 * better-sqlite3's `nativeBinding` option. The copy in node_modules stays
 * built for Node, so tests, the CLI and browser mode keep working: no
 * rebuilding back and forth. keytar is N-API and loads in both runtimes.
 * Packaged builds do not need this: electron-builder rebuilds node_modules.
 *
 * Runs before `npm start` / `npm run dev`; skips when the copy is current.
 * A build needs the network once (Electron's prebuilt binary or headers).
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

// The binary better-sqlite3 itself loads by default: a compiled build/ first, else its prebuild.
const loadedBinary = () => {
  const compiled = ['Debug', 'Release'].map((mode) => join(sqliteDir, 'build', mode, 'better_sqlite3.node')).find((file) => existsSync(file));
  if (compiled) return compiled;
  const bindingJs = join(sqliteDir, 'lib', 'binding.js');
  const prebuild = existsSync(bindingJs) ? require(bindingJs).getPrebuildPath?.() : null;
  return prebuild && existsSync(prebuild) ? prebuild : undefined;
};
// An N-API addon registers napi_register_module_v1; a V8 addon node_register_module_v<ABI>.
const isNapi = (file) => {
  const bytes = readFileSync(file);
  return bytes.includes('napi_register_module_v1') && !/node_register_module_v\d/.test(bytes.toString('latin1'));
};

const nodeBinary = loadedBinary();
if (nodeBinary && isNapi(nodeBinary)) {
  rmSync(join(root, '.electron-native'), { recursive: true, force: true });
  console.log(`electron-native: better-sqlite3 ${sqliteVersion} is N-API (${nodeBinary}); it loads in Electron ${electronVersion} unchanged.`);
  process.exit(0);
}

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

// Prove the result is for Electron: a V8 addon names its ABI in its register symbol
// (an N-API build would do too: it is ABI-stable).
const electronAbi = readFileSync(require.resolve('electron/abi_version'), 'utf8').trim();
const abiOk = built && existsSync(binary) && (readFileSync(binary).includes(`node_register_module_v${electronAbi}`) || isNapi(binary));
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
