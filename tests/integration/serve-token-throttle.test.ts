import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { createStreamLogger } from '../../core/logging/logger';
import { startBrowserServer, type BrowserServer } from '../../core/server/browser-server';
import { createRefusalGuard } from '../../core/server/refusal-guard';
import { connectWsBridge } from '../contract/ws-bridge';
import { rawConnect, readAll, upgradeRequest } from '../helpers/raw-ws';
import { makeTempDir } from '../helpers/temp-dir';
import { createTestApp, type TestApp } from '../helpers/test-app';
import { until } from '../helpers/wait';

/** Wrong browser-mode tokens: rate limited per address, logged as one line per interval (not one per attempt). */
function captureLog() {
  const lines: { msg: string; refused?: number; byStatus?: Record<string, number>; status?: number }[] = [];
  const stream = new PassThrough();
  stream.on('data', (chunk: Buffer) => {
    for (const line of chunk.toString().split('\n')) if (line.trim()) lines.push(JSON.parse(line) as (typeof lines)[number]);
  });
  return { lines, log: createStreamLogger(stream, 'debug') };
}

async function statusOf(port: number, token: string | undefined): Promise<{ status: number; retryAfter: string | undefined }> {
  const socket = await rawConnect(port);
  socket.write(upgradeRequest({ port, token }));
  const head = (await readAll(socket, 2000)).toString('latin1');
  socket.destroy();
  return { status: Number(/^HTTP\/1\.1 (\d{3})/.exec(head)?.[1] ?? 0), retryAfter: /Retry-After: (\d+)/i.exec(head)?.[1] };
}

describe('refusal guard (fake clock)', () => {
  it('counts wrong tokens per address in a window, then answers Retry-After until the window ends', () => {
    let t = 0;
    const { log } = captureLog();
    const guard = createRefusalGuard({ log, maxFailures: 3, windowMs: 60_000, now: () => t });
    for (let i = 0; i < 3; i++) {
      expect(guard.retryAfterSeconds('127.0.0.1')).toBe(0);
      guard.recordWrongToken('127.0.0.1');
    }
    expect(guard.retryAfterSeconds('127.0.0.1')).toBe(60);
    expect(guard.retryAfterSeconds('127.0.0.2')).toBe(0);
    t = 45_500;
    expect(guard.retryAfterSeconds('127.0.0.1')).toBe(15);
    t = 60_000;
    expect(guard.retryAfterSeconds('127.0.0.1')).toBe(0);
    guard.close();
  });

  it('tracks a bounded number of addresses (every 127/8 address reaches loopback)', () => {
    const { log } = captureLog();
    const guard = createRefusalGuard({ log, maxFailures: 1, windowMs: 60_000, now: () => 0 });
    for (let i = 0; i < 5000; i++) guard.recordWrongToken(`127.0.${i >> 8}.${i & 255}`);
    // Addresses past the table's bound share one bucket, so spreading over addresses does not escape the limit.
    expect(guard.retryAfterSeconds('127.200.0.1')).toBeGreaterThan(0);
    guard.close();
  });
});

describe('wrong tokens against a real server', () => {
  let app: TestApp;
  let server: BrowserServer;
  afterEach(async () => {
    await server.close();
    await app.dispose();
  });

  async function start(windowMs: number) {
    const renderer = makeTempDir('syncwarden-renderer-');
    mkdirSync(renderer.path, { recursive: true });
    writeFileSync(join(renderer.path, 'index.html'), '<!doctype html>');
    const capture = captureLog();
    app = await createTestApp({ log: capture.log });
    server = await startBrowserServer({ app, rendererDir: renderer.path, port: 0, refusals: { maxFailures: 5, windowMs } });
    return capture.lines;
  }

  it('after 5 wrong tokens a minute the next get 429 with Retry-After; the right token still connects', async () => {
    await start(60_000);
    const statuses: number[] = [];
    let retryAfter: string | undefined;
    for (let i = 0; i < 12; i++) {
      const answer = await statusOf(server.port, i % 2 ? `wrong-${i}` : undefined);
      statuses.push(answer.status);
      retryAfter ??= answer.retryAfter;
    }
    expect(statuses).toEqual([401, 401, 401, 401, 401, 429, 429, 429, 429, 429, 429, 429]);
    expect(Number(retryAfter)).toBeGreaterThan(0);
    expect(Number(retryAfter)).toBeLessThanOrEqual(60);
    const admin = await connectWsBridge(`ws://127.0.0.1:${server.port}/ws?token=${server.token}`, `http://127.0.0.1:${server.port}`);
    expect(await admin.invoke('app.info', {})).toMatchObject({ ok: true });
    admin.close();
  });

  it('200 wrong tokens are logged as one line per interval, not one per attempt, and every one is counted', async () => {
    const windowMs = 400;
    const lines = await start(windowMs);
    const began = Date.now();
    for (let i = 0; i < 200; i++) await statusOf(server.port, 'wrong');
    const intervals = Math.ceil((Date.now() - began) / windowMs) + 1;
    const refusalLines = () => lines.filter((line) => /refused/.test(line.msg));
    await until(() => refusalLines().reduce((sum, line) => sum + (line.refused ?? 1), 0) === 200, 3000, 'all 200 counted');
    expect(refusalLines()[0]).toMatchObject({ msg: 'refused a WebSocket connection', status: 401 });
    // One immediate line, then at most one summary per interval that had refusals.
    expect(refusalLines().length).toBeLessThanOrEqual(1 + intervals);
    expect(refusalLines().length).toBeLessThan(20);
    expect(refusalLines().slice(1).every((line) => line.byStatus !== undefined)).toBe(true);
  });
});
