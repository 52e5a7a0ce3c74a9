import { mkdirSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { Socket } from 'node:net';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { startBrowserServer } from '../../core/server/browser-server';
import { connectWsBridge } from '../contract/ws-bridge';
import { createTestApp } from '../helpers/test-app';
import { makeTempDir } from '../helpers/temp-dir';

/**
 * s26f (outside reviewer): one authenticated client sends many slow `connections.test` calls and never waits
 * for them. ws-host.ts paces calls only by the bytes of answers waiting to be written (ANSWER_BUFFER_BYTES) and
 * by frames not yet dispatched (MAX_QUEUED_CALLS); a call that waits for a service "does not hold the line", so
 * nothing bounds how many such calls one client has in flight. Each probe holds an outbound socket (and its
 * fetch state) for PROBE_TIMEOUT_MS: one client turns into thousands of file descriptors and sockets in serve.
 */
describe('s26f: slow connection tests from one client', () => {
  let hanging: Server | undefined;
  const sockets = new Set<Socket>();
  afterEach(async () => {
    for (const s of sockets) s.destroy();
    hanging?.closeAllConnections();
    await new Promise((resolve) => hanging?.close(resolve));
  });

  it('one client cannot hold more than a bounded number of probes (outbound sockets) at once', { timeout: 60_000 }, async () => {
    let peak = 0;
    hanging = createServer(() => undefined); // accepts, reads, never answers
    hanging.on('connection', (s) => {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
      peak = Math.max(peak, sockets.size);
    });
    await new Promise<void>((resolve) => hanging?.listen(0, '127.0.0.1', resolve));
    const hangingPort = (hanging.address() as { port: number }).port;
    const renderer = makeTempDir('syncwarden-renderer-');
    mkdirSync(renderer.path, { recursive: true });
    writeFileSync(join(renderer.path, 'index.html'), '<!doctype html><title>Syncwarden</title>');
    const app = await createTestApp();
    const server = await startBrowserServer({ app, rendererDir: renderer.path, port: 0 });
    const bridge = await connectWsBridge(`ws://127.0.0.1:${server.port}/ws?token=${server.token}`, `http://127.0.0.1:${server.port}`);
    const flood = new WebSocket(`ws://127.0.0.1:${server.port}/ws?token=${server.token}`, { origin: `http://127.0.0.1:${server.port}` });
    try {
      const created = await bridge.invoke('connections.create', { kind: 'dropbox', name: 'Stuck', config: { appKey: 'k', baseUrl: `http://127.0.0.1:${hangingPort}` }, secrets: { appSecret: 's' } });
      expect(created).toMatchObject({ ok: true });
      await new Promise<void>((resolve, reject) => (flood.once('open', () => resolve()), flood.once('error', reject)));
      const CALLS = 2_000;
      for (let id = 1; id <= CALLS; id++) flood.send(JSON.stringify({ type: 'call', id, method: 'connections.test', input: { id: 1 } }));
      const started = Date.now();
      while (Date.now() - started < 5_000) await new Promise((resolve) => setTimeout(resolve, 100));
      const heap = process.memoryUsage();
      console.log(`peak probes in flight from one client: ${peak}; rss ${(heap.rss / 1e6).toFixed(0)} MB`);
      const t = Date.now();
      expect(await bridge.invoke('app.info', {})).toMatchObject({ ok: true });
      console.log(`app.info took ${Date.now() - t} ms`);
      // A bound of the order of the product's own pools (16 probes per account, docs/performance.md), not thousands.
      expect(peak).toBeLessThanOrEqual(64);
    } finally {
      flood.terminate();
      bridge.close();
      await server.close();
      await app.dispose();
      renderer.remove();
    }
  });
});
