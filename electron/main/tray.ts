import { Menu, Tray, nativeImage } from 'electron';
import { createThrottle } from '../../core/base/throttle';
import { describeState, trayMenuTemplate, type TrayScheduler } from './tray-menu';

export interface TrayOptions {
  iconPath: string;
  scheduler: TrayScheduler;
  open(): void;
  quit(): void;
  /** The tray's "Check for updates" (omitted: no such item). */
  checkForUpdates?(): void;
  engineTitle(id: string): string;
  /** Problems from the menu's own actions (a failed "Run all now") go to the log, never crash the tray. */
  onError(error: unknown): void;
}

export interface TrayController {
  /** Rebuild soon: bursts of run events collapse into one rebuild per interval. */
  refresh(): void;
  destroy(): void;
}

/** A schedule tick for many users emits run events by the hundred; the menu need not follow each one. */
export const TRAY_REFRESH_MS = 500;

/**
 * The tray image for this platform, a file under resources/tray/. macOS gets
 * the template pair: a name ending in `Template` makes nativeImage mark it as
 * a template (drawn black or white to match the menu bar) and pick up the
 * `@2x` file on Retina screens. Elsewhere the coloured 32 px image.
 */
export function trayIconFile(platform: NodeJS.Platform = process.platform): string {
  return platform === 'darwin' ? 'trayTemplate.png' : 'tray.png';
}

/** The tray keeps Syncwarden reachable (and syncing) while the window is closed, and shows what it is doing. */
export function createTray(options: TrayOptions): TrayController {
  const { scheduler } = options;
  const tray = new Tray(nativeImage.createFromPath(options.iconPath));
  let destroyed = false;

  const rebuild = () => {
    if (destroyed) return;
    const now = new Date();
    const status = scheduler.status();
    tray.setToolTip(`Syncwarden — ${describeState(status, now)}`);
    tray.setContextMenu(Menu.buildFromTemplate(trayMenuTemplate(status, actions, { now, engineTitle: options.engineTitle })));
  };
  const throttle = createThrottle(TRAY_REFRESH_MS, rebuild);
  const refresh = () => {
    if (!destroyed) throttle.request();
  };
  const actions = {
    open: options.open,
    quit: options.quit,
    ...(options.checkForUpdates ? { checkForUpdates: options.checkForUpdates } : {}),
    runAllNow: () => {
      void scheduler.runAllNow().catch(options.onError).finally(refresh);
    },
    // Pausing is answered at once: the admin looks at the menu right after.
    pause: (minutes: number | null) => {
      void scheduler.pause(minutes).catch(options.onError).finally(refresh);
      throttle.flush();
    },
    resume: () => {
      void scheduler.resume().catch(options.onError).finally(refresh);
      throttle.flush();
    },
  };

  tray.on('click', options.open);
  throttle.flush();
  return {
    refresh,
    destroy() {
      destroyed = true;
      throttle.cancel();
      tray.destroy();
    },
  };
}
