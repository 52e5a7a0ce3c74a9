import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBrowserServer, type BrowserServer } from '../../core/server/browser-server';
import { connectWsBridge } from '../contract/ws-bridge';
import { rawConnect, readAll } from '../helpers/raw-ws';
import { makeTempDir } from '../helpers/temp-dir';
import { createTestApp, type TestApp } from '../helpers/test-app';

/**
 * Request targets Node's HTTP parser accepts but WHATWG URL cannot resolve
 * (`//[` is a scheme-relative URL with a broken IPv6 host). Any local process
 * can send one with the right Host header and no token; the server must answer
 * 400 and stay up, on a plain request and on an upgrade alike.
 */
let app: TestApp;
let server: BrowserServer;

beforeAll(async () => {
  const renderer = makeTempDir('syncwarden-renderer-');
  mkdirSync(renderer.path, { recursive: true });
  writeFileSync(join(renderer.path, 'index.html'), '<!doctype html><title>Syncwarden</title>');
  app = await createTestApp();
  server = await startBrowserServer({ app, rendererDir: renderer.path, port: 0 });
});

afterAll(async () => {
  await server.close();
  await app.dispose();
});

async function send(request: string): Promise<string> {
  const socket = await rawConnect(server.port);
  socket.write(request);
  return (await readAll(socket, 2000)).toString('latin1');
}

const TARGETS = ['//[', '//[::1', '//a%zz:99999/', 'http://[/ws'];

describe('serve survives request targets URL cannot parse', () => {
  for (const target of TARGETS) {
    it(`GET ${target} is answered 400, and the server keeps serving`, async () => {
      const answer = await send(`GET ${target} HTTP/1.1\r\nHost: 127.0.0.1:${server.port}\r\nConnection: close\r\n\r\n`);
      expect(answer).toMatch(/^HTTP\/1\.1 400/);
      const client = await connectWsBridge(`ws://127.0.0.1:${server.port}/ws?token=${server.token}`, `http://127.0.0.1:${server.port}`);
      expect(await client.invoke('app.info', {})).toMatchObject({ ok: true });
      client.close();
    });

    it(`an upgrade to ${target} is refused 400, and the server keeps serving`, async () => {
      const answer = await send(
        [
          `GET ${target} HTTP/1.1`,
          `Host: 127.0.0.1:${server.port}`,
          'Upgrade: websocket',
          'Connection: Upgrade',
          'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==',
          'Sec-WebSocket-Version: 13',
          '',
          '',
        ].join('\r\n'),
      );
      expect(answer).toMatch(/^HTTP\/1\.1 400/);
      const client = await connectWsBridge(`ws://127.0.0.1:${server.port}/ws?token=${server.token}`, `http://127.0.0.1:${server.port}`);
      expect(await client.invoke('app.info', {})).toMatchObject({ ok: true });
      client.close();
    });
  }
});

describe('serve stops promptly whatever a local process holds open', () => {
  it('a half-sent request does not hold close() until the headers timeout', { timeout: 20_000 }, async () => {
    const renderer = makeTempDir('syncwarden-renderer-');
    mkdirSync(renderer.path, { recursive: true });
    writeFileSync(join(renderer.path, 'index.html'), '<!doctype html><title>Syncwarden</title>');
    const own = await createTestApp();
    const stopping = await startBrowserServer({ app: own, rendererDir: renderer.path, port: 0 });
    const held = await rawConnect(stopping.port);
    held.on('error', () => {});
    held.write(`GET / HTTP/1.1\r\nHost: 127.0.0.1:${stopping.port}\r\n`);
    await new Promise((resolve) => setTimeout(resolve, 100));
    const started = Date.now();
    await stopping.close();
    expect(Date.now() - started).toBeLessThan(3_000);
    held.destroy();
    await own.dispose();
    renderer.remove();
  });
});
