import { describe, expect, it, vi } from 'vitest';

/**
 * The desktop shell against a mocked `electron` (the real one would try to
 * download its binary). What is proven: the window's security settings, the
 * navigation lock, the CSP header, and which frames count as our renderer.
 */
const fake = vi.hoisted(() => {
  const webContentsHandlers = new Map<string, (...args: unknown[]) => void>();
  let windowOpenHandler: ((details: { url: string }) => { action: string }) | undefined;
  let headersListener: ((details: { responseHeaders: Record<string, string[]> }, cb: (r: unknown) => void) => void) | undefined;
  const constructed: Record<string, unknown>[] = [];
  class BrowserWindow {
    webContents = {
      on: (name: string, handler: (...args: unknown[]) => void) => webContentsHandlers.set(name, handler),
      setWindowOpenHandler: (handler: typeof windowOpenHandler) => {
        windowOpenHandler = handler;
      },
    };
    constructor(options: Record<string, unknown>) {
      constructed.push(options);
    }
    once() {}
    loadFile = vi.fn(async () => {});
    loadURL = vi.fn(async () => {});
  }
  return {
    BrowserWindow,
    constructed,
    webContentsHandlers,
    windowOpen: (url: string) => windowOpenHandler?.({ url }),
    respondHeaders: (headers: Record<string, string[]>) =>
      new Promise<{ responseHeaders: Record<string, string[]> }>((resolve) =>
        headersListener?.({ responseHeaders: headers }, (r) => resolve(r as { responseHeaders: Record<string, string[]> })),
      ),
    session: {
      defaultSession: {
        webRequest: {
          onHeadersReceived: (listener: typeof headersListener) => {
            headersListener = listener;
          },
        },
      },
    },
    shell: { openExternal: vi.fn(async () => {}) },
  };
});
vi.mock('electron', () => ({ BrowserWindow: fake.BrowserWindow, session: fake.session, shell: fake.shell }));

const { createMainWindow, SECURE_WEB_PREFERENCES } = await import('../../electron/main/window');
const { createRendererUrlCheck } = await import('../../electron/main/trusted-origin');
const { electronSqliteBinding } = await import('../../electron/main/native-binding');

const isRendererUrl = createRendererUrlCheck({ indexHtmlPath: '/app/out/renderer/index.html' });

describe('desktop shell', () => {
  const window = createMainWindow({ preloadPath: '/app/out/preload/index.js', indexHtmlPath: '/app/out/renderer/index.html', isRendererUrl });

  it('opens the window isolated, sandboxed and without Node, with only our preload', () => {
    const prefs = fake.constructed[0]?.webPreferences as Record<string, unknown>;
    expect(prefs).toMatchObject({ contextIsolation: true, sandbox: true, nodeIntegration: false, webSecurity: true, webviewTag: false });
    expect(prefs.preload).toBe('/app/out/preload/index.js');
    expect(SECURE_WEB_PREFERENCES.nodeIntegrationInWorker).toBe(false);
    expect(window.loadFile).toHaveBeenCalledWith('/app/out/renderer/index.html');
  });

  it('denies navigation away from the renderer and every new window', () => {
    const navigate = fake.webContentsHandlers.get('will-navigate');
    const away = { preventDefault: vi.fn() };
    navigate?.(away, 'https://evil.example/');
    expect(away.preventDefault).toHaveBeenCalled();
    const home = { preventDefault: vi.fn() };
    navigate?.(home, 'file:///app/out/renderer/index.html#/runs');
    expect(home.preventDefault).not.toHaveBeenCalled();
    expect(fake.windowOpen('https://docs.example/')).toEqual({ action: 'deny' });
    expect(fake.shell.openExternal).toHaveBeenCalledWith('https://docs.example/');
    expect(fake.windowOpen('file:///etc/passwd')).toEqual({ action: 'deny' });
    expect(fake.shell.openExternal).toHaveBeenCalledTimes(1);
  });

  it('adds a strict Content-Security-Policy to every response', async () => {
    const { responseHeaders } = await fake.respondHeaders({ 'X-Other': ['1'] });
    expect(responseHeaders['X-Other']).toEqual(['1']);
    const csp = responseHeaders['Content-Security-Policy']?.[0] ?? '';
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("object-src 'none'");
    expect(csp).not.toMatch(/script-src[^;]*(unsafe-inline|unsafe-eval)/);
  });

  it('trusts only the built index.html, or the dev server origin in development', () => {
    expect(isRendererUrl('file:///app/out/renderer/index.html')).toBe(true);
    expect(isRendererUrl('file:///app/out/renderer/other.html')).toBe(false);
    expect(isRendererUrl('https://evil.example/app/out/renderer/index.html')).toBe(false);
    expect(isRendererUrl('not a url')).toBe(false);
    const dev = createRendererUrlCheck({ indexHtmlPath: '/x/index.html', devServerUrl: 'http://localhost:5173/' });
    expect(dev('http://localhost:5173/#/runs')).toBe(true);
    expect(dev('http://localhost:5174/')).toBe(false);
  });

  it('uses an Electron-ABI better-sqlite3 only when one was built and the app is not packaged', () => {
    expect(electronSqliteBinding('/nonexistent', false)).toBeUndefined();
    expect(electronSqliteBinding('/nonexistent', true)).toBeUndefined();
  });
});
