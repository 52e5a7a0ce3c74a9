import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_FRAME_BYTES } from '../../core/api/limits';
import { createStreamLogger } from '../../core/logging/logger';
import { startBrowserServer, type BrowserServer } from '../../core/server/browser-server';
import { connectWsBridge } from '../contract/ws-bridge';
import { closeCodeOf, encodeFrame, rawConnect, rawOpen, readAll, upgradeRequest } from '../helpers/raw-ws';
import { makeTempDir } from '../helpers/temp-dir';
import { createTestApp, type TestApp } from '../helpers/test-app';
import { until } from '../helpers/wait';

/**
 * Hostile local processes against a real browser-mode server (DESIGN §4.11):
 * garbage, resets mid-handshake, refused upgrades followed by a reset, and
 * every class of invalid WebSocket frame. The server must stay up, keep its
 * scheduler, and a client connected all along must keep working. A crash here
 * would be an uncaught exception in this process, which fails the run.
 */
let app: TestApp;
let server: BrowserServer;
let good: Awaited<ReturnType<typeof connectWsBridge>>;
const logLines: Record<string, unknown>[] = [];

beforeAll(async () => {
  const renderer = makeTempDir('syncwarden-renderer-');
  mkdirSync(renderer.path, { recursive: true });
  writeFileSync(join(renderer.path, 'index.html'), '<!doctype html><title>Syncwarden</title>');
  const stream = new PassThrough();
  stream.on('data', (chunk: Buffer) => {
    for (const line of chunk.toString().split('\n')) if (line.trim()) logLines.push(JSON.parse(line) as Record<string, unknown>);
  });
  app = await createTestApp({ log: createStreamLogger(stream, 'debug') });
  app.scheduler.start();
  server = await startBrowserServer({ app, rendererDir: renderer.path, port: 0 });
  good = await connectWsBridge(`ws://127.0.0.1:${server.port}/ws?token=${server.token}`, `http://127.0.0.1:${server.port}`);
});

afterAll(async () => {
  good.close();
  await server.close();
  await app.dispose();
});

async function expectStillServing(): Promise<void> {
  expect(await good.invoke('app.info', {})).toMatchObject({ ok: true });
  const fresh = await connectWsBridge(`ws://127.0.0.1:${server.port}/ws?token=${server.token}`, `http://127.0.0.1:${server.port}`);
  expect(await fresh.invoke('runs.list', {})).toMatchObject({ ok: true });
  fresh.close();
  // serve's scheduler is still started and answering.
  expect(app.scheduler.isStarted).toBe(true);
  expect(await good.invoke('schedules.list', {})).toMatchObject({ ok: true });
}

/** Sends `bytes` then resets the connection (RST), as soon as possible or after `delayMs`. */
async function sendAndReset(bytes: string | Buffer, delayMs = 0): Promise<void> {
  const socket = await rawConnect(server.port);
  socket.on('error', () => {});
  socket.write(bytes);
  if (delayMs) await new Promise((resolve) => setTimeout(resolve, delayMs));
  socket.resetAndDestroy();
}

describe('serve survives hostile raw sockets', () => {
  it('garbage instead of HTTP, and a reset in the middle of the request line or headers', async () => {
    for (let i = 0; i < 20; i++) {
      await sendAndReset(Buffer.from([0x16, 0x03, 0x01, 0xff, 0x00, i]));
      await sendAndReset('GET /ws?tok');
      await sendAndReset(upgradeRequest({ port: server.port, token: server.token }).slice(0, 40 + i));
    }
    const garbage = await rawConnect(server.port);
    garbage.write('\x00\x01\x02 not http at all\r\n\r\n');
    expect((await readAll(garbage)).toString('latin1')).toMatch(/^HTTP\/1\.1 400/);
    await expectStillServing();
  });

  it('a complete upgrade reset before the 101 is read', async () => {
    for (let i = 0; i < 30; i++) await sendAndReset(upgradeRequest({ port: server.port, token: server.token }), i % 3);
    await expectStillServing();
  });

  it('a wrong or missing token, a wrong Host (421), a wrong path or Origin, each followed by a reset', async () => {
    const refusals = [
      upgradeRequest({ port: server.port, token: 'wrong' }),
      upgradeRequest({ port: server.port }),
      upgradeRequest({ port: server.port, token: server.token, host: 'attacker.example' }),
      upgradeRequest({ port: server.port, token: server.token, path: '/elsewhere' }),
      upgradeRequest({ port: server.port, token: server.token, origin: 'http://evil.example' }),
    ];
    for (let i = 0; i < 25; i++) for (const request of refusals) await sendAndReset(request, i % 2);
    await expectStillServing();
  });

  it('a refused upgrade whose peer half-closes and never reads gets its answer and is closed', async () => {
    const socket = await rawConnect(server.port);
    socket.end(upgradeRequest({ port: server.port, token: 'wrong' }));
    const answer = (await readAll(socket)).toString('latin1');
    expect(answer).toMatch(/^HTTP\/1\.1 (401|429)/);
    await expectStillServing();
  });
});

describe('serve survives every invalid frame class', () => {
  const cases: { name: string; frame: () => Buffer; code: number }[] = [
    { name: 'a frame over maxPayload (announced length only)', frame: () => encodeFrame({ opcode: 0x1, announcedLength: MAX_FRAME_BYTES + 1 }), code: 1009 },
    { name: 'invalid UTF-8 in a text frame', frame: () => encodeFrame({ opcode: 0x1, payload: Buffer.from([0x7b, 0xff, 0xfe, 0x7d]) }), code: 1007 },
    { name: 'an unmasked client frame', frame: () => encodeFrame({ opcode: 0x1, payload: Buffer.from('{}'), masked: false }), code: 1002 },
    { name: 'a reserved data opcode', frame: () => encodeFrame({ opcode: 0x3, payload: Buffer.from('x') }), code: 1002 },
    { name: 'a reserved control opcode', frame: () => encodeFrame({ opcode: 0xb }), code: 1002 },
    { name: 'RSV1 without a negotiated extension', frame: () => encodeFrame({ opcode: 0x1, payload: Buffer.from('{}'), rsv: 0b100 }), code: 1002 },
    { name: 'RSV2 and RSV3 set', frame: () => encodeFrame({ opcode: 0x1, payload: Buffer.from('{}'), rsv: 0b011 }), code: 1002 },
    { name: 'a fragmented control frame', frame: () => encodeFrame({ opcode: 0x9, fin: false }), code: 1002 },
    { name: 'a continuation frame with nothing to continue', frame: () => encodeFrame({ opcode: 0x0, payload: Buffer.from('x') }), code: 1002 },
    { name: 'a control frame over 125 bytes', frame: () => encodeFrame({ opcode: 0x9, payload: Buffer.alloc(200) }), code: 1002 },
  ];

  for (const testCase of cases) {
    it(`${testCase.name}: that client is closed with ${testCase.code}, the server logs it and stays up`, async () => {
      const before = logLines.length;
      const { socket, rest } = await rawOpen({ port: server.port, token: server.token });
      socket.write(testCase.frame());
      await new Promise<void>((resolve) => {
        socket.once('close', () => resolve());
        setTimeout(() => socket.destroy(), 3000).unref();
      });
      expect(closeCodeOf(Buffer.concat(rest))).toBe(testCase.code);
      await until(() => logLines.slice(before).some((line) => line.msg === 'closed a WebSocket client after a protocol error'), 2000, 'the log line');
      await expectStillServing();
    });
  }

  it('the same bad frames followed by a reset instead of a clean close', async () => {
    for (const testCase of cases) {
      const { socket } = await rawOpen({ port: server.port, token: server.token });
      socket.write(testCase.frame());
      socket.resetAndDestroy();
    }
    await expectStillServing();
  });

  it('pathological JSON inside the size limit (500,000 levels deep, huge numbers) gets a typed answer or a 4400 close', async () => {
    const depth = 500_000;
    const deep = `{"type":"call","id":1,"method":"runs.start","input":{"engine":"demo","params":{"x":${'['.repeat(depth)}${']'.repeat(depth)}}}}`;
    const bignum = `{"type":"call","id":2,"method":"runs.list","input":{"limit":1e999999,"offset":-0}}`;
    for (const text of [deep, bignum]) {
      const { socket, rest } = await rawOpen({ port: server.port, token: server.token });
      socket.write(encodeFrame({ opcode: 0x1, payload: Buffer.from(text) }));
      await until(() => Buffer.concat(rest).length > 0, 5000, 'an answer or a close');
      const bytes = Buffer.concat(rest);
      const close = closeCodeOf(bytes);
      if (close === undefined) expect(bytes.toString('utf8')).toMatch(/"ok":false/);
      else expect(close).toBe(4400);
      socket.destroy();
    }
    await expectStillServing();
  });

  it('a malformed but well-framed call still gets the app-level close (4400)', async () => {
    const { socket, rest } = await rawOpen({ port: server.port, token: server.token });
    socket.write(encodeFrame({ opcode: 0x1, payload: Buffer.from('{"type":"call"}') }));
    await until(() => closeCodeOf(Buffer.concat(rest)) !== undefined, 3000, 'a close frame');
    socket.destroy();
    expect(closeCodeOf(Buffer.concat(rest))).toBe(4400);
    await expectStillServing();
  });
});
