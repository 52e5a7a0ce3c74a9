import { chmodSync, readdirSync, statSync } from 'node:fs';
import { describe, expect, it, vi } from 'vitest';
import { makeTempDir } from '../helpers/temp-dir';

/**
 * The desktop app's entry when the shell cannot start: a dialog says why and the app exits 1, against a mocked
 * `electron` (the real one would download its binary). Here the data dir is refused (a sticky, shared folder).
 */
const fake = vi.hoisted(() => ({
  userData: '',
  showErrorBox: vi.fn(),
  exit: vi.fn(),
}));

vi.mock('electron', () => ({
  app: {
    requestSingleInstanceLock: () => true,
    whenReady: async () => undefined,
    getPath: (name: string) => (name === 'userData' ? fake.userData : ''),
    exit: fake.exit,
    quit: vi.fn(),
    on: vi.fn(),
  },
  dialog: { showErrorBox: fake.showErrorBox },
  protocol: { registerSchemesAsPrivileged: vi.fn(), handle: vi.fn() },
  BrowserWindow: class {},
  Notification: class {},
  session: {},
}));

const { runDesktop } = await import('../../electron/main/desktop');

describe.skipIf(process.platform === 'win32')('the desktop app when its shell cannot start', () => {
  it('shows why in a dialog and exits 1, leaving the refused folder as it was', async () => {
    const dir = makeTempDir();
    try {
      chmodSync(dir.path, 0o1777);
      fake.userData = dir.path;
      delete process.env.SYNCWARDEN_HOME;
      await runDesktop();
      expect(fake.showErrorBox).toHaveBeenCalledTimes(1);
      const [title, message] = fake.showErrorBox.mock.calls[0] as [string, string];
      expect(title).toBe('Syncwarden could not start');
      expect(message).toContain(`${dir.path} is shared`);
      expect(fake.exit).toHaveBeenCalledWith(1);
      expect(statSync(dir.path).mode & 0o7777).toBe(0o1777);
      expect(readdirSync(dir.path)).toEqual([]);
    } finally {
      chmodSync(dir.path, 0o700);
      dir.remove();
    }
  });
});
