import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { CallResult } from '../../core/api/errors';
import { MAX_FINDING_IDS, MAX_INPUT_BYTES } from '../../core/api/limits';
import { IPC_EVENT_CHANNEL, IPC_INVOKE_CHANNEL } from '../../core/api/transport';
import { snapshotStore } from '../helpers/contract-fuzz';
import { createTestApp, type TestApp } from '../helpers/test-app';

/**
 * The Electron IPC host holds the WebSocket host's invariants (DESIGN §4.11),
 * against the mocked electron module: bad, oversize and non-JSON inputs and
 * unknown methods get typed errors and change nothing; only the top frame of
 * our renderer may call; a window that fails to take an event does not stop
 * the others.
 */
type Frame = { url: string; parent?: unknown } | null;
type InvokeHandler = (event: { senderFrame: Frame }, ...args: unknown[]) => Promise<CallResult<unknown>>;
const handlers = vi.hoisted(() => new Map<string, InvokeHandler>());
vi.mock('electron', () => ({
  ipcMain: {
    handle: (channel: string, handler: InvokeHandler) => handlers.set(channel, handler),
    removeHandler: (channel: string) => handlers.delete(channel),
  },
}));
const { registerIpcHost } = await import('../../electron/main/ipc-host');

const TRUSTED = 'file:///app/out/renderer/index.html';
const top: Frame = { url: TRUSTED, parent: null };

describe('IPC host invariants', () => {
  let app: TestApp;
  let unregister: () => void;
  const received: unknown[] = [];
  const windows = [
    { isDestroyed: () => false, send: () => { throw new Error('Render frame was disposed'); } },
    { isDestroyed: () => false, send: (channel: string, event: string) => received.push([channel, event]) },
  ];
  const invoke = (frame: Frame, ...args: unknown[]) => (handlers.get(IPC_INVOKE_CHANNEL) as InvokeHandler)({ senderFrame: frame }, ...args);

  beforeEach(async () => {
    app = await createTestApp();
    unregister = registerIpcHost({ app, isTrustedSender: (event) => event.senderFrame?.url === TRUSTED, targets: () => windows as never });
  });
  afterEach(async () => {
    unregister();
    await app.dispose();
  });

  it('a subframe showing our own renderer file is refused, like a foreign or detached frame', async () => {
    const before = snapshotStore(app.store);
    const parent = { url: TRUSTED, parent: null };
    for (const frame of [{ url: TRUSTED, parent }, { url: 'https://evil.example/', parent: null }, null]) {
      expect(await invoke(frame, 'runs.start', { engine: 'demo', params: {} })).toMatchObject({ ok: false, error: { code: 'unauthorized' } });
    }
    expect(snapshotStore(app.store)).toBe(before);
    expect(await invoke(top, 'app.info', {})).toMatchObject({ ok: true });
  });

  it('unknown methods, wrong argument shapes and bad inputs get typed errors and change nothing', async () => {
    const before = snapshotStore(app.store);
    expect(await invoke(top, 'runs.destroyEverything', {})).toMatchObject({ ok: false, error: { code: 'unknown-method' } });
    expect(await invoke(top, 42, {})).toMatchObject({ ok: false, error: { code: 'unknown-method' } });
    expect(await invoke(top, { toString: () => 'app.info' }, {})).toMatchObject({ ok: false, error: { code: 'unknown-method' } });
    expect(await invoke(top)).toMatchObject({ ok: false, error: { code: 'unknown-method' } });
    expect(await invoke(top, 'runs.start', 'demo')).toMatchObject({ ok: false, error: { code: 'invalid-input' } });
    expect(await invoke(top, 'runs.start', { engine: 'demo', params: { items: -1 } })).toMatchObject({ ok: false, error: { code: 'invalid-input' } });
    expect(await invoke(top, 'runs.start', JSON.parse('{"engine":"demo","__proto__":{"polluted":true}}'))).toMatchObject({ ok: false, error: { code: 'invalid-input' } });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(snapshotStore(app.store)).toBe(before);
  });

  it('oversize and non-JSON inputs (what structured clone carries) are refused before validation', async () => {
    const before = snapshotStore(app.store);
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    const inputs = [
      { search: 'x'.repeat(MAX_INPUT_BYTES + 1) },
      { engine: 'identity', params: { mode: 'repair', findingIds: Array.from({ length: 200_000 }, (_, i) => i + 1) } },
      cyclic,
      { id: 1n },
    ];
    for (const input of inputs) {
      const response = await invoke(top, 'runs.list', input);
      expect(response).toMatchObject({ ok: false, error: { code: 'invalid-input' } });
    }
    const tooManyIds = await invoke(top, 'runs.start', { engine: 'identity', params: { mode: 'repair', findingIds: Array.from({ length: MAX_FINDING_IDS + 1 }, (_, i) => i + 1) } });
    expect(tooManyIds).toMatchObject({ ok: false, error: { code: 'invalid-input' } });
    expect(snapshotStore(app.store)).toBe(before);
    expect(await invoke(top, 'app.info', {})).toMatchObject({ ok: true });
  });

  it('a window that throws on send does not keep events from the others', async () => {
    received.length = 0;
    expect(await invoke(top, 'settings.update', { theme: 'dark' })).toMatchObject({ ok: true });
    expect(received).toContainEqual([IPC_EVENT_CHANNEL, 'settings.changed']);
  });

  it('a sender check that throws (a frame destroyed mid-call) is a typed error, not a rejected invoke', async () => {
    unregister();
    unregister = registerIpcHost({
      app,
      isTrustedSender: () => {
        throw new Error('Object has been destroyed');
      },
      targets: () => [],
    });
    expect(await invoke(top, 'app.info', {})).toMatchObject({ ok: false, error: { code: 'internal' } });
  });
});
