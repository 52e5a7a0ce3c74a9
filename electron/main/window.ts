import { BrowserWindow, session } from 'electron';
import { contentSecurityPolicy } from '../../core/server/csp';
import { APP_INDEX_URL, APP_ORIGIN } from './app-protocol';
import { openExternalAllowed } from './external-links';

export interface MainWindowOptions {
  preloadPath: string;
  devServerUrl?: string | undefined;
  isRendererUrl: (url: string) => boolean;
  iconPath?: string;
  /** A renderer hash route to open at, e.g. "/runs?run=12" (a notification's target). */
  route?: string;
}

/** The secure defaults of every Syncwarden window; kept as data so a test can assert them. */
export const SECURE_WEB_PREFERENCES = {
  contextIsolation: true,
  sandbox: true,
  nodeIntegration: false,
  nodeIntegrationInWorker: false,
  webSecurity: true,
  allowRunningInsecureContent: false,
  webviewTag: false,
  spellcheck: false,
} as const;

export function createMainWindow(options: MainWindowOptions): BrowserWindow {
  applyContentSecurityPolicy(options.devServerUrl);
  const window = new BrowserWindow({
    width: 1280,
    height: 820,
    minWidth: 900,
    minHeight: 600,
    show: false,
    title: 'Syncwarden',
    ...(options.iconPath ? { icon: options.iconPath } : {}),
    webPreferences: { ...SECURE_WEB_PREFERENCES, preload: options.preloadPath },
  });
  lockNavigation(window, options.isRendererUrl);
  window.once('ready-to-show', () => window.show());
  loadRenderer(window, options, options.route);
  return window;
}

type RendererSource = Pick<MainWindowOptions, 'devServerUrl'>;

/**
 * Loads the renderer (the dev server, or the built UI on app://syncwarden),
 * at a route when one is given. The renderer routes on the hash and reads
 * query parameters from the real search (wouter's hash navigation does the
 * same), so "/runs?run=12" becomes `?run=12#/runs`.
 */
export function loadRenderer(window: BrowserWindow, source: RendererSource, route?: string): void {
  const base = source.devServerUrl ?? APP_INDEX_URL;
  if (!route) {
    void window.loadURL(base);
    return;
  }
  const { hash, search } = splitRoute(route);
  const url = new URL(base);
  url.hash = hash;
  url.search = search;
  void window.loadURL(url.href);
}

function splitRoute(route: string): { hash: string; search: string } {
  const [path = '/', search = ''] = route.split('?', 2);
  return { hash: path.startsWith('/') ? path : `/${path}`, search };
}

/** The renderer never navigates away and never opens windows; allowlisted https links open in the OS browser (external-links.ts). */
function lockNavigation(window: BrowserWindow, isRendererUrl: (url: string) => boolean): void {
  window.webContents.on('will-navigate', (event, url) => {
    if (!isRendererUrl(url)) event.preventDefault();
  });
  window.webContents.on('will-attach-webview', (event) => event.preventDefault());
  window.webContents.setWindowOpenHandler(({ url }) => {
    // A failure of the OS browser is no reason to crash the main process.
    openExternalAllowed(url).catch(() => undefined);
    return { action: 'deny' };
  });
}

function applyContentSecurityPolicy(devServerUrl: string | undefined): void {
  // The dev server needs its own origin and HMR socket; production allows nothing remote.
  const connectSrc = devServerUrl ? [new URL(devServerUrl).origin, devServerUrl.replace(/^http/, 'ws')] : [];
  session.defaultSession.webRequest.onHeadersReceived((details, callback) => {
    // app:// answers carry their own policy (a per-load nonce for the page, app-protocol.ts).
    if (details.url?.startsWith(`${APP_ORIGIN}/`)) {
      callback({});
      return;
    }
    callback({
      responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [contentSecurityPolicy({ connectSrc, inlineStyles: 'unsafe-inline' })] },
    });
  });
}
