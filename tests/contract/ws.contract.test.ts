import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import WebSocket from 'ws';
import { afterEach, describe, expect, it } from 'vitest';
import { startBrowserServer, type BrowserServer } from '../../core/server/browser-server';
import { createTestApp, type TestApp } from '../helpers/test-app';
import { makeTempDir } from '../helpers/temp-dir';
import { describeContract } from './contract-suite';
import { connectWsBridge } from './ws-bridge';

function fakeRenderer(): string {
  const dir = makeTempDir('syncwarden-renderer-');
  mkdirSync(dir.path, { recursive: true });
  writeFileSync(join(dir.path, 'index.html'), '<!doctype html><title>Syncwarden</title>');
  return dir.path;
}

async function startHost(): Promise<{ app: TestApp; server: BrowserServer }> {
  const app = await createTestApp();
  const server = await startBrowserServer({ app, rendererDir: fakeRenderer(), port: 0 });
  return { app, server };
}

describeContract('WebSocket (browser mode)', async () => {
  const { app, server } = await startHost();
  const bridge = await connectWsBridge(`ws://127.0.0.1:${server.port}/ws?token=${server.token}`, `http://127.0.0.1:${server.port}`);
  return {
    app,
    bridge,
    async close() {
      bridge.close();
      await server.close();
      await app.dispose();
    },
  };
});

describe('browser-mode server security', () => {
  let host: { app: TestApp; server: BrowserServer };
  afterEach(async () => {
    await host.server.close();
    await host.app.dispose();
  });

  const refusal = (url: string, headers: Record<string, string>) =>
    new Promise<number>((resolve, reject) => {
      const socket = new WebSocket(url, { headers });
      socket.once('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
      socket.once('open', () => reject(new Error('connection was accepted')));
      socket.once('error', () => {});
    });

  it('listens on 127.0.0.1 only and prints a URL carrying the token', async () => {
    host = await startHost();
    expect(host.server.url).toBe(`http://127.0.0.1:${host.server.port}/?token=${host.server.token}`);
    expect(host.server.token.length).toBeGreaterThanOrEqual(32);
  });

  it('refuses a wrong or missing token with 401', async () => {
    host = await startHost();
    const origin = `http://127.0.0.1:${host.server.port}`;
    expect(await refusal(`ws://127.0.0.1:${host.server.port}/ws?token=wrong`, { Origin: origin })).toBe(401);
    expect(await refusal(`ws://127.0.0.1:${host.server.port}/ws`, { Origin: origin })).toBe(401);
  });

  it('refuses another Origin, even with the right token, with 403', async () => {
    host = await startHost();
    const url = `ws://127.0.0.1:${host.server.port}/ws?token=${host.server.token}`;
    expect(await refusal(url, { Origin: 'http://evil.example' })).toBe(403);
    expect(await refusal(url, { Origin: 'http://127.0.0.1:1' })).toBe(403);
  });

  it('refuses a foreign Host header (DNS rebinding) and sends a strict CSP with the page', async () => {
    host = await startHost();
    const base = `http://127.0.0.1:${host.server.port}`;
    const page = await fetch(`${base}/`);
    expect(page.status).toBe(200);
    const csp = page.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toMatch(/script-src[^;]*unsafe/);
    expect(page.headers.get('x-content-type-options')).toBe('nosniff');
    const rebound = await new Promise<number>((resolve) => {
      void import('node:http').then(({ request }) => {
        request(`${base}/`, { headers: { Host: 'attacker.example:80' } }, (res) => resolve(res.statusCode ?? 0)).end();
      });
    });
    expect(rebound).toBe(421);
  });

  it('closes a socket that sends a malformed frame, without calling anything', async () => {
    host = await startHost();
    const socket = new WebSocket(`ws://127.0.0.1:${host.server.port}/ws?token=${host.server.token}`, { origin: `http://127.0.0.1:${host.server.port}` });
    await new Promise((resolve) => socket.once('open', resolve));
    socket.send('not json');
    const code = await new Promise<number>((resolve) => socket.once('close', (closeCode: number) => resolve(closeCode)));
    expect(code).toBe(4400);
  });
});
