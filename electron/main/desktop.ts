import { join } from 'node:path';
import { app, BrowserWindow, type Tray } from 'electron';
import { createSyncwarden, type Syncwarden } from '../../core/app/app';
import { createFileLogger } from '../../core/logging/logger';
import { resolveDataDir } from '../../core/store/data-dir';
import { registerIpcHost } from './ipc-host';
import { electronSqliteBinding } from './native-binding';
import { createTray } from './tray';
import { createRendererUrlCheck } from './trusted-origin';
import { createMainWindow } from './window';

/**
 * The desktop shell: single instance, one window, the tray, and the core
 * behind IPC. Everything that can live in core/ does; this file only wires.
 */
export async function startDesktop(): Promise<void> {
  if (!app.requestSingleInstanceLock()) {
    app.quit();
    return;
  }
  await app.whenReady();

  const dataDir = resolveDataDir({ flag: flagValue('--data-dir'), electronUserData: app.getPath('userData') });
  const log = await createFileLogger({ dataDir });
  const nativeBinding = electronSqliteBinding(app.getAppPath(), app.isPackaged);
  const core: Syncwarden = createSyncwarden({ dataDir, host: 'electron', log, ...(nativeBinding ? { nativeBinding } : {}) });

  const indexHtmlPath = join(__dirname, '../renderer/index.html');
  const devServerUrl = app.isPackaged ? undefined : process.env.ELECTRON_RENDERER_URL;
  const isRendererUrl = createRendererUrlCheck({ indexHtmlPath, devServerUrl });
  const resources = app.isPackaged ? process.resourcesPath : join(app.getAppPath(), 'resources');

  let window: BrowserWindow | undefined;
  let quitting = false;
  const showWindow = () => {
    if (!window || window.isDestroyed()) {
      window = createMainWindow({ preloadPath: join(__dirname, '../preload/index.js'), indexHtmlPath, devServerUrl, isRendererUrl, iconPath: join(resources, 'icon.png') });
      window.on('close', (event) => {
        // Closing the window keeps syncing from the tray unless the user turned that off.
        if (!quitting && core.store.settings.get().closeToTray) {
          event.preventDefault();
          window?.hide();
        }
      });
    }
    window.show();
    window.focus();
  };

  registerIpcHost({
    app: core,
    isTrustedSender: (event) => event.senderFrame !== null && isRendererUrl(event.senderFrame.url),
    targets: () => BrowserWindow.getAllWindows().map((w) => w.webContents),
  });
  // Start at login follows the setting, now and whenever it changes.
  const applyLoginItem = (openAtLogin: boolean) => app.setLoginItemSettings({ openAtLogin });
  applyLoginItem(core.store.settings.get().startAtLogin);
  core.events.subscribe((event, payload) => {
    if (event === 'settings.changed') applyLoginItem((payload as { startAtLogin: boolean }).startAtLogin);
  });
  const tray: Tray = createTray(join(resources, 'tray', 'tray.png'), { open: showWindow, quit: () => app.quit() });

  app.on('second-instance', showWindow);
  app.on('activate', showWindow);
  app.on('window-all-closed', () => {
    // Keep running in the tray; only Quit ends the process.
  });
  app.on('before-quit', (event) => {
    if (quitting) return;
    quitting = true;
    event.preventDefault();
    tray.destroy();
    void core
      .close()
      .then(() => log.close())
      .finally(() => app.exit(0));
  });
  showWindow();
}

function flagValue(name: string): string | undefined {
  const index = process.argv.indexOf(name);
  return index >= 0 ? process.argv[index + 1] : undefined;
}
