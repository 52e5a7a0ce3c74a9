import { BrowserWindow, session, shell } from 'electron';
import { contentSecurityPolicy } from '../../core/server/csp';

export interface MainWindowOptions {
  preloadPath: string;
  indexHtmlPath: string;
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

type RendererSource = Pick<MainWindowOptions, 'indexHtmlPath' | 'devServerUrl'>;

/**
 * Loads the renderer, at a route when one is given. The renderer routes on the
 * hash and reads query parameters from the real search (wouter's hash
 * navigation does the same), so "/runs?run=12" becomes `?run=12#/runs`.
 */
export function loadRenderer(window: BrowserWindow, source: RendererSource, route?: string): void {
  if (!route) {
    if (source.devServerUrl) void window.loadURL(source.devServerUrl);
    else void window.loadFile(source.indexHtmlPath);
    return;
  }
  const { hash, search } = splitRoute(route);
  if (source.devServerUrl) {
    const url = new URL(source.devServerUrl);
    url.hash = hash;
    url.search = search;
    void window.loadURL(url.href);
  } else {
    void window.loadFile(source.indexHtmlPath, { hash, search });
  }
}

function splitRoute(route: string): { hash: string; search: string } {
  const [path = '/', search = ''] = route.split('?', 2);
  return { hash: path.startsWith('/') ? path : `/${path}`, search };
}

/** The renderer never navigates away and never opens windows; https links open in the OS browser. */
function lockNavigation(window: BrowserWindow, isRendererUrl: (url: string) => boolean): void {
  window.webContents.on('will-navigate', (event, url) => {
    if (!isRendererUrl(url)) event.preventDefault();
  });
  window.webContents.on('will-attach-webview', (event) => event.preventDefault());
  window.webContents.setWindowOpenHandler(({ url }) => {
    if (url.startsWith('https://')) void shell.openExternal(url);
    return { action: 'deny' };
  });
}

function applyContentSecurityPolicy(devServerUrl: string | undefined): void {
  // The dev server needs its own origin and HMR socket; production allows nothing remote.
  const connectSrc = devServerUrl ? [new URL(devServerUrl).origin, devServerUrl.replace(/^http/, 'ws')] : [];
  session.defaultSession.webRequest.onHeadersReceived((details, callback) => {
    callback({
      responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [contentSecurityPolicy({ connectSrc, inlineStyles: 'unsafe-inline' })] },
    });
  });
}
