import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { applyStartAtLogin, autostartFile, HIDDEN_FLAG, startedHidden } from '../../electron/main/login-item';
import { makeTempDir } from '../helpers/temp-dir';

/** Start at login, hidden in the tray, on each OS (the platform is passed in, as process.platform would be). */
describe('start at login', () => {
  const dir = makeTempDir('syncwarden-login-');
  afterAll(() => dir.remove());
  const fakeApp = (settings: { wasOpenedAtLogin?: boolean; wasOpenedAsHidden?: boolean } = {}) => ({ setLoginItemSettings: vi.fn(), getLoginItemSettings: vi.fn(() => settings) });

  it('Linux: writes and removes an XDG autostart entry that starts hidden; the login-item API is not used', () => {
    const app = fakeApp();
    const env = { XDG_CONFIG_HOME: join(dir.path, 'config') };
    const file = join(dir.path, 'config', 'autostart', 'syncwarden.desktop');
    expect(autostartFile(env)).toBe(file);
    applyStartAtLogin(true, { app, platform: 'linux', env, execPath: '/opt/Sync warden/syncwarden' });
    const entry = readFileSync(file, 'utf8');
    expect(entry.split('\n')).toEqual(expect.arrayContaining(['[Desktop Entry]', 'Type=Application', 'Name=Syncwarden', 'Exec="/opt/Sync warden/syncwarden" --hidden', 'Terminal=false']));
    expect(statSync(file).mode & 0o777).toBe(0o644);
    applyStartAtLogin(false, { app, platform: 'linux', env });
    expect(existsSync(file)).toBe(false);
    applyStartAtLogin(false, { app, platform: 'linux', env }); // already off: no error
    expect(app.setLoginItemSettings).not.toHaveBeenCalled();
  });

  it('Linux: an AppImage starts itself (not the temporary mount), and XDG_CONFIG_HOME defaults to ~/.config', () => {
    const env = { XDG_CONFIG_HOME: join(dir.path, 'cfg2'), APPIMAGE: '/home/ada/Apps/Syncwarden-0.1.0.AppImage' };
    applyStartAtLogin(true, { app: fakeApp(), platform: 'linux', env, execPath: '/tmp/.mount_Sync/syncwarden' });
    expect(readFileSync(autostartFile(env), 'utf8')).toContain('Exec="/home/ada/Apps/Syncwarden-0.1.0.AppImage" --hidden');
    applyStartAtLogin(true, { app: fakeApp(), platform: 'linux', env: { XDG_CONFIG_HOME: join(dir.path, 'cfg3') }, execPath: '/dev/node_modules/electron/dist/electron', launchArgs: ['/home/ada/my "app"'] });
    expect(readFileSync(autostartFile({ XDG_CONFIG_HOME: join(dir.path, 'cfg3') }), 'utf8')).toContain('Exec="/dev/node_modules/electron/dist/electron" "/home/ada/my \\\\"app\\\\"" --hidden');
    expect(autostartFile({ HOME: '/x' })).toMatch(/[/\\]\.config[/\\]autostart[/\\]syncwarden\.desktop$/);
    expect(autostartFile({ XDG_CONFIG_HOME: 'relative/path' })).toMatch(/[/\\]\.config[/\\]autostart[/\\]/);
  });

  it('Windows: the login-item API with the --hidden argument', () => {
    const app = fakeApp();
    applyStartAtLogin(true, { app, platform: 'win32' });
    expect(app.setLoginItemSettings).toHaveBeenLastCalledWith({ openAtLogin: true, args: [HIDDEN_FLAG] });
    applyStartAtLogin(false, { app, platform: 'win32' });
    expect(app.setLoginItemSettings).toHaveBeenLastCalledWith({ openAtLogin: false, args: [HIDDEN_FLAG] });
    // Unpackaged (npm start), Electron's binary needs the app folder first.
    applyStartAtLogin(true, { app, platform: 'win32', launchArgs: ['C:\\dev\\syncwarden'] });
    expect(app.setLoginItemSettings).toHaveBeenLastCalledWith({ openAtLogin: true, args: ['C:\\dev\\syncwarden', HIDDEN_FLAG] });
    expect(startedHidden({ app, platform: 'win32', argv: ['Syncwarden.exe', '--hidden'] })).toBe(true);
    expect(startedHidden({ app, platform: 'win32', argv: ['Syncwarden.exe'] })).toBe(false);
  });

  it('macOS: the login-item API opening hidden; a login start stays in the tray', () => {
    const app = fakeApp({ wasOpenedAtLogin: true });
    applyStartAtLogin(true, { app, platform: 'darwin' });
    expect(app.setLoginItemSettings).toHaveBeenLastCalledWith({ openAtLogin: true, openAsHidden: true });
    expect(startedHidden({ app, platform: 'darwin', argv: ['Syncwarden'] })).toBe(true);
    expect(startedHidden({ app: fakeApp({ wasOpenedAsHidden: true }), platform: 'darwin', argv: [] })).toBe(true);
    expect(startedHidden({ app: fakeApp(), platform: 'darwin', argv: [] })).toBe(false);
    expect(startedHidden({ app: fakeApp({ wasOpenedAtLogin: true }), platform: 'linux', argv: [] })).toBe(false);
  });
});
