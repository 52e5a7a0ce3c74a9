#!/usr/bin/env node
/**
 * `npm run demo`: Syncwarden on its embedded defaults, with nothing to set up.
 * Opens the Electron window where the Electron binary is (or can be) installed;
 * otherwise starts browser mode and prints its URL. The demo keeps its own
 * data directory (.syncwarden/demo), apart from a real installation's.
 */
import { spawn, spawnSync } from 'node:child_process';
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

function run(command, args, env = {}) {
  const child = spawn(command, args, { cwd: root, stdio: 'inherit', env: { ...process.env, ...env } });
  const forward = (signal) => child.kill(signal);
  process.on('SIGINT', forward);
  process.on('SIGTERM', forward);
  child.on('exit', (code) => process.exit(code ?? 0));
}

const nativeReady = () => spawnSync(process.execPath, [join(root, 'scripts', 'electron-native.mjs')], { stdio: 'inherit' }).status === 0;

if (ensureElectronBinary() && nativeReady()) {
  console.log(`demo: opening the Syncwarden window (data in ${dataDir})`);
  run(process.execPath, [join(root, 'node_modules', 'electron-vite', 'bin', 'electron-vite.js'), 'preview', '--skipBuild'], { SYNCWARDEN_HOME: dataDir });
} else {
  console.log('demo: no Electron binary here, so Syncwarden runs in browser mode.');
  run(process.execPath, [join(root, 'bin', 'syncwarden.js'), '--data-dir', dataDir, 'serve', '--port', port]);
}
