#!/usr/bin/env node
/**
 * `npm run demo`: Syncwarden on its embedded defaults, with nothing to set up.
 * Starts the service emulators seeded from resources/demo, a fresh embedded
 * SQLite app database and five connections (scripts/demo/demo-services.ts),
 * then opens the Electron window where the Electron binary is (or can be)
 * installed; otherwise starts browser mode and prints its URL. The demo keeps
 * its own data directory (.syncwarden/demo), apart from a real installation's,
 * and starts it afresh each time: the emulators restart from the world's seed,
 * so the last demo's runs, findings and repairs would contradict them.
 *
 * Flags (docs/demo-worlds.md): `--world FILE` loads another demo world,
 * `--large` a generated one (2,000 users, 50,000 files, a 300,000-row sheet).
 * Each other world keeps its own data dir (.syncwarden/demo-<name>), so its
 * sheet sources and runs never mix with the default demo's.
 */
import { spawn, spawnSync } from 'node:child_process';
import { createInterface } from 'node:readline';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { basename, dirname, join, resolve as resolvePath } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

/** `--world FILE` / `--large` (or nothing: the default world); exits with a usage line on anything else. */
function worldArgs(argv) {
  const usage = 'usage: npm run demo [-- --large | --world FILE]';
  if (argv.length === 0) return { args: [], name: '' };
  if (argv.length === 1 && argv[0] === '--large') return { args: ['--large'], name: 'large' };
  if (argv.length === 2 && argv[0] === '--world' && argv[1] && !argv[1].startsWith('--')) {
    const name = basename(argv[1]).replace(/\.json$/i, '').replace(/[^A-Za-z0-9_-]/g, '_');
    // npm runs scripts in the package root; a relative FILE means the directory npm was started in.
    return { args: ['--world', resolvePath(process.env.INIT_CWD ?? process.cwd(), argv[1])], name: `world-${name}` };
  }
  console.error(usage);
  process.exit(2);
}

const world = worldArgs(process.argv.slice(2));
const dataDir = process.env.SYNCWARDEN_HOME ?? join(root, '.syncwarden', world.name ? `demo-${world.name}` : 'demo');
const port = process.env.SYNCWARDEN_DEMO_PORT ?? '4477';
// 0700, as the app makes a data dir (a folder others may write in is refused: core/store/data-dir.ts).
mkdirSync(dataDir, { recursive: true, mode: 0o700 });

function electronBinaryInstalled() {
  const electronDir = join(root, 'node_modules', 'electron');
  const pathFile = join(electronDir, 'path.txt');
  return existsSync(pathFile) && existsSync(join(electronDir, 'dist', readFileSync(pathFile, 'utf8').trim()));
}

/** Electron fetches its binary on first use; try once, quietly fall back when offline. */
function ensureElectronBinary() {
  if (process.env.SYNCWARDEN_DEMO_BROWSER === '1') return false;
  if (electronBinaryInstalled()) return true;
  const installer = join(root, 'node_modules', 'electron', 'install.js');
  if (!existsSync(installer)) return false;
  console.log('demo: fetching the Electron binary (first run only)…');
  const result = spawnSync(process.execPath, [installer], { stdio: 'ignore', timeout: 180_000 });
  return result.status === 0 && electronBinaryInstalled();
}

/** Starts the emulators and the demo workspace; resolves with the environment the console needs. */
function startServices() {
  const services = spawn(process.execPath, ['--import', 'tsx', join(root, 'scripts', 'demo', 'demo-services.ts'), dataDir, ...world.args], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    services.once('exit', (code) => reject(new Error(`demo services stopped (exit ${code})`)));
    createInterface({ input: services.stdout }).once('line', (line) => {
      const ready = JSON.parse(line);
      resolve({ services, env: ready.env, ready });
    });
  });
}

function run(command, args, services, env) {
  // The demo's data dir selects its own file secret store; a SYNCWARDEN_SECRETS left in the shell would override it.
  const { SYNCWARDEN_SECRETS: _ignored, ...inherited } = process.env;
  const child = spawn(command, args, { cwd: root, stdio: 'inherit', env: { ...inherited, ...env } });
  const stop = (signal) => {
    child.kill(signal);
    services.kill('SIGTERM');
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
  child.on('exit', (code) => {
    services.kill('SIGTERM');
    process.exit(code ?? 0);
  });
}

const nativeReady = () => spawnSync(process.execPath, [join(root, 'scripts', 'electron-native.mjs')], { stdio: 'inherit' }).status === 0;

const { services, env, ready } = await startServices().catch((error) => {
  console.error(`demo: ${error.message}`);
  process.exit(1);
});
const size = world.name ? `, ${ready.people.toLocaleString('en')} users and ${ready.files.toLocaleString('en')} files in ${(ready.startMs / 1000).toFixed(1)} s` : '';
if (ready.cleared) console.log(`demo: started from a fresh workspace: the emulators restart from the world's seed, so the last demo's runs, findings, repairs and audit log in ${dataDir} were cleared`);
console.log(`demo: emulators and the demo workspace are ready (data in ${dataDir}${size})`);
if (ensureElectronBinary() && nativeReady()) {
  console.log('demo: opening the Syncwarden window');
  run(process.execPath, [join(root, 'node_modules', 'electron-vite', 'bin', 'electron-vite.js'), 'preview', '--skipBuild'], services, { ...env, SYNCWARDEN_HOME: dataDir });
} else {
  console.log('demo: no Electron binary here, so Syncwarden runs in browser mode.');
  run(process.execPath, [join(root, 'bin', 'syncwarden.js'), '--data-dir', dataDir, 'serve', '--port', port], services, env);
}
