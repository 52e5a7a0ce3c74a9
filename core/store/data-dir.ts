import { chmodSync, closeSync, mkdirSync, openSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

export interface DataDirSources {
  /** `--data-dir` from the command line. */
  flag?: string | undefined;
  /** The environment, for SYNCWARDEN_HOME and the OS folders. */
  env?: NodeJS.ProcessEnv;
  /** Electron's app.getPath('userData'), when running in the desktop shell. */
  electronUserData?: string | undefined;
  platform?: NodeJS.Platform;
  home?: string;
}

/** Where the store and logs live: --data-dir, else SYNCWARDEN_HOME, else Electron's userData, else the OS app-data folder. */
export function resolveDataDir(sources: DataDirSources = {}): string {
  const env = sources.env ?? process.env;
  if (sources.flag) return sources.flag;
  if (env.SYNCWARDEN_HOME) return env.SYNCWARDEN_HOME;
  if (sources.electronUserData) return sources.electronUserData;
  return osAppDataDir(sources.platform ?? process.platform, env, sources.home ?? homedir());
}

/** The folder Electron itself would choose for userData, so the CLI and the app share one store. */
function osAppDataDir(platform: NodeJS.Platform, env: NodeJS.ProcessEnv, home: string): string {
  switch (platform) {
    case 'darwin':
      return join(home, 'Library', 'Application Support', 'Syncwarden');
    case 'win32':
      return join(env.APPDATA ?? join(home, 'AppData', 'Roaming'), 'Syncwarden');
    default:
      return join(env.XDG_CONFIG_HOME ?? join(home, '.config'), 'Syncwarden');
  }
}

/** The data dir holds the store and logs (run history, audit before-images): only its owner may read it. */
const PRIVATE_DIR_MODE = 0o700;
export const PRIVATE_FILE_MODE = 0o600;

/**
 * Creates `dir` as 0700, or tightens it to 0700 when it exists and is ours.
 * A directory owned by someone else (a shared --data-dir) is left alone: chmod
 * would fail, and its owner chose its mode. No-op on Windows (ACLs, not modes).
 */
export function ensurePrivateDir(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: PRIVATE_DIR_MODE });
  if (process.platform === 'win32') return;
  const stat = statSync(dir);
  if (ownedByUs(stat.uid) && (stat.mode & 0o777) !== PRIVATE_DIR_MODE) chmodSync(dir, PRIVATE_DIR_MODE);
}

/** Tightens each existing file to 0600 (missing files are skipped). */
export function makeFilesPrivate(...files: string[]): void {
  if (process.platform === 'win32') return;
  for (const file of files) {
    let stat;
    try {
      stat = statSync(file);
    } catch {
      continue;
    }
    if (stat.isFile() && ownedByUs(stat.uid) && (stat.mode & 0o777) !== PRIVATE_FILE_MODE) chmodSync(file, PRIVATE_FILE_MODE);
  }
}

/** Creates an empty file as 0600 if it does not exist, so what is written later (SQLite's -wal/-shm copy its mode) is never readable by others. */
export function createPrivateFile(file: string): void {
  closeSync(openSync(file, 'a', PRIVATE_FILE_MODE));
  makeFilesPrivate(file);
}

function ownedByUs(uid: number): boolean {
  return typeof process.getuid !== 'function' || process.getuid() === uid;
}
