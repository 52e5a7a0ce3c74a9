import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { applyStartAtLogin, autostartFile } from '../../electron/main/login-item';
import { makeTempDir } from '../helpers/temp-dir';

/**
 * Reads an autostart entry back the way a launcher does (Desktop Entry spec
 * 1.5; GLib's order): the line's string escapes (\s \n \t \r \\), then
 * field codes (%% is a literal %, any other %x is expanded or dropped), then
 * the quoted arguments (\" \` \$ \\ inside quotes).
 */
function launchedArgs(entry: string): string[] {
  const lines = entry.split('\n');
  const exec = lines.filter((line) => line.startsWith('Exec='));
  expect(exec, 'one Exec line').toHaveLength(1);
  const value = (exec[0] ?? '').slice('Exec='.length).replace(/\\([sntr\\])/g, (_m, c: string) => ({ s: ' ', n: '\n', t: '\t', r: '\r', '\\': '\\' })[c] ?? c);
  const codes = value.replace(/%(.)/gs, (_m, c: string) => (c === '%' ? '%' : `<field code %${c}>`));
  expect(codes).not.toContain('<field code');
  const args: string[] = [];
  let i = 0;
  while (i < codes.length) {
    if (codes[i] === ' ') {
      i++;
      continue;
    }
    let arg = '';
    if (codes[i] === '"') {
      i++;
      while (i < codes.length && codes[i] !== '"') {
        if (codes[i] === '\\' && i + 1 < codes.length) i++;
        arg += codes[i++];
      }
      i++;
    } else {
      while (i < codes.length && codes[i] !== ' ') arg += codes[i++];
    }
    args.push(arg);
  }
  return args;
}

describe('the XDG autostart entry starts exactly the program it names', () => {
  const dir = makeTempDir('syncwarden-login-exec-');
  afterAll(() => dir.remove());
  const app = { setLoginItemSettings: vi.fn(), getLoginItemSettings: vi.fn(() => ({})) };

  it.each([
    ['spaces and quotes', '/opt/Sync warden/syncwarden', ['/home/ada/my "app"']],
    ['a percent sign (launchers expand %x field codes, even in quotes)', '/home/ada/100% Apps/Syncwarden.AppImage', ['/home/ada/50%off', '/x/%u']],
    ['a newline (a second Exec line would run another program)', '/tmp/evil\nExec=/bin/sh -c pwned\n/x/Syncwarden.AppImage', []],
    ['backslashes, tabs, $ and backticks', '/opt/a\\b\tc/$HOME/`id`/syncwarden', ['C:\\not\\windows']],
  ])('%s', (_name, execPath, launchArgs) => {
    const env = { XDG_CONFIG_HOME: join(dir.path, String(Math.random()).slice(2)) };
    applyStartAtLogin(true, { app, platform: 'linux', env, execPath, launchArgs });
    const entry = readFileSync(autostartFile(env), 'utf8');
    expect(entry.split('\n').filter((line) => line.startsWith('Exec=') || line.startsWith('Type='))).toHaveLength(2);
    expect(launchedArgs(entry)).toEqual([execPath, ...launchArgs, '--hidden']);
  });
});
