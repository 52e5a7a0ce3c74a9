import dns from 'node:dns';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { CallResult } from '../../core/api/errors';
import { METHOD_NAMES, type MethodName } from '../../core/api/names';
import { IPC_INVOKE_CHANNEL } from '../../core/api/transport';
import { startBrowserServer, type BrowserServer } from '../../core/server/browser-server';
import { connectWsBridge } from '../contract/ws-bridge';
import { checkResponse, fuzzInputs, nonJsonInputs, READ_ONLY_METHODS, snapshotStore } from '../helpers/contract-fuzz';
import { Prng } from '../helpers/prng';
import { largestValue } from '../helpers/schema-walk';
import { createEngineRegistry } from '../../core/engines/registry';
import { makeTempDir } from '../helpers/temp-dir';
import { createTestApp, type TestApp } from '../helpers/test-app';
import { until } from '../helpers/wait';

/**
 * Random and boundary inputs to EVERY contract method, over the WebSocket host
 * and over the Electron IPC host (mocked electron): each call gets a typed
 * error (never `internal`) or a result matching the declared output, the host
 * stays up, and read-only methods leave every table of the store as it was.
 * Fixed seed, bounded count: the same few hundred calls on every run.
 */
type InvokeHandler = (event: { senderFrame: { url: string; parent?: unknown } | null }, ...args: unknown[]) => Promise<CallResult<unknown>>;
const handlers = vi.hoisted(() => new Map<string, InvokeHandler>());
vi.mock('electron', () => ({
  ipcMain: {
    handle: (channel: string, handler: InvokeHandler) => handlers.set(channel, handler),
    removeHandler: (channel: string) => handlers.delete(channel),
  },
}));
const { registerIpcHost } = await import('../../electron/main/ipc-host');

const SEED = 0x5eed16;
/** runs.start also starts from each engine's largest valid params (a repair by the most finding ids, …). */
const ENGINE_BASES = createEngineRegistry({ withDemoEngine: true })
  .list()
  .filter((engine) => engine.id !== 'demo' && engine.id !== 'sheet-import')
  .map((engine) => ({ engine: engine.id, params: largestValue(engine.params) }));
/** connections.create also starts from one working connection of each kind, all pointing at 127.0.0.1:1 (nothing listens). */
const LOOPBACK = 'http://127.0.0.1:1';
const CONNECTION_BASES = [
  { kind: 'appdb', name: 'fuzz', config: { driver: 'sqlite', path: '/nonexistent/fuzz.db' } },
  { kind: 'appdb', name: 'fuzz-pg', config: { driver: 'postgres', url: 'postgres://fuzz@127.0.0.1:1/app' }, secrets: { password: 'p' } },
  { kind: 'google', name: 'fuzz', config: { clientId: 'c', rootUrl: LOOPBACK, tokenUrl: `${LOOPBACK}/token` }, secrets: { clientSecret: 's' } },
  { kind: 'dropbox', name: 'fuzz', config: { appKey: 'k', baseUrl: LOOPBACK }, secrets: { appSecret: 's' } },
  { kind: 'cloudinary', name: 'fuzz', config: { cloudName: 'c', apiKey: 'k', apiBaseUrl: LOOPBACK }, secrets: { apiSecret: 's' } },
  { kind: 'supabase', name: 'fuzz', config: { url: LOOPBACK }, secrets: { serviceRoleKey: 'k' } },
];
const basesFor = (method: MethodName) => (method === 'runs.start' ? ENGINE_BASES : method === 'connections.create' ? CONNECTION_BASES : []);
const READ_ONLY_CALLS = 12;
const CALLS_PER_METHOD = 10;
const TRUSTED = 'file:///app/out/renderer/index.html';

// Fuzzed connections could name any host: only loopback may be resolved (tests never leave 127.0.0.1).
const realLookup = dns.lookup;
beforeAll(() => {
  (dns as { lookup: unknown }).lookup = (host: string, ...rest: unknown[]) => {
    const callback = rest[rest.length - 1] as (error: Error) => void;
    if (host === 'localhost' || host.startsWith('127.')) return (realLookup as (...args: unknown[]) => void)(host, ...rest);
    process.nextTick(() => callback(Object.assign(new Error(`fuzz: no network for ${host}`), { code: 'ENOTFOUND' })));
  };
});
afterAll(() => {
  (dns as { lookup: unknown }).lookup = realLookup;
});

type Invoke = (method: string, input: unknown) => Promise<CallResult<unknown>>;

function withTimeout(invoke: Invoke): Invoke {
  return (method, input) =>
    Promise.race([
      invoke(method, input),
      new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`${method}: no answer in 10 s (host down?)`)), 10_000).unref()),
    ]);
}

/** Some history so read-only methods have rows to read: a finished demo run with findings, a schedule, a setting. */
async function seed(app: TestApp, invoke: Invoke): Promise<void> {
  const started = await invoke('runs.start', { engine: 'demo', params: { items: 3000, findingEvery: 500 } });
  expect(started).toMatchObject({ ok: true });
  const runId = (started as { result: { runId: number } }).result.runId;
  await until(async () => (await app.store.runs.get(runId))?.state === 'succeeded', 10_000, 'the seed run');
  expect(await invoke('schedules.create', { engine: 'demo', trigger: { kind: 'interval', minutes: 30 } })).toMatchObject({ ok: true });
  expect(await invoke('settings.update', { findingsRetentionDays: 30 })).toMatchObject({ ok: true });
}

async function cancelActiveRuns(app: TestApp, invoke: Invoke): Promise<void> {
  const active = (await app.store.runs.list({ states: ['queued', 'running'], limit: 500, offset: 0 })).items;
  for (const run of active) await invoke('runs.cancel', { id: run.id });
  await until(async () => (await app.store.runs.list({ states: ['queued', 'running'], limit: 1, offset: 0 })).total === 0, 20_000, 'active runs to end');
}

function fuzzSuite(hostName: string, open: () => Promise<{ app: TestApp; invoke: Invoke; alive: () => Promise<void>; close: () => Promise<void> }>, extraInputs: unknown[] = []) {
  describe(`contract fuzz over ${hostName}`, () => {
    let host: Awaited<ReturnType<typeof open>>;
    beforeAll(async () => {
      host = await open();
      await seed(host.app, host.invoke);
    });
    afterAll(async () => {
      await cancelActiveRuns(host.app, host.invoke);
      await host.close();
    });

    it('read-only methods: typed answers, and not one row of the store changes', async () => {
      const prng = new Prng(SEED);
      const problems: string[] = [];
      let calls = 0;
      for (const method of METHOD_NAMES.filter((m) => READ_ONLY_METHODS.has(m))) {
        for (const input of [...fuzzInputs(method, prng, READ_ONLY_CALLS), ...extraInputs]) {
          const before = snapshotStore(host.app.store);
          const response = await host.invoke(method, input);
          calls++;
          const problem = checkResponse(method, response);
          if (problem) problems.push(`${method} ${JSON.stringify(input)?.slice(0, 120)}: ${problem}`);
          if (snapshotStore(host.app.store) !== before) problems.push(`${method} ${JSON.stringify(input)?.slice(0, 120)}: changed the store`);
        }
      }
      expect(problems).toEqual([]);
      expect(calls).toBeGreaterThan(200);
      await host.alive();
    }, 60_000);

    it('every method: typed answers, the host stays up, runs it starts can be cancelled', async () => {
      const prng = new Prng(SEED + 1);
      const problems: string[] = [];
      const byMethod = new Map<MethodName, number>();
      for (const method of METHOD_NAMES) {
        for (const input of [...fuzzInputs(method, prng, CALLS_PER_METHOD, basesFor(method)), ...extraInputs]) {
          const response = await host.invoke(method, input);
          byMethod.set(method, (byMethod.get(method) ?? 0) + 1);
          const problem = checkResponse(method, response);
          if (problem) problems.push(`${method} ${JSON.stringify(input)?.slice(0, 120)}: ${problem}`);
        }
        await cancelActiveRuns(host.app, host.invoke);
      }
      expect(problems).toEqual([]);
      expect([...byMethod.keys()].sort()).toEqual([...METHOD_NAMES].sort());
      expect(({} as Record<string, unknown>).polluted).toBeUndefined();
      await host.alive();
    }, 120_000);
  });
}

fuzzSuite('WebSocket (browser mode)', async () => {
  const renderer = makeTempDir('syncwarden-renderer-');
  mkdirSync(renderer.path, { recursive: true });
  writeFileSync(join(renderer.path, 'index.html'), '<!doctype html>');
  const app = await createTestApp();
  const server: BrowserServer = await startBrowserServer({ app, rendererDir: renderer.path, port: 0 });
  const url = `ws://127.0.0.1:${server.port}/ws?token=${server.token}`;
  const origin = `http://127.0.0.1:${server.port}`;
  const bridge = await connectWsBridge(url, origin);
  return {
    app,
    invoke: withTimeout((method, input) => bridge.invoke(method, input)),
    async alive() {
      const fresh = await connectWsBridge(url, origin);
      expect(await fresh.invoke('app.info', {})).toMatchObject({ ok: true });
      fresh.close();
      expect(await bridge.invoke('app.info', {})).toMatchObject({ ok: true });
    },
    async close() {
      bridge.close();
      await server.close();
      await app.dispose();
      renderer.remove();
    },
  };
});

fuzzSuite(
  'Electron IPC (mocked electron)',
  async () => {
    const app = await createTestApp();
    const unregister = registerIpcHost({ app, isTrustedSender: (event) => event.senderFrame?.url === TRUSTED, targets: () => [] });
    const invoke: Invoke = (method, input) => {
      const handler = handlers.get(IPC_INVOKE_CHANNEL);
      if (!handler) throw new Error('no IPC handler registered');
      return handler({ senderFrame: { url: TRUSTED, parent: null } }, method, input);
    };
    return {
      app,
      invoke: withTimeout(invoke),
      async alive() {
        expect(await invoke('app.info', {})).toMatchObject({ ok: true });
      },
      async close() {
        unregister();
        await app.dispose();
      },
    };
  },
  nonJsonInputs(),
);
