import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

/** The argument a login start passes: the app starts in the tray, without a window. */
export const HIDDEN_FLAG = '--hidden';

/** What of Electron's `app` start-at-login needs (a test passes a fake). */
export interface LoginItemApp {
  setLoginItemSettings(settings: { openAtLogin: boolean; openAsHidden?: boolean; args?: string[] }): void;
  getLoginItemSettings(): { wasOpenedAtLogin?: boolean; wasOpenedAsHidden?: boolean };
}

export interface LoginItemOptions {
  app: LoginItemApp;
  platform?: NodeJS.Platform;
  env?: NodeJS.ProcessEnv;
  /** The program a login start runs (the AppImage when there is one, else Electron's binary). */
  execPath?: string;
  /** Arguments before --hidden: an unpackaged app (npm start) must name its app folder to Electron. */
  launchArgs?: readonly string[];
}

/** The XDG autostart entry's file: $XDG_CONFIG_HOME/autostart (default ~/.config/autostart). */
export function autostartFile(env: NodeJS.ProcessEnv = process.env): string {
  const configHome = env.XDG_CONFIG_HOME && env.XDG_CONFIG_HOME.startsWith('/') ? env.XDG_CONFIG_HOME : join(homedir(), '.config');
  return join(configHome, 'autostart', 'syncwarden.desktop');
}

/**
 * Turns start-at-login on or off, hidden in the tray. macOS and Windows use
 * Electron's login-item API (Windows passes --hidden; macOS's openAsHidden,
 * read back as wasOpenedAsHidden). On Linux that API does nothing, so an XDG
 * autostart entry is written (or removed) instead; desktops that follow the
 * XDG autostart spec (GNOME, KDE, Xfce…) run it at login.
 */
export function applyStartAtLogin(enabled: boolean, options: LoginItemOptions): void {
  const platform = options.platform ?? process.platform;
  if (platform === 'darwin') {
    options.app.setLoginItemSettings({ openAtLogin: enabled, openAsHidden: true });
  } else if (platform === 'win32') {
    options.app.setLoginItemSettings({ openAtLogin: enabled, args: [...(options.launchArgs ?? []), HIDDEN_FLAG] });
  } else {
    const env = options.env ?? process.env;
    const file = autostartFile(env);
    if (!enabled) {
      rmSync(file, { force: true });
      return;
    }
    mkdirSync(join(file, '..'), { recursive: true });
    writeFileSync(file, desktopEntry(env.APPIMAGE ?? options.execPath ?? process.execPath, options.launchArgs ?? []), { mode: 0o644 });
  }
}

/** Whether this launch came from a login start and should stay in the tray. */
export function startedHidden(options: { app: LoginItemApp; platform?: NodeJS.Platform; argv?: readonly string[] }): boolean {
  if ((options.argv ?? process.argv).includes(HIDDEN_FLAG)) return true;
  if ((options.platform ?? process.platform) !== 'darwin') return false;
  const settings = options.app.getLoginItemSettings();
  return settings.wasOpenedAsHidden === true || settings.wasOpenedAtLogin === true;
}

/**
 * A Desktop Entry (spec 1.5) for autostart. Exec quotes each argument (paths may contain spaces):
 * inside quotes `"`, `` ` ``, `$` and `\` take a backslash, and then the string rule doubles every
 * backslash (the spec's "four backslashes for one"). A literal `%` is written `%%` (launchers expand
 * or drop `%x` field codes, quoted or not), and newline, tab and carriage return take the string
 * escapes `\n` `\t` `\r`: a raw newline would end the line and start another key (a second Exec).
 */
function desktopEntry(execPath: string, launchArgs: readonly string[]): string {
  const quoted = [execPath, ...launchArgs].map((arg) => `"${execArgument(arg)}"`).join(' ');
  return [
    '[Desktop Entry]',
    'Type=Application',
    'Version=1.5',
    'Name=Syncwarden',
    'Comment=Keeps a SaaS database in step with the outside systems it mirrors',
    `Exec=${quoted} ${HIDDEN_FLAG}`,
    'Terminal=false',
    'X-GNOME-Autostart-enabled=true',
    '',
  ].join('\n');
}

const STRING_ESCAPES: Readonly<Record<string, string>> = { '\n': '\\n', '\t': '\\t', '\r': '\\r' };

/** One argument's text inside its quotes: the Exec quoting rule, then the string rule (backslashes, control characters), then `%%`. */
function execArgument(arg: string): string {
  return arg
    .replace(/(["`$\\])/g, '\\$1')
    .replace(/\\/g, '\\\\')
    .replace(/[\n\t\r]/g, (c) => STRING_ESCAPES[c] ?? c)
    .replace(/%/g, '%%');
}
