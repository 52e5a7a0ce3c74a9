import { join } from 'node:path';
import { app, BrowserWindow, dialog, Notification, session } from 'electron';
import { createSyncwarden, type Syncwarden } from '../../core/app/app';
import { startTeamMode } from '../../core/queue/team-mode';
import type { Store } from '../../core/store/store';
import { startNotifier } from '../../core/app/notifier';
import { createFileLogger, type Logger } from '../../core/logging/logger';
import { resolveDataDir } from '../../core/store/data-dir';
import { registerAppScheme, serveRenderer } from './app-protocol';
import { registerIpcHost } from './ipc-host';
import { applyStartAtLogin, startedHidden } from './login-item';
import { openExternalAllowed } from './external-links';
import { electronSqliteBinding } from './native-binding';
import { showDesktopNotifications } from './notifications';
import { denyPermissionsByDefault } from './permissions';
import { createTray, trayIconFile } from './tray';
import { createRendererUrlCheck } from './trusted-origin';
import { createUpdateService, pickAutoUpdater, UPDATE_FEED_ENV, type Updater } from './updater';
import { createMainWindow, loadRenderer } from './window';

/** Events after which the tray's state line may be stale (names as strings: some come from the scheduler). */
const TRAY_EVENTS = new Set<string>(['scheduler.status', 'schedules.changed', 'run.started', 'run.finished']);

export interface DesktopShell {
  core: Syncwarden;
  /** Shows (or re-creates) the window, at a renderer route when given. */
  showWindow(route?: string): void;
}

/**
 * The app's entry (index.ts): the shell, or, when it cannot start (a refused --data-dir, a store written by a newer
 * version), a dialog that says why and an exit with status 1. An unhandled rejection here left the app running
 * with no window and no word.
 */
export async function runDesktop(): Promise<void> {
  try {
    await startDesktop();
  } catch (error) {
    dialog.showErrorBox('Syncwarden could not start', error instanceof Error ? error.message : String(error));
    app.exit(1);
  }
}

/**
 * The desktop shell: single instance, one window, the tray, OS notifications,
 * the scheduler, and the core behind IPC. Everything that can live in core/
 * does; this file only wires. Resolves undefined in a second instance.
 */
export async function startDesktop(options: { loadUpdater?: () => Promise<Updater> } = {}): Promise<DesktopShell | undefined> {
  if (!app.requestSingleInstanceLock()) {
    app.quit();
    return undefined;
  }
  // Privileged schemes must be declared before ready (app-protocol.ts).
  registerAppScheme();
  await app.whenReady();

  const dataDir = resolveDataDir({ flag: flagValue('--data-dir'), electronUserData: app.getPath('userData') });
  const log = await createFileLogger({ dataDir });
  const nativeBinding = electronSqliteBinding(app.getAppPath(), app.isPackaged);
  const updates = createUpdateService({
    load: options.loadUpdater ?? loadElectronUpdater,
    currentVersion: app.getVersion(),
    isPackaged: app.isPackaged,
    feedUrl: process.env[UPDATE_FEED_ENV],
    log: log.child({ module: 'updater' }),
  });
  // Host capability for Connect (RFC 8252): the sign-in page opens in the system browser, only through the
  // external-link allowlist (OAuth hosts and the docs); anything else is refused, never opened.
  const openExternal = async (url: string): Promise<void> => {
    if (!(await openExternalAllowed(url))) throw new Error("not opened: the page is not on the allowlist of pages the app opens (the OAuth sign-in hosts and the docs)");
  };
  // A PostgreSQL store (Settings → Store, SYNCWARDEN_STORE) turns team mode on: runs go to the workers'
  // queue through one pg-boss connection owned by this app (core/queue/team-mode.ts), closed with it.
  const teamMode = ({ url, password, store, log: appLog }: { url: string; password?: string; store: Store; log: Logger }) =>
    startTeamMode({ url, ...(password === undefined ? {} : { password }), db: store.db, log: appLog });
  const core: Syncwarden = await createSyncwarden({ dataDir, host: 'electron', log, updates, openExternal, teamMode, ...(nativeBinding ? { nativeBinding } : {}) });
  const engineTitle = (id: string) => core.engines.get(id)?.title ?? id;

  const devServerUrl = app.isPackaged ? undefined : process.env.ELECTRON_RENDERER_URL;
  const isRendererUrl = createRendererUrlCheck({ devServerUrl });
  serveRenderer(join(__dirname, '../renderer'));
  denyPermissionsByDefault(session.defaultSession, isRendererUrl);
  const resources = app.isPackaged ? process.resourcesPath : join(app.getAppPath(), 'resources');
  const iconPath = join(resources, 'icon.png');

  let window: BrowserWindow | undefined;
  let quitting = false;
  // The window's close handler decides at once (preventDefault cannot wait for the store): the setting is
  // read here and kept in step with every change (settings.changed below).
  let closeToTray = (await core.store.settings.get()).closeToTray;
  const showWindow = (route?: string) => {
    if (!window || window.isDestroyed()) {
      window = createMainWindow({ preloadPath: join(__dirname, '../preload/index.js'), devServerUrl, isRendererUrl, iconPath, ...(route ? { route } : {}) });
      window.on('close', (event) => {
        // Closing the window keeps syncing from the tray unless the user turned that off.
        if (!quitting && closeToTray) {
          event.preventDefault();
          window?.hide();
        }
      });
    } else if (route) {
      loadRenderer(window, { devServerUrl }, route);
    }
    if (window.isMinimized()) window.restore();
    window.show();
    window.focus();
  };

  registerIpcHost({
    app: core,
    isTrustedSender: (event) => event.senderFrame !== null && isRendererUrl(event.senderFrame.url),
    targets: () => BrowserWindow.getAllWindows().map((w) => w.webContents),
  });
  // Start at login (hidden in the tray) follows the setting, now and whenever it changes.
  const applyLoginItem = (enabled: boolean) => {
    try {
      applyStartAtLogin(enabled, { app, ...(app.isPackaged ? {} : { launchArgs: [app.getAppPath()] }) });
    } catch (error) {
      log.warn({ err: error }, 'could not change start at login');
    }
  };
  applyLoginItem((await core.store.settings.get()).startAtLogin);

  const tray = createTray({
    iconPath: join(resources, 'tray', trayIconFile()),
    scheduler: core.scheduler,
    open: () => showWindow(),
    quit: () => app.quit(),
    checkForUpdates: () => {
      void updates.check().then((status) => showUpdateStatus(status.message, iconPath));
    },
    engineTitle,
    onError: (error) => log.error({ err: error }, 'a tray action failed'),
  });
  const offEvents = core.events.subscribe((event, payload) => {
    if (event === 'settings.changed') {
      applyLoginItem((payload as { startAtLogin: boolean }).startAtLogin);
      closeToTray = (payload as { closeToTray: boolean }).closeToTray;
    }
    if (TRAY_EVENTS.has(event)) tray.refresh();
  });
  const stopNotifier = startNotifier({ events: core.events, engine: (id) => core.engines.get(id) });
  const stopNotifications = showDesktopNotifications({ events: core.events, open: showWindow, iconPath });

  // A second launch (e.g. from the start menu) focuses this one; the lock made the other quit.
  app.on('second-instance', () => showWindow());
  app.on('activate', () => showWindow());
  app.on('window-all-closed', () => {
    // Keep running in the tray; only Quit ends the process.
  });
  app.on('before-quit', (event) => {
    if (quitting) return;
    quitting = true;
    event.preventDefault();
    // The scheduler stops first so nothing new starts while the runs shut down.
    const schedulerStopped = core.scheduler.stop().catch((error: unknown) => log.warn({ err: error }, 'stopping the scheduler failed'));
    offEvents();
    stopNotifier();
    stopNotifications();
    tray.destroy();
    void schedulerStopped
      .then(() => core.close())
      .then(() => log.close())
      .finally(() => app.exit(0));
  });
  // A login start stays in the tray; the tray's Open shows the window.
  if (!startedHidden({ app })) showWindow();
  // Scheduled runs begin only once the window and tray can show them.
  core.scheduler.start();
  return { core, showWindow };
}

/** electron-updater picks its updater (NSIS, DMG, AppImage, deb…) on first access of `autoUpdater`, which needs Electron. */
async function loadElectronUpdater(): Promise<Updater> {
  return pickAutoUpdater(await import('electron-updater'));
}

/** The tray's "Check for updates" answers with an OS notification: the tray has no room for text. */
function showUpdateStatus(message: string, iconPath: string): void {
  if (!Notification.isSupported()) return;
  new Notification({ title: 'Syncwarden updates', body: message, icon: iconPath }).show();
}

function flagValue(name: string): string | undefined {
  const index = process.argv.indexOf(name);
  return index >= 0 ? process.argv[index + 1] : undefined;
}
