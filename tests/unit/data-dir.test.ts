import { describe, expect, it } from 'vitest';
import { resolveDataDir } from '../../core/store/data-dir';

describe('data directory', () => {
  const base = { env: {}, platform: 'linux' as const, home: '/home/ada' };

  it('prefers --data-dir, then SYNCWARDEN_HOME, then Electron userData, then the OS folder', () => {
    const env = { SYNCWARDEN_HOME: '/srv/sw' };
    expect(resolveDataDir({ ...base, env, flag: '/tmp/flag', electronUserData: '/ud' })).toBe('/tmp/flag');
    expect(resolveDataDir({ ...base, env, electronUserData: '/ud' })).toBe('/srv/sw');
    expect(resolveDataDir({ ...base, electronUserData: '/ud' })).toBe('/ud');
    expect(resolveDataDir(base)).toBe('/home/ada/.config/Syncwarden');
  });

  it('matches the folder Electron uses on each OS', () => {
    expect(resolveDataDir({ ...base, env: { XDG_CONFIG_HOME: '/x' } })).toBe('/x/Syncwarden');
    expect(resolveDataDir({ ...base, platform: 'darwin' })).toBe('/home/ada/Library/Application Support/Syncwarden');
    expect(resolveDataDir({ ...base, platform: 'win32', env: { APPDATA: 'C:\\Users\\ada\\AppData\\Roaming' } })).toMatch(/Roaming.Syncwarden$/);
  });
});
