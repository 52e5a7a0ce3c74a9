import { Menu, Tray, nativeImage } from 'electron';

export interface TrayActions {
  open(): void;
  quit(): void;
}

/** The tray keeps Syncwarden reachable (and syncing) while the window is closed. */
export function createTray(iconPath: string, actions: TrayActions): Tray {
  const tray = new Tray(nativeImage.createFromPath(iconPath));
  tray.setToolTip('Syncwarden');
  tray.setContextMenu(
    Menu.buildFromTemplate([
      { label: 'Open Syncwarden', click: actions.open },
      { type: 'separator' },
      { label: 'Quit', click: actions.quit },
    ]),
  );
  tray.on('click', actions.open);
  return tray;
}
