#!/usr/bin/env node
/**
 * `npm run demo`: Syncwarden on its embedded defaults, with nothing to set up.
 * Starts the service emulators seeded from resources/demo, a fresh embedded
 * SQLite app database and five connections (scripts/demo/demo-services.ts),
 * then opens the Electron window where the Electron binary is (or can be)
 * installed; otherwise starts browser mode and prints its URL. The demo keeps
 * its own data directory (.syncwarden/demo), apart from a real installation's.
 */
import { spawn, spawnSync } from 'node:child_process';
import { createInterface } from 'node:readline';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dataDir = process.env.SYNCWARDEN_HOME ?? join(root, '.syncwarden', 'demo');
const port = process.env.SYNCWARDEN_DEMO_PORT ?? '4477';
mkdirSync(dataDir, { recursive: true });

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
  const services = spawn(process.execPath, ['--import', 'tsx', join(root, 'scripts', 'demo', 'demo-services.ts'), dataDir], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    services.once('exit', (code) => reject(new Error(`demo services stopped (exit ${code})`)));
    createInterface({ input: services.stdout }).once('line', (line) => resolve({ services, env: JSON.parse(line).env }));
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

const { services, env } = await startServices();
console.log(`demo: emulators and the demo workspace are ready (data in ${dataDir})`);
if (ensureElectronBinary() && nativeReady()) {
  console.log('demo: opening the Syncwarden window');
  run(process.execPath, [join(root, 'node_modules', 'electron-vite', 'bin', 'electron-vite.js'), 'preview', '--skipBuild'], services, { ...env, SYNCWARDEN_HOME: dataDir });
} else {
  console.log('demo: no Electron binary here, so Syncwarden runs in browser mode.');
  run(process.execPath, [join(root, 'bin', 'syncwarden.js'), '--data-dir', dataDir, 'serve', '--port', port], services, env);
}
