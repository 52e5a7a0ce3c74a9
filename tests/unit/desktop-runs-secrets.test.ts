import { hostname } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { IPC_INVOKE_CHANNEL } from '../../core/api/transport';
import type { DesktopShell } from '../../electron/main/desktop';
import { loadDropboxSeed, startDropboxEmulator, type DropboxEmulator } from '../emulators/dropbox/dropbox.emulator';
import { startCrashChild } from '../helpers/crash-runner';
import { makeTempDir } from '../helpers/temp-dir';
import { until } from '../helpers/wait';

/**
 * The hardening of runs and connections, through the Electron IPC host (a
 * mocked `electron`, the real core): a dead CLI run is swept by the running
 * desktop app, cancel of a dead owner's run ends it, headless secrets work and
 * credential-bearing URLs are refused.
 */
const fake = vi.hoisted(() => {
  type Handler = (...args: unknown[]) => unknown;
  const sent: { event: string; payload: unknown }[] = [];
  const ipc = new Map<string, Handler>();
  const state = { userData: '' };
  class FakeWindow {
    webContents = { on: () => {}, setWindowOpenHandler: () => {}, isDestroyed: () => false, send: (_channel: string, event: string, payload: unknown) => sent.push({ event, payload }) };
    static all: FakeWindow[] = [];
    constructor() {
      FakeWindow.all.push(this);
    }
    show() {}
    hide() {}
    focus() {}
    restore() {}
    async loadFile() {}
    async loadURL() {}
    on() {}
    once() {}
    isDestroyed = () => false;
    isMinimized = () => false;
    static getAllWindows = () => FakeWindow.all;
  }
  class FakeTray {
    destroy() {}
    setToolTip() {}
    on() {}
    setContextMenu() {}
  }
  class FakeNotification {
    static isSupported = () => false;
    show() {}
    close() {}
    on() {}
  }
  const app = {
    requestSingleInstanceLock: () => true,
    whenReady: async () => {},
    getPath: () => state.userData,
    getAppPath: () => '/nonexistent-app-root',
    isPackaged: false,
    quit: () => {},
    exit: () => {},
    setLoginItemSettings: () => {},
    getLoginItemSettings: () => ({}),
    getVersion: () => '0.1.0',
    on: () => {},
  };
  return { state, sent, ipc, app, FakeWindow, FakeTray, FakeNotification };
});

vi.mock('electron', () => ({
  app: fake.app,
  BrowserWindow: fake.FakeWindow,
  Tray: fake.FakeTray,
  Notification: fake.FakeNotification,
  Menu: { buildFromTemplate: (template: unknown) => template },
  nativeImage: { createFromPath: () => ({}) },
  ipcMain: { handle: (channel: string, handler: (...args: unknown[]) => unknown) => fake.ipc.set(channel, handler), removeHandler: () => {} },
  session: {
    defaultSession: { webRequest: { onHeadersReceived: () => {} }, setPermissionRequestHandler: () => {}, setPermissionCheckHandler: () => {}, setDevicePermissionHandler: () => {} },
  },
  protocol: { registerSchemesAsPrivileged: () => {}, handle: () => {} },
  shell: { openExternal: () => {} },
}));

const { startDesktop } = await import('../../electron/main/desktop');
const rendererUrl = 'app://syncwarden/index.html';
async function invoke(method: string, input: unknown): Promise<{ ok: boolean; result?: unknown; error?: { code: string; message: string } }> {
  const handler = fake.ipc.get(IPC_INVOKE_CHANNEL);
  if (!handler) throw new Error('no IPC handler');
  return (await handler({ senderFrame: { url: rendererUrl } }, method, input)) as { ok: boolean; result?: unknown; error?: { code: string; message: string } };
}

describe('desktop (IPC host): leases, cancel, headless secrets, URL credentials', () => {
  const dir = makeTempDir();
  const seed = loadDropboxSeed();
  let dropbox: DropboxEmulator;
  let shell: DesktopShell;
  const saved = { ...process.env };
  beforeAll(async () => {
    fake.state.userData = dir.path;
    delete process.env.SYNCWARDEN_HOME;
    // Start at login (off) is applied at startup: on Linux that is the autostart folder, kept in the temp dir.
    process.env.XDG_CONFIG_HOME = join(dir.path, 'xdg');
    // Headless secrets, set before the app starts (as docs/secrets.md says).
    process.env.SYNCWARDEN_SECRETS = 'env';
    process.env.SYNCWARDEN_SECRET_NAME_FILES_APPSECRET = seed.app.secret;
    dropbox = await startDropboxEmulator(seed);
    shell = (await startDesktop()) as DesktopShell;
  });
  afterAll(async () => {
    await shell?.core.close();
    await dropbox?.close();
    process.env = saved;
    dir.remove();
  });

  it('a SIGKILLed CLI run is interrupted by the running desktop app within seconds, and the window hears of it', async () => {
    const crashed = await startCrashChild(dir.path);
    expect(await invoke('runs.get', { id: crashed.runId })).toMatchObject({ ok: true, result: { run: { state: 'running' } } });
    await crashed.kill();
    const killedAt = Date.now();
    const stateOf = async (id: number) => ((await invoke('runs.get', { id })).result as { run?: { state: string } } | undefined)?.run?.state;
    await until(async () => (await stateOf(crashed.runId)) === 'interrupted', 8_000, 'the desktop sweeps the dead run');
    expect(Date.now() - killedAt).toBeLessThan(6_000); // one 2 s beat, not the 15 s lease: same machine, dead pid
    expect(fake.sent.some((m) => m.event === 'run.finished' && (m.payload as { id: number }).id === crashed.runId)).toBe(true);
  }, 60_000);

  it('cancel of a run whose owner is dead ends it at once', async () => {
    const now = new Date();
    const { id } = await shell.core.store.runs.insertQueued({
      engine: 'identity',
      scope: 'all',
      trigger: 'cli',
      params: {},
      ownerPid: 2 ** 22 + 12_345, // above Linux's pid_max default: no such process
      ownerId: `${hostname()}/dead/1`,
      ownerHost: hostname(),
      leaseExpiresAt: new Date(now.getTime() + 60_000).toISOString(),
      now: now.toISOString(),
    });
    expect(await invoke('runs.cancel', { id })).toMatchObject({ ok: true, result: { id, state: 'interrupted', cancelRequested: false } });
  });

  it('with SYNCWARDEN_SECRETS=env a connection is created, listed and tested without typing a secret', async () => {
    expect(await invoke('app.info', {})).toMatchObject({ ok: true, result: { secretStore: 'env' } });
    const created = await invoke('connections.create', { kind: 'dropbox', name: 'Files', config: { appKey: seed.app.key, baseUrl: dropbox.url } });
    expect(created).toMatchObject({ ok: true, result: { secrets: { appSecret: { hasSecret: true } } } });
    const id = (created.result as { id: number }).id;
    expect(await invoke('connections.test', { id })).toMatchObject({ ok: true, result: { ok: true, status: 'ok' } });
    expect(JSON.stringify(await invoke('connections.list', {}))).not.toContain(seed.app.secret);
    const refused = await invoke('connections.update', { id, name: 'Renamed' });
    expect(refused).toMatchObject({ ok: false, error: { code: 'invalid-input', message: expect.stringContaining('SYNCWARDEN_SECRET_NAME_RENAMED_APPSECRET') } });
    expect((await shell.core.store.connections.get(id))?.name).toBe('Files');
  });

  it('a PostgreSQL URL with a password in its query string is refused and never stored', async () => {
    const response = await invoke('connections.create', { kind: 'appdb', name: 'Db', config: { driver: 'postgres', url: 'postgres://127.0.0.1/app?sslpassword=x&password=hunter2' } });
    expect(response).toMatchObject({ ok: false, error: { code: 'invalid-input', message: expect.stringContaining('leave the password out of the URL') } });
    expect(JSON.stringify(await invoke('connections.list', {}))).not.toContain('hunter2');
  });
});
