import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_INPUT_BYTES } from '../../core/api/limits';
import { dispatch } from '../../core/app/dispatch';
import { startBrowserServer, type BrowserServer } from '../../core/server/browser-server';
import { connectWsBridge } from '../contract/ws-bridge';
import { makeTempDir } from '../helpers/temp-dir';
import { createTestApp, type TestApp } from '../helpers/test-app';

/**
 * Outside review (issue #16): `dispatch` walks every input with nulPath (core/api/nul-input.ts) before zod
 * sees it, copying the whole path array at each level (`[...path, key]`): quadratic in depth. An input
 * under MAX_INPUT_BYTES made of ~150 arrays nested 2,000 deep (600 KB, one frame) costs ~2 s of event loop
 * on this machine for ANY method (app.info included), depth 3,000 ~3 s; a few such frames in a row stall
 * serve past the 15 s run lease, so another process interrupts serve's live runs, and every other client
 * and the scheduler starve meanwhile. Refusing or walking it must cost about linear time.
 */
function nestedInput(depth: number): unknown {
  const one = '['.repeat(depth) + ']'.repeat(depth);
  const count = Math.floor((MAX_INPUT_BYTES - 4096) / (one.length + 1));
  return { deep: JSON.parse(`[${Array(count).fill(one).join(',')}]`) as unknown };
}

let app: TestApp;
let server: BrowserServer;

beforeAll(async () => {
  const renderer = makeTempDir('syncwarden-s26c-renderer-');
  mkdirSync(renderer.path, { recursive: true });
  writeFileSync(join(renderer.path, 'index.html'), '<!doctype html><title>Syncwarden</title>');
  app = await createTestApp();
  server = await startBrowserServer({ app, rendererDir: renderer.path, port: 0 });
});

afterAll(async () => {
  await server.close();
  await app.dispose();
});

describe('a deeply nested input of valid size does not stall the host', () => {
  it('dispatch answers app.info with a 600 KB, 2,000-deep input in well under a second', async () => {
    const input = nestedInput(2_000);
    const started = performance.now();
    const answer = await dispatch(app.handlers, 'app.info', input, { actor: 'manual' });
    const elapsed = performance.now() - started;
    expect(answer.ok).toBe(false);
    expect(elapsed).toBeLessThan(500);
  });

  it('over the WebSocket: one such frame does not block serve’s event loop for long', async () => {
    const bridge = await connectWsBridge(`ws://127.0.0.1:${server.port}/ws?token=${server.token}`, `http://127.0.0.1:${server.port}`);
    const input = nestedInput(2_000);
    const delay = monitorEventLoopDelay({ resolution: 10 });
    delay.enable();
    const answer = await bridge.invoke('app.info', input as never);
    delay.disable();
    bridge.close();
    expect(answer.ok).toBe(false);
    expect(delay.max / 1e6).toBeLessThan(500);
  });
});
