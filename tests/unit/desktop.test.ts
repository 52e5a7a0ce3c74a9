import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { IPC_INVOKE_CHANNEL } from '../../core/api/transport';
import { makeTempDir } from '../helpers/temp-dir';

/**
 * The desktop shell's wiring against a mocked `electron` (the real one would
 * download its binary): single instance, window, IPC, tray, close-to-tray and quit.
 */
const fake = vi.hoisted(() => {
  type Handler = (...args: unknown[]) => unknown;
  const on = (table: Map<string, Handler[]>) => (name: string, handler: Handler) => {
    table.set(name, [...(table.get(name) ?? []), handler]);
  };
  const emit = (table: Map<string, Handler[]>, name: string, ...args: unknown[]) => table.get(name)?.forEach((h) => h(...args));
  const appEvents = new Map<string, Handler[]>();
  const state = { lock: true, userData: '', windows: [] as FakeWindow[], trays: [] as FakeTray[], ipc: new Map<string, Handler>() };
  class FakeWindow {
    events = new Map<string, Handler[]>();
    destroyed = false;
    options: Record<string, unknown>;
    show = vi.fn();
    hide = vi.fn();
    focus = vi.fn();
    loadFile = vi.fn(async () => {});
    loadURL = vi.fn(async () => {});
    webContents = { on: vi.fn(), setWindowOpenHandler: vi.fn(), send: vi.fn(), isDestroyed: () => false };
    constructor(options: Record<string, unknown>) {
      this.options = options;
      state.windows.push(this);
    }
    on = on(this.events);
    once = on(this.events);
    isDestroyed = () => this.destroyed;
    static getAllWindows = () => state.windows;
  }
  class FakeTray {
    menu: { label?: string; click?: () => void }[] = [];
    destroy = vi.fn();
    setToolTip = vi.fn();
    on = vi.fn();
    constructor() {
      state.trays.push(this);
    }
    setContextMenu(menu: { label?: string; click?: () => void }[]) {
      this.menu = menu;
    }
  }
  const app = {
    requestSingleInstanceLock: () => state.lock,
    whenReady: async () => {},
    getPath: () => state.userData,
    getAppPath: () => '/nonexistent-app-root',
    isPackaged: false,
    quit: vi.fn(),
    exit: vi.fn(),
    setLoginItemSettings: vi.fn(),
    on: on(appEvents),
  };
  return { state, app, appEvents, emit, FakeWindow, FakeTray };
});

vi.mock('electron', () => ({
  app: fake.app,
  BrowserWindow: fake.FakeWindow,
  Tray: fake.FakeTray,
  Menu: { buildFromTemplate: (template: unknown) => template },
  nativeImage: { createFromPath: () => ({}) },
  ipcMain: { handle: (channel: string, handler: (...args: unknown[]) => unknown) => fake.state.ipc.set(channel, handler), removeHandler: vi.fn() },
  session: { defaultSession: { webRequest: { onHeadersReceived: vi.fn() } } },
  shell: { openExternal: vi.fn() },
}));

const { startDesktop } = await import('../../electron/main/desktop');

describe('desktop shell wiring', () => {
  const dir = makeTempDir();
  fake.state.userData = dir.path;
  delete process.env.SYNCWARDEN_HOME;
  afterAll(() => dir.remove());

  it('a second instance hands over to the first and quits', async () => {
    fake.state.lock = false;
    await startDesktop();
    expect(fake.app.quit).toHaveBeenCalledTimes(1);
    expect(fake.state.windows).toHaveLength(0);
    fake.state.lock = true;
    fake.app.quit.mockClear();
  });

  it('opens one secure window with the preload, serves the contract over IPC to it, and puts Syncwarden in the tray', async () => {
    await startDesktop();
    const [window] = fake.state.windows;
    expect(window?.options.webPreferences).toMatchObject({ contextIsolation: true, sandbox: true, nodeIntegration: false, preload: expect.stringMatching(/preload[/\\]index\.js$/) });
    const invoke = fake.state.ipc.get(IPC_INVOKE_CHANNEL);
    const rendererUrl = pathToFileURL(join(__dirname, '../../electron/renderer/index.html')).href;
    expect(await invoke?.({ senderFrame: { url: rendererUrl } }, 'app.info', {})).toMatchObject({ ok: true, result: { host: 'electron', dataDir: dir.path } });
    expect(await invoke?.({ senderFrame: { url: 'https://evil.example/' } }, 'app.info', {})).toMatchObject({ ok: false, error: { code: 'unauthorized' } });
    expect(fake.state.trays[0]?.menu.map((item) => item.label).filter(Boolean)).toEqual(['Open Syncwarden', 'Quit']);
  });

  it('start at login follows the setting: off by default, on as soon as it is changed', async () => {
    expect(fake.app.setLoginItemSettings).toHaveBeenLastCalledWith({ openAtLogin: false });
    const invoke = fake.state.ipc.get(IPC_INVOKE_CHANNEL);
    const rendererUrl = pathToFileURL(join(__dirname, '../../electron/renderer/index.html')).href;
    expect(await invoke?.({ senderFrame: { url: rendererUrl } }, 'settings.update', { startAtLogin: true })).toMatchObject({ ok: true });
    expect(fake.app.setLoginItemSettings).toHaveBeenLastCalledWith({ openAtLogin: true });
  });

  it('closing the window hides it (syncing goes on in the tray); a second launch shows it again', () => {
    const window = fake.state.windows[0] as InstanceType<typeof fake.FakeWindow>;
    const event = { preventDefault: vi.fn() };
    fake.emit(window.events, 'close', event);
    expect(event.preventDefault).toHaveBeenCalled();
    expect(window.hide).toHaveBeenCalled();
    fake.emit(fake.appEvents, 'second-instance');
    expect(window.show).toHaveBeenCalled();
    expect(window.focus).toHaveBeenCalled();
    expect(fake.state.windows).toHaveLength(1);
  });

  it('Quit from the tray closes the core cleanly before the process exits', async () => {
    fake.state.trays[0]?.menu.find((item) => item.label === 'Quit')?.click?.();
    expect(fake.app.quit).toHaveBeenCalled();
    const event = { preventDefault: vi.fn() };
    fake.emit(fake.appEvents, 'before-quit', event);
    expect(event.preventDefault).toHaveBeenCalled();
    await vi.waitFor(() => expect(fake.app.exit).toHaveBeenCalledWith(0));
    expect(fake.state.trays[0]?.destroy).toHaveBeenCalled();
    // Once quitting, closing the window is no longer turned into hiding.
    const closing = { preventDefault: vi.fn() };
    fake.emit((fake.state.windows[0] as InstanceType<typeof fake.FakeWindow>).events, 'close', closing);
    expect(closing.preventDefault).not.toHaveBeenCalled();
  });
});
