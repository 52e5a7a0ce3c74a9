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
export function osAppDataDir(platform: NodeJS.Platform, env: NodeJS.ProcessEnv, home: string): string {
  switch (platform) {
    case 'darwin':
      return join(home, 'Library', 'Application Support', 'Syncwarden');
    case 'win32':
      return join(env.APPDATA ?? join(home, 'AppData', 'Roaming'), 'Syncwarden');
    default:
      return join(env.XDG_CONFIG_HOME ?? join(home, '.config'), 'Syncwarden');
  }
}
