import { describe, expect, it, vi } from 'vitest';
import type { SyncwardenBridge } from '../../core/api/transport';
import { IPC_EVENT_CHANNEL, IPC_INVOKE_CHANNEL } from '../../core/api/transport';

const fake = vi.hoisted(() => ({
  exposed: new Map<string, unknown>(),
  invoke: vi.fn(async () => ({ ok: true, result: 'from main' })),
  listeners: new Map<string, Set<(...args: unknown[]) => void>>(),
}));
vi.mock('electron', () => ({
  contextBridge: { exposeInMainWorld: (key: string, api: unknown) => fake.exposed.set(key, api) },
  ipcRenderer: {
    invoke: fake.invoke,
    on: (channel: string, listener: (...args: unknown[]) => void) => {
      if (!fake.listeners.has(channel)) fake.listeners.set(channel, new Set());
      fake.listeners.get(channel)?.add(listener);
    },
    removeListener: (channel: string, listener: (...args: unknown[]) => void) => fake.listeners.get(channel)?.delete(listener),
  },
}));

await import('../../electron/preload/index');
const bridge = fake.exposed.get('syncwarden') as SyncwardenBridge;

describe('preload bridge', () => {
  it('exposes exactly invoke and on, under one global name', () => {
    expect([...fake.exposed.keys()]).toEqual(['syncwarden']);
    expect(Object.keys(bridge).sort()).toEqual(['invoke', 'on']);
  });

  it('forwards contract methods over the invoke channel and refuses other names locally', async () => {
    expect(await bridge.invoke('runs.list', { limit: 5 })).toEqual({ ok: true, result: 'from main' });
    expect(fake.invoke).toHaveBeenCalledWith(IPC_INVOKE_CHANNEL, 'runs.list', { limit: 5 });
    expect(await bridge.invoke('fs.readFile', '/etc/passwd')).toMatchObject({ ok: false, error: { code: 'unknown-method' } });
    expect(fake.invoke).toHaveBeenCalledTimes(1);
  });

  it('delivers only the subscribed contract event, and unsubscribes', () => {
    const got: unknown[] = [];
    const off = bridge.on('run.progress', (payload) => got.push(payload));
    const emit = (name: string, payload: unknown) => fake.listeners.get(IPC_EVENT_CHANNEL)?.forEach((l) => l({}, name, payload));
    emit('run.progress', { percent: 5 });
    emit('run.finished', { id: 1 });
    off();
    emit('run.progress', { percent: 6 });
    expect(got).toEqual([{ percent: 5 }]);
    expect(() => bridge.on('ipc.anything', () => {})).toThrow(/Unknown event/);
  });
});
