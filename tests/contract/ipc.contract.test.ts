import { describe, expect, it, vi } from 'vitest';
import type { CallResult } from '../../core/api/errors';
import { isEventName } from '../../core/api/names';
import { IPC_EVENT_CHANNEL, IPC_INVOKE_CHANNEL, type SyncwardenBridge } from '../../core/api/transport';
import { createTestApp } from '../helpers/test-app';
import { describeContract } from './contract-suite';

type InvokeHandler = (event: { senderFrame: { url: string } | null }, ...args: unknown[]) => Promise<CallResult<unknown>>;

// The real `electron` module must never load in Node tests: only ipcMain is needed here.
const handlers = vi.hoisted(() => new Map<string, InvokeHandler>());
vi.mock('electron', () => ({
  ipcMain: {
    handle: (channel: string, handler: InvokeHandler) => handlers.set(channel, handler),
    removeHandler: (channel: string) => handlers.delete(channel),
  },
}));

const { registerIpcHost } = await import('../../electron/main/ipc-host');
const TRUSTED = 'file:///app/out/renderer/index.html';

/** Plays the preload's part: forwards invoke and on over the mocked IPC. */
async function ipcHarness() {
  const app = await createTestApp();
  const listeners = new Set<{ event: string; listener: (payload: unknown) => void }>();
  const contents = {
    isDestroyed: () => false,
    send: (channel: string, event: string, payload: unknown) => {
      if (channel !== IPC_EVENT_CHANNEL) return;
      for (const l of listeners) if (l.event === event) l.listener(payload);
    },
  };
  const unregister = registerIpcHost({
    app,
    isTrustedSender: (event) => event.senderFrame?.url === TRUSTED,
    targets: () => [contents as never],
  });
  const invokeAs = (url: string | null, method: string, input: unknown) => {
    const handler = handlers.get(IPC_INVOKE_CHANNEL);
    if (!handler) throw new Error('no IPC handler registered');
    return handler({ senderFrame: url === null ? null : { url } }, method, input);
  };
  const bridge: SyncwardenBridge = {
    invoke: (method, input) => invokeAs(TRUSTED, method, input),
    on(event, listener) {
      if (!isEventName(event)) throw new Error(`Unknown event ${JSON.stringify(event)}.`);
      const entry = { event, listener };
      listeners.add(entry);
      return () => listeners.delete(entry);
    },
  };
  return {
    app,
    bridge,
    invokeAs,
    async close() {
      unregister();
      await app.dispose();
    },
  };
}

describeContract('Electron IPC (mocked electron)', async () => ipcHarness());

describe('IPC host security', () => {
  it('refuses calls from frames that are not our renderer, and from detached frames', async () => {
    const host = await ipcHarness();
    try {
      expect(await host.invokeAs('https://evil.example/', 'runs.list', {})).toMatchObject({ ok: false, error: { code: 'unauthorized' } });
      expect(await host.invokeAs(null, 'app.info', {})).toMatchObject({ ok: false, error: { code: 'unauthorized' } });
      expect(await host.invokeAs('https://evil.example/', 'runs.start', { engine: 'demo', params: {} })).toMatchObject({ ok: false });
      expect((await host.app.store.runs.list({ limit: 5, offset: 0 })).total).toBe(0);
    } finally {
      await host.close();
    }
  });

  it('removes its handler when unregistered', async () => {
    const host = await ipcHarness();
    await host.close();
    expect(handlers.has(IPC_INVOKE_CHANNEL)).toBe(false);
  });
});
