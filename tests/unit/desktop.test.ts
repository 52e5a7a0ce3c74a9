import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { IPC_INVOKE_CHANNEL } from '../../core/api/transport';
import type { DesktopShell } from '../../electron/main/desktop';
import { makeTempDir } from '../helpers/temp-dir';

/**
 * The desktop shell's wiring against a mocked `electron` (the real one would
 * download its binary), with the real core behind it: single instance, window,
 * IPC, the tray and its menu, the scheduler, OS notifications, close-to-tray and quit.
 */
const fake = vi.hoisted(() => {
  type Handler = (...args: unknown[]) => unknown;
  interface MenuItem {
    id?: string;
    label?: string;
    enabled?: boolean;
    click?: () => void;
    submenu?: MenuItem[];
  }
  const on = (table: Map<string, Handler[]>) => (name: string, handler: Handler) => {
    table.set(name, [...(table.get(name) ?? []), handler]);
  };
  const emit = (table: Map<string, Handler[]>, name: string, ...args: unknown[]) => table.get(name)?.forEach((h) => h(...args));
  const appEvents = new Map<string, Handler[]>();
  const state = {
    lock: true,
    userData: '',
    windows: [] as FakeWindow[],
    trays: [] as FakeTray[],
    notifications: [] as FakeNotification[],
    ipc: new Map<string, Handler>(),
  };
  class FakeWindow {
    events = new Map<string, Handler[]>();
    destroyed = false;
    minimized = false;
    options: Record<string, unknown>;
    show = vi.fn();
    hide = vi.fn();
    focus = vi.fn();
    restore = vi.fn(() => {
      this.minimized = false;
    });
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
    isMinimized = () => this.minimized;
    static getAllWindows = () => state.windows;
  }
  class FakeTray {
    menu: MenuItem[] = [];
    destroy = vi.fn();
    setToolTip = vi.fn();
    on = vi.fn();
    constructor() {
      state.trays.push(this);
    }
    setContextMenu(menu: MenuItem[]) {
      this.menu = menu;
    }
    item(id: string): MenuItem | undefined {
      const find = (items: MenuItem[]): MenuItem | undefined => items.map((i) => (i.id === id ? i : i.submenu && find(i.submenu))).find(Boolean);
      return find(this.menu);
    }
  }
  class FakeNotification {
    static isSupported = () => true;
    events = new Map<string, Handler[]>();
    show = vi.fn();
    close = vi.fn();
    constructor(public options: { title: string; body: string }) {
      state.notifications.push(this);
    }
    on = on(this.events);
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
    getLoginItemSettings: () => ({ wasOpenedAtLogin: false }),
    getVersion: () => '0.1.0',
    on: on(appEvents),
  };
  return {
    state,
    app,
    appEvents,
    emit,
    FakeWindow,
    FakeTray,
    FakeNotification,
    createFromPath: vi.fn((_path: string) => ({})),
    registerSchemes: vi.fn(),
    protocolHandle: vi.fn(),
  };
});

vi.mock('electron', () => ({
  app: fake.app,
  BrowserWindow: fake.FakeWindow,
  Tray: fake.FakeTray,
  Notification: fake.FakeNotification,
  Menu: { buildFromTemplate: (template: unknown) => template },
  nativeImage: { createFromPath: fake.createFromPath },
  ipcMain: { handle: (channel: string, handler: (...args: unknown[]) => unknown) => fake.state.ipc.set(channel, handler), removeHandler: vi.fn() },
  session: {
    defaultSession: { webRequest: { onHeadersReceived: vi.fn() }, setPermissionRequestHandler: vi.fn(), setPermissionCheckHandler: vi.fn(), setDevicePermissionHandler: vi.fn() },
  },
  protocol: { registerSchemesAsPrivileged: fake.registerSchemes, handle: fake.protocolHandle },
  shell: { openExternal: vi.fn() },
}));

const { startDesktop } = await import('../../electron/main/desktop');
const { trayIconFile } = await import('../../electron/main/tray');

const rendererUrl = 'app://syncwarden/index.html';
async function invoke(method: string, input: unknown): Promise<{ ok: boolean; result?: unknown; error?: unknown }> {
  const handler = fake.state.ipc.get(IPC_INVOKE_CHANNEL);
  if (!handler) throw new Error('no IPC handler');
  return (await handler({ senderFrame: { url: rendererUrl } }, method, input)) as { ok: boolean; result?: unknown };
}
const tray = () => fake.state.trays[0] as InstanceType<typeof fake.FakeTray>;
const mainWindow = () => fake.state.windows[0] as InstanceType<typeof fake.FakeWindow>;

describe('desktop shell wiring', () => {
  const dir = makeTempDir();
  fake.state.userData = dir.path;
  delete process.env.SYNCWARDEN_HOME;
  delete process.env.SYNCWARDEN_UPDATE_URL;
  const previousXdg = process.env.XDG_CONFIG_HOME;
  process.env.XDG_CONFIG_HOME = join(dir.path, 'xdg');
  let shell: DesktopShell;
  afterAll(async () => {
    if (previousXdg === undefined) delete process.env.XDG_CONFIG_HOME;
    else process.env.XDG_CONFIG_HOME = previousXdg;
    await shell?.core.scheduler.stop();
    dir.remove();
  });

  it('a second instance hands over to the first and quits', async () => {
    fake.state.lock = false;
    expect(await startDesktop()).toBeUndefined();
    expect(fake.app.quit).toHaveBeenCalledTimes(1);
    expect(fake.state.windows).toHaveLength(0);
    fake.state.lock = true;
    fake.app.quit.mockClear();
  });

  it('opens one secure window with the preload, serves the contract over IPC, starts the scheduler and the tray', async () => {
    shell = (await startDesktop()) as DesktopShell;
    const window = mainWindow();
    expect(window.options.webPreferences).toMatchObject({ contextIsolation: true, sandbox: true, nodeIntegration: false, preload: expect.stringMatching(/preload[/\\]index\.js$/) });
    expect(await invoke('app.info', {})).toMatchObject({ ok: true, result: { host: 'electron', dataDir: dir.path } });
    const untrusted = fake.state.ipc.get(IPC_INVOKE_CHANNEL);
    expect(await untrusted?.({ senderFrame: { url: 'https://evil.example/' } }, 'app.info', {})).toMatchObject({ ok: false, error: { code: 'unauthorized' } });
    // A sub-frame is refused even when it shows our own page; so is a file:// page (the UI is app:// now).
    expect(await untrusted?.({ senderFrame: { url: rendererUrl, parent: { url: rendererUrl } } }, 'app.info', {})).toMatchObject({ ok: false, error: { code: 'unauthorized' } });
    expect(await untrusted?.({ senderFrame: { url: 'file:///app/out/renderer/index.html' } }, 'app.info', {})).toMatchObject({ ok: false, error: { code: 'unauthorized' } });
    expect(shell.core.scheduler.isStarted).toBe(true);
    expect(tray().menu.map((item) => item.label).filter(Boolean)).toEqual(['Idle', 'No scheduled runs', 'Run all now', 'Pause schedules', 'Check for updates', 'Open Syncwarden', 'Quit']);
    // The UI is served on app:// (declared before ready), and the default session denies permissions.
    expect(fake.registerSchemes).toHaveBeenCalledWith([expect.objectContaining({ scheme: 'app', privileges: expect.objectContaining({ standard: true, secure: true }) })]);
    expect(fake.protocolHandle).toHaveBeenCalledWith('app', expect.any(Function));
    expect(window.loadURL).toHaveBeenCalledWith('app://syncwarden/index.html');
    expect(tray().setToolTip).toHaveBeenLastCalledWith('Syncwarden — Idle');
    // The template pair on macOS, the coloured image elsewhere (tray.test.ts covers the choice).
    expect(fake.createFromPath).toHaveBeenCalledWith(join('/nonexistent-app-root', 'resources', 'tray', trayIconFile()));
  });

  it('start at login follows the setting: off by default, on as soon as it is changed (Linux: an XDG autostart entry)', async () => {
    const entry = join(dir.path, 'xdg', 'autostart', 'syncwarden.desktop');
    expect(existsSync(entry)).toBe(false);
    expect(await invoke('settings.update', { startAtLogin: true })).toMatchObject({ ok: true });
    // Unpackaged here: Electron's binary, then the app folder.
    expect(readFileSync(entry, 'utf8')).toMatch(/^Exec=".+" "\/nonexistent-app-root" --hidden$/m);
    expect(await invoke('settings.update', { startAtLogin: false })).toMatchObject({ ok: true });
    expect(existsSync(entry)).toBe(false);
    // macOS and Windows go through app.setLoginItemSettings (login-item.test.ts covers each platform).
    expect(fake.app.setLoginItemSettings).not.toHaveBeenCalled();
  });

  it('"Check for updates" answers through the contract and from the tray (an OS notification); an unpackaged build without a feed does not update', async () => {
    expect(await invoke('app.updates.check', {})).toMatchObject({ ok: true, result: { state: 'unsupported', currentVersion: '0.1.0' } });
    const before = fake.state.notifications.length;
    tray().item('check-updates')?.click?.();
    await vi.waitFor(() => expect(fake.state.notifications.length).toBe(before + 1));
    const note = fake.state.notifications.at(-1) as InstanceType<typeof fake.FakeNotification>;
    expect(note.options).toMatchObject({ title: 'Syncwarden updates', body: expect.stringMatching(/development build.*SYNCWARDEN_UPDATE_URL/) });
    expect(note.show).toHaveBeenCalled();
    // Later tests count run notifications from zero.
    fake.state.notifications.length = before;
  });

  it('the tray menu follows the schedules and its Pause, Resume and Run all now drive the scheduler', async () => {
    const created = await invoke('schedules.create', { engine: 'identity', trigger: { kind: 'interval', minutes: 60 } });
    expect(created).toMatchObject({ ok: true });
    // schedules.changed rebuilds the menu (throttled): the next run is named.
    await vi.waitFor(() => expect(tray().item('next')?.label).toMatch(/^Next: Identity at /), { timeout: 5000 });

    const pause = vi.spyOn(shell.core.scheduler, 'pause');
    tray().item('pause-hour')?.click?.();
    expect(pause).toHaveBeenCalledWith(60);
    expect(tray().item('state')?.label).toMatch(/^Paused until \S+/);
    expect(tray().item('next')?.label).toBe('Scheduled runs are paused');
    expect(tray().item('run-all')?.enabled).toBe(false);

    const resume = vi.spyOn(shell.core.scheduler, 'resume');
    tray().item('resume')?.click?.();
    expect(resume).toHaveBeenCalledTimes(1);
    expect(tray().item('state')?.label).toBe('Idle');

    tray().item('pause-forever')?.click?.();
    expect(pause).toHaveBeenLastCalledWith(null);
    expect(tray().item('state')?.label).toBe('Paused until resumed');
    tray().item('resume')?.click?.();

    const runAll = vi.spyOn(shell.core.scheduler, 'runAllNow');
    tray().item('run-all')?.click?.();
    expect(runAll).toHaveBeenCalledTimes(1);
    // The identity schedule fired (trigger "schedule"); with no Supabase connection it fails.
    await vi.waitFor(async () => expect((await shell.core.store.runs.list({ limit: 5, offset: 0 })).items[0]).toMatchObject({ engine: 'identity', trigger: 'schedule', state: 'failed' }), { timeout: 5000 });
  });

  it('a failed scheduled run raises an OS notification; clicking it opens that run in the window', async () => {
    const [failed] = (await shell.core.store.runs.list({ limit: 1, offset: 0 })).items;
    await vi.waitFor(() => expect(fake.state.notifications.length).toBeGreaterThan(0), { timeout: 5000 });
    const notification = fake.state.notifications[0] as InstanceType<typeof fake.FakeNotification>;
    expect(notification.options.title).toMatch(/run failed/);
    expect(notification.show).toHaveBeenCalled();

    const window = mainWindow();
    window.hide();
    window.minimized = true;
    fake.emit(notification.events, 'click');
    expect(window.loadURL).toHaveBeenLastCalledWith(`app://syncwarden/index.html?run=${failed?.id}#/runs`);
    expect(window.restore).toHaveBeenCalled();
    expect(window.show).toHaveBeenCalled();
    expect(window.focus).toHaveBeenCalled();
  });

  it('closing the window hides it and keeps the scheduler and tray; a second launch shows it again', () => {
    const window = mainWindow();
    window.show.mockClear();
    const event = { preventDefault: vi.fn() };
    fake.emit(window.events, 'close', event);
    expect(event.preventDefault).toHaveBeenCalled();
    expect(window.hide).toHaveBeenCalled();
    expect(shell.core.scheduler.isStarted).toBe(true);
    expect(tray().destroy).not.toHaveBeenCalled();
    fake.emit(fake.appEvents, 'second-instance');
    expect(window.show).toHaveBeenCalled();
    expect(window.focus).toHaveBeenCalled();
    expect(fake.state.windows).toHaveLength(1);
  });

  it('Quit from the tray stops the scheduler and the tray and closes the core before the process exits', async () => {
    tray().item('quit')?.click?.();
    expect(fake.app.quit).toHaveBeenCalled();
    const event = { preventDefault: vi.fn() };
    fake.emit(fake.appEvents, 'before-quit', event);
    expect(event.preventDefault).toHaveBeenCalled();
    expect(shell.core.scheduler.isStarted).toBe(false);
    expect(tray().destroy).toHaveBeenCalled();
    await vi.waitFor(() => expect(fake.app.exit).toHaveBeenCalledWith(0));
    // Once quitting, closing the window is no longer turned into hiding.
    const closing = { preventDefault: vi.fn() };
    fake.emit(mainWindow().events, 'close', closing);
    expect(closing.preventDefault).not.toHaveBeenCalled();
  });
});
