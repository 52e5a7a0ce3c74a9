import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { startBrowserServer } from '../../core/server/browser-server';
import { openStore } from '../../core/store/store';
import { connectWsBridge } from '../contract/ws-bridge';
import { assertBuilt } from '../helpers/cli';
import { CLI_BIN } from '../helpers/paths';
import { makeTempDir } from '../helpers/temp-dir';
import { createTestApp } from '../helpers/test-app';

/**
 * A valid client floods serve with valid calls whose answers are large
 * (`runs.list` at its maximum limit over runs with sizeable params), and reads
 * every answer. ws emits every frame of a received chunk synchronously and the
 * handler answers synchronously, so without a bound on calls in flight per
 * client all answers are built and queued at once: memory grows with the flood,
 * and the client, though it reads, is dropped as a slow reader. serve (the real
 * CLI, in a child with a small heap) must answer every call and stay up.
 */
const RUNS = 300;
const PARAM_BYTES = 16 * 1024;
const CALLS = 120;

describe('serve under a flood of valid calls with large answers', () => {
  let child: ChildProcess | undefined;
  const dir = makeTempDir('syncwarden-flood-');
  afterEach(() => {
    child?.kill('SIGKILL');
    dir.remove();
  });

  it('answers every call and stays up, with a bounded heap', { timeout: 90_000 }, async () => {
    assertBuilt();
    const store = await openStore(dir.path);
    const now = new Date().toISOString();
    for (let i = 0; i < RUNS; i++) {
      const { id } = await store.runs.insertQueued({ engine: 'demo', scope: `s${i}`, trigger: 'manual', params: { blob: 'x'.repeat(PARAM_BYTES) }, ownerPid: process.pid, now });
      await store.runs.transition(id, ['queued'], 'succeeded', { finishedAt: now }, now);
    }
    await store.close();

    child = spawn(process.execPath, ['--max-old-space-size=160', CLI_BIN, '--data-dir', dir.path, '--json', 'serve', '--port', '0'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const exited = new Promise<string>((resolve) => child?.once('exit', (code, signal) => resolve(`exited ${code ?? signal}`)));
    const started = await new Promise<{ url: string; port: number }>((resolve, reject) => {
      let out = '';
      const timer = setTimeout(() => reject(new Error(`serve printed nothing: ${out}`)), 20_000);
      child?.stdout?.on('data', (chunk: Buffer) => {
        out += chunk.toString();
        const line = out.split('\n').find((l) => l.startsWith('{'));
        if (line) {
          clearTimeout(timer);
          resolve(JSON.parse(line) as { url: string; port: number });
        }
      });
    });
    const token = new URL(started.url).searchParams.get('token') ?? '';
    const wsUrl = `ws://127.0.0.1:${started.port}/ws?token=${token}`;
    const origin = `http://127.0.0.1:${started.port}`;

    const client = new WebSocket(wsUrl, { origin, maxPayload: 256 * 1024 * 1024 });
    await new Promise((resolve, reject) => client.once('open', resolve).once('error', reject));
    let answered = 0;
    const allAnswered = new Promise<string>((resolve) => {
      client.on('message', () => {
        if (++answered === CALLS) resolve('answered');
      });
      client.once('close', () => resolve(`closed after ${answered}`));
    });
    // One write: the calls reach serve in as few chunks as TCP makes of them.
    const frames = Array.from({ length: CALLS }, (_, id) => JSON.stringify({ type: 'call', id, method: 'runs.list', input: { limit: 500 } }));
    for (const frame of frames) client.send(frame);

    const outcome = await Promise.race([allAnswered, exited.then((how) => `${how}: ${stderr.slice(-300)}`)]);
    expect(outcome).toBe('answered');
    client.close();

    const bridge = await connectWsBridge(wsUrl, origin);
    expect(await bridge.invoke('app.info', {})).toMatchObject({ ok: true });
    bridge.close();
  });
});

describe('pacing never lets calls that wait hold the others', () => {
  let hanging: Server | undefined;
  afterEach(async () => {
    hanging?.closeAllConnections();
    await new Promise((resolve) => hanging?.close(resolve));
  });

  it('twelve connection tests against a service that never answers, then app.info: answered at once', { timeout: 30_000 }, async () => {
    hanging = createServer(() => undefined); // accepts, reads, never answers
    await new Promise<void>((resolve) => hanging?.listen(0, '127.0.0.1', resolve));
    const hangingPort = (hanging.address() as { port: number }).port;
    const renderer = makeTempDir('syncwarden-renderer-');
    mkdirSync(renderer.path, { recursive: true });
    writeFileSync(join(renderer.path, 'index.html'), '<!doctype html><title>Syncwarden</title>');
    const app = await createTestApp();
    const server = await startBrowserServer({ app, rendererDir: renderer.path, port: 0 });
    const bridge = await connectWsBridge(`ws://127.0.0.1:${server.port}/ws?token=${server.token}`, `http://127.0.0.1:${server.port}`);
    try {
      const created = await bridge.invoke('connections.create', {
        kind: 'dropbox',
        name: 'Stuck',
        config: { appKey: 'k', baseUrl: `http://127.0.0.1:${hangingPort}` },
        secrets: { appSecret: 's' },
      });
      expect(created).toMatchObject({ ok: true });
      const tests = Array.from({ length: 12 }, () => bridge.invoke('connections.test', { id: 1 }));
      const started = Date.now();
      expect(await bridge.invoke('app.info', {})).toMatchObject({ ok: true });
      expect(Date.now() - started).toBeLessThan(2_000);
      await Promise.all(tests);
    } finally {
      bridge.close();
      await server.close();
      await app.dispose();
      renderer.remove();
    }
  });
});
