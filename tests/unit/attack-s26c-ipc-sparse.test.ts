import { deserialize, serialize } from 'node:v8';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { CallResult } from '../../core/api/errors';
import { IPC_INVOKE_CHANNEL } from '../../core/api/transport';
import { createTestApp, type TestApp } from '../helpers/test-app';

/**
 * Outside review (issue #16): the IPC host's size check is `jsonBytes(input)`, i.e. JSON.stringify of the whole
 * input BEFORE it knows the size. Structured clone (what Electron's IPC uses, modelled here with v8.serialize,
 * the same V8 ValueSerializer) carries sparse arrays and typed arrays compactly: a 20-byte message holding
 * `a[3e7 - 1] = 1` becomes ~150 M characters of "null," in the main process, and a few MB of Uint8Array
 * ~10 characters per byte. The main process stalls for seconds (a sparse length 1e8: ~6 s and ~1.7 GB RSS;
 * near 2^32: past the 15 s run lease, so other processes interrupt this host's live runs) before refusing.
 * A refusal of an oversize input must cost about what the wire carried, not what JSON would expand it to.
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
/** What the main process receives for a value the renderer sends (structured clone). */
const cloned = <T>(value: T): T => deserialize(serialize(value)) as T;

describe('IPC host: a small structured-clone message cannot stall the main process', () => {
  let app: TestApp;
  let unregister: () => void;
  const invoke = (...args: unknown[]) => (handlers.get(IPC_INVOKE_CHANNEL) as InvokeHandler)({ senderFrame: top }, ...args);
  beforeEach(async () => {
    app = await createTestApp();
    unregister = registerIpcHost({ app, isTrustedSender: (event) => event.senderFrame?.url === TRUSTED, targets: () => [] });
  });
  afterEach(async () => {
    unregister();
    await app.dispose();
  });

  it('a sparse array of length 3e7 (a 20-byte message) is refused in well under a second', async () => {
    const sparse: unknown[] = [];
    sparse[30_000_000 - 1] = 1;
    const input = cloned({ engine: 'demo', params: { items: 1, list: sparse } });
    expect(serialize(input).length).toBeLessThan(100);
    const started = performance.now();
    const answer = await invoke('runs.start', input);
    const elapsed = performance.now() - started;
    expect(answer).toMatchObject({ ok: false, error: { code: 'invalid-input' } });
    expect(elapsed).toBeLessThan(300);
  });

  it('a 4 MB Uint8Array is refused in well under a second', async () => {
    const input = cloned({ search: new Uint8Array(4 * 1024 * 1024) });
    const started = performance.now();
    const answer = await invoke('runs.list', input);
    const elapsed = performance.now() - started;
    expect(answer).toMatchObject({ ok: false, error: { code: 'invalid-input' } });
    expect(elapsed).toBeLessThan(300);
  });
});
