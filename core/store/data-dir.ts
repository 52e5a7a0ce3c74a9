import { chmodSync, closeSync, mkdirSync, openSync, readdirSync, statSync } from 'node:fs';
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
/** Anyone may write in a directory with these bits: others may (o+w), or only each entry's owner may remove it (sticky, /tmp). */
const SHARED_DIR_BITS = 0o1002;

/**
 * What Syncwarden itself keeps in its folders: in the data dir the store and SQLite's files beside it, the logs
 * folder, the store pointer, the demo workspace's marker and secrets, and the temporary files those two are written
 * through; in the logs folder its log files. Kept here, not imported, because the modules that name them open their
 * folders through this one; data-permissions.test.ts holds the list to what real folders hold.
 */
const OWN_ENTRY = /^(?:syncwarden\.db(?:-wal|-shm|-journal)?|logs|store-location\.json(?:\.\d+\.tmp)?|DEMO-WORKSPACE|demo-secrets\.json(?:\.\d+\.tmp)?|syncwarden(?:\.\d+)?\.log)$/;

/** A directory anyone on the machine may write in (/tmp, /var/tmp, a drop folder): never a data dir, never tightened. */
export class SharedDataDirError extends Error {
  readonly code = 'data-dir-shared';

  constructor(readonly dir: string) {
    super(
      `${dir} is shared: anyone on this machine may write in it (as in /tmp). Syncwarden keeps its store, run history and logs in a folder of its own, and it does not change this folder's permissions (that would lock every other user and service out of it). Give a new folder inside it, for example ${join(dir, 'syncwarden')}.`,
    );
    this.name = 'SharedDataDirError';
  }
}

/**
 * Creates `dir` as 0700, or tightens it to 0700 when it exists, is ours and holds nothing but Syncwarden's own
 * entries (a data dir an older version made 0755). Left as it is: a directory owned by someone else (a shared
 * --data-dir: chmod would fail, and its owner chose its mode), or one that holds other things (a home folder, a
 * project folder: tightening it would change who can reach them; Syncwarden's files in it are 0600 and its logs
 * folder 0700 all the same). Refused with SharedDataDirError: a directory anyone may write in. On a test
 * machine a store opened as root straight in /tmp made /tmp 0700, and PostgreSQL (another user) lost it. No-op on Windows (ACLs,
 * not modes).
 */
export function ensurePrivateDir(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: PRIVATE_DIR_MODE });
  if (process.platform === 'win32') return;
  const stat = statSync(dir);
  if ((stat.mode & SHARED_DIR_BITS) !== 0) throw new SharedDataDirError(dir);
  if (!ownedByUs(stat.uid) || (stat.mode & 0o777) === PRIVATE_DIR_MODE) return;
  if (readdirSync(dir).every((name) => OWN_ENTRY.test(name))) chmodSync(dir, PRIVATE_DIR_MODE);
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
