import { describe, expect, it, vi } from 'vitest';
import type { SchedulerStatus } from '../../core/api/schedules';

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
const { loadRenderer } = await import('../../electron/main/window');
const { trayMenuTemplate } = await import('../../electron/main/tray-menu');

const isRendererUrl = createRendererUrlCheck({});

describe('desktop shell', () => {
  const window = createMainWindow({ preloadPath: '/app/out/preload/index.js', isRendererUrl });

  it('opens the window isolated, sandboxed and without Node, with only our preload', () => {
    const prefs = fake.constructed[0]?.webPreferences as Record<string, unknown>;
    expect(prefs).toMatchObject({ contextIsolation: true, sandbox: true, nodeIntegration: false, webSecurity: true, webviewTag: false });
    expect(prefs.preload).toBe('/app/out/preload/index.js');
    expect(SECURE_WEB_PREFERENCES.nodeIntegrationInWorker).toBe(false);
    // The built UI comes from the app:// protocol (app-protocol.ts), not file://.
    expect(window.loadURL).toHaveBeenCalledWith('app://syncwarden/index.html');
    expect(window.loadFile).not.toHaveBeenCalled();
  });

  it('denies navigation away from the renderer and every new window; only allowlisted https links open outside', () => {
    const navigate = fake.webContentsHandlers.get('will-navigate');
    const away = { preventDefault: vi.fn() };
    navigate?.(away, 'https://evil.example/');
    expect(away.preventDefault).toHaveBeenCalled();
    const home = { preventDefault: vi.fn() };
    navigate?.(home, 'app://syncwarden/index.html#/runs');
    expect(home.preventDefault).not.toHaveBeenCalled();
    const file = { preventDefault: vi.fn() };
    navigate?.(file, 'file:///app/out/renderer/index.html#/runs');
    expect(file.preventDefault).toHaveBeenCalled();
    expect(fake.windowOpen('https://docs.syncwarden.app/connections')).toEqual({ action: 'deny' });
    expect(fake.shell.openExternal).toHaveBeenCalledWith('https://docs.syncwarden.app/connections');
    expect(fake.windowOpen('https://docs.example/')).toEqual({ action: 'deny' });
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

  it('trusts only the built index.html on app://syncwarden, or the dev server origin in development', () => {
    expect(isRendererUrl('app://syncwarden/index.html')).toBe(true);
    expect(isRendererUrl('app://syncwarden/index.html?run=1#/runs')).toBe(true);
    expect(isRendererUrl('app://syncwarden/assets/other.html')).toBe(false);
    expect(isRendererUrl('app://evil/index.html')).toBe(false);
    expect(isRendererUrl('file:///app/out/renderer/index.html')).toBe(false);
    expect(isRendererUrl('https://evil.example/index.html')).toBe(false);
    expect(isRendererUrl('not a url')).toBe(false);
    const dev = createRendererUrlCheck({ devServerUrl: 'http://localhost:5173/' });
    expect(dev('http://localhost:5173/#/runs')).toBe(true);
    expect(dev('http://localhost:5174/')).toBe(false);
  });

  it('opens the renderer at a route: the path in the hash, query parameters in the search (as the renderer reads them)', () => {
    const routed = createMainWindow({ preloadPath: '/p.js', isRendererUrl, route: '/runs?run=12' });
    expect(routed.loadURL).toHaveBeenCalledWith('app://syncwarden/index.html?run=12#/runs');
    const dev = { loadURL: vi.fn(async () => {}), loadFile: vi.fn(async () => {}) };
    loadRenderer(dev as never, { devServerUrl: 'http://localhost:5173/' }, '/storage?status=needs-reconnect');
    expect(dev.loadURL).toHaveBeenCalledWith('http://localhost:5173/?status=needs-reconnect#/storage');
    expect(dev.loadFile).not.toHaveBeenCalled();
  });

  it('the tray menu says what is going on: running syncs, failing schedules, the next run', () => {
    const now = new Date('2026-11-23T10:00:00');
    const status: SchedulerStatus = { state: 'running', activeRuns: 3, attention: 0, nextRun: { scheduleId: 1, engine: 'identity', at: new Date('2026-11-23T11:00:00').toISOString() }, pausedUntil: null, pausedIndefinitely: false };
    const actions = { open: vi.fn(), quit: vi.fn(), runAllNow: vi.fn(), pause: vi.fn(), resume: vi.fn() };
    const labels = (s: SchedulerStatus) =>
      trayMenuTemplate(s, actions, { now, engineTitle: (id) => (id === 'identity' ? 'Identity' : id) }).map((item) => item.label);
    expect(labels(status).slice(0, 2)).toEqual(['Running 3 syncs', expect.stringMatching(/^Next: Identity at 11:00/)]);
    expect(labels({ ...status, state: 'attention', attention: 2 })[0]).toBe('Attention needed: 2 schedules keep failing');
    expect(labels({ ...status, state: 'idle', activeRuns: 0, nextRun: null }).slice(0, 2)).toEqual(['Idle', 'No scheduled runs']);
  });

  it('uses an Electron-ABI better-sqlite3 only when one was built and the app is not packaged', () => {
    expect(electronSqliteBinding('/nonexistent', false)).toBeUndefined();
    expect(electronSqliteBinding('/nonexistent', true)).toBeUndefined();
  });
});
