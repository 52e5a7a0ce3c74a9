import { mkdirSync, writeFileSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { startBrowserServer } from '../../core/server/browser-server';
import { MAX_CALLS_IN_FLIGHT } from '../../core/server/ws-host';
import { connectWsBridge } from '../contract/ws-bridge';
import { createTestApp } from '../helpers/test-app';
import { makeTempDir } from '../helpers/temp-dir';

/**
 * s26i (outside reviewer): MAX_CALLS_IN_FLIGHT assumes every call ends within seconds ("a connection test
 * against a service that never answers holds an outbound socket for up to 10 s"). An appdb (PostgreSQL)
 * connection test has no query timeout: connectionTimeoutMillis bounds the handshake only. A product database
 * that completes the handshake and then does not answer (PgBouncer waiting for a server connection, a
 * silently dropped path) keeps the probe in flight forever. 16 of them (the console's "Test all" over 16
 * connections, or a few clicks) and the client's every later call, runs.cancel included, waits behind them
 * for ever: the console's one WebSocket is dead until reloaded. Before the cap the other calls were answered.
 */

/** Answers the startup with AuthenticationOk + ReadyForQuery, then reads every query and never answers. */
function silentPostgres(sockets: Set<Socket>): Server {
  return createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
    let greeted = false;
    socket.on('data', () => {
      if (greeted) return;
      greeted = true;
      const auth = Buffer.from([0x52, 0, 0, 0, 8, 0, 0, 0, 0]); // 'R' AuthenticationOk
      const ready = Buffer.from([0x5a, 0, 0, 0, 5, 0x49]); // 'Z' ReadyForQuery (idle)
      socket.write(Buffer.concat([auth, ready]));
    });
  });
}

describe('s26i: a client whose 16 calls never end', () => {
  const sockets = new Set<Socket>();
  let pg: Server | undefined;
  afterEach(async () => {
    for (const s of sockets) s.destroy();
    await new Promise((resolve) => (pg ? pg.close(resolve) : resolve(undefined)));
  });

  for (const [label, method, input] of [
    ['appdb connection tests', 'connections.test', (_n: number) => ({ id: 1 })],
    ['user searches (one per keystroke)', 'users.search', (n: number) => ({ query: `ada${n}` })],
  ] as const) {
  it(`after ${MAX_CALLS_IN_FLIGHT} ${label} against a database that stopped answering, the same client's next call is still answered`, { timeout: 60_000 }, async () => {
    pg = silentPostgres(sockets);
    await new Promise<void>((resolve) => pg?.listen(0, '127.0.0.1', resolve));
    const pgPort = (pg.address() as { port: number }).port;
    const renderer = makeTempDir('syncwarden-renderer-');
    mkdirSync(renderer.path, { recursive: true });
    writeFileSync(join(renderer.path, 'index.html'), '<!doctype html><title>Syncwarden</title>');
    const app = await createTestApp();
    const server = await startBrowserServer({ app, rendererDir: renderer.path, port: 0 });
    const bridge = await connectWsBridge(`ws://127.0.0.1:${server.port}/ws?token=${server.token}`, `http://127.0.0.1:${server.port}`);
    const tab = new WebSocket(`ws://127.0.0.1:${server.port}/ws?token=${server.token}`, { origin: `http://127.0.0.1:${server.port}` });
    try {
      const created = await bridge.invoke('connections.create', {
        kind: 'appdb',
        name: 'Product',
        config: { driver: 'postgres', url: `postgres://app@127.0.0.1:${pgPort}/app`, sslMode: 'disable' },
        secrets: { password: 'pw' },
      });
      expect(created).toMatchObject({ ok: true });
      await new Promise<void>((resolve, reject) => (tab.once('open', () => resolve()), tab.once('error', reject)));
      const answered = new Map<number, unknown>();
      tab.on('message', (data) => {
        const frame = JSON.parse(data.toString()) as { type: string; id?: number; response?: unknown };
        if (frame.type === 'result' && frame.id !== undefined) answered.set(frame.id, frame.response);
      });
      // "Test all" over 16 connections, or the same one clicked 16 times: each waits on the silent database.
      for (let id = 1; id <= MAX_CALLS_IN_FLIGHT; id++) tab.send(JSON.stringify({ type: 'call', id, method, input: input(id) }));
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      const quick = 1_000;
      tab.send(JSON.stringify({ type: 'call', id: quick, method: 'runs.list', input: {} }));
      const started = Date.now();
      // The product's own probe bound is 10 s (PROBE_TIMEOUT_MS); give it 25.
      while (!answered.has(quick) && Date.now() - started < 25_000) await new Promise((resolve) => setTimeout(resolve, 100));
      console.log(`probes answered: ${[...answered.keys()].filter((id) => id !== quick).length}; quick call answered after ${Date.now() - started} ms: ${answered.has(quick)}`);
      // Another client is unaffected (per-client cap).
      expect(await bridge.invoke('app.info', {})).toMatchObject({ ok: true });
      expect(answered.has(quick)).toBe(true);
    } finally {
      tab.terminate();
      bridge.close();
      for (const s of sockets) s.destroy();
      await server.close();
      await app.dispose();
      renderer.remove();
    }
  });
  }
});
