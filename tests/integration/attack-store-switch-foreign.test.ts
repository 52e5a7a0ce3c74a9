import { createServer, type Server, type Socket } from 'node:net';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ApiError } from '../../core/api/errors';
import { createStoreHandlers } from '../../core/app/store.handlers';
import { LATEST_SCHEMA_VERSION } from '../../core/store/migrations';

/**
 * store.switch pointed at things that are not a PostgreSQL server, or one that dies during the check: a
 * listener that never answers, one that answers with an HTTP error page, one that hangs up at once, one that
 * sends half a PostgreSQL message and closes. Each must end in a plain `unavailable` within the connect
 * timeout, save nothing and crash nothing.
 */
const servers: Server[] = [];
const sockets: Socket[] = [];
let dataDir = '';
afterEach(async () => {
  for (const socket of sockets.splice(0)) socket.destroy();
  for (const server of servers.splice(0)) await new Promise((resolve) => server.close(resolve));
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

async function foreign(onConnection: (socket: Socket) => void): Promise<number> {
  const server = createServer((socket) => {
    sockets.push(socket);
    socket.on('error', () => undefined);
    onConnection(socket);
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as { port: number }).port;
}

function handlers() {
  dataDir = mkdtempSync(join(tmpdir(), 'sw-switch-foreign-'));
  const saved = new Map<string, string>();
  const secrets = { kind: 'memory' as const, get: async (k: string) => saved.get(k) ?? null, set: async (k: string, v: string) => void saved.set(k, v), delete: async (k: string) => void saved.delete(k) };
  return createStoreHandlers({ dataDir, opened: { location: { dialect: 'sqlite', dataDir }, source: 'default' }, schemaVersion: () => LATEST_SCHEMA_VERSION, secrets, env: {} });
}

const ctx = { actor: 'manual' } as never;

const cases: [string, (socket: Socket) => void][] = [
  ['accepts and never answers', () => undefined],
  ['answers with an HTTP error page', (socket) => socket.end('HTTP/1.1 502 Bad Gateway\r\nContent-Type: text/html\r\nContent-Length: 20\r\n\r\n<h1>Bad Gateway</h1>')],
  ['hangs up at once', (socket) => socket.destroy()],
  ['sends half an authentication request and closes', (socket) => socket.once('data', () => socket.end(Buffer.from([0x52, 0, 0, 0, 12, 0, 0])))],
  ['sends an empty body then resets', (socket) => socket.once('data', () => socket.resetAndDestroy())],
];

describe('attack: store.switch to a server that is not PostgreSQL or dies mid-check', () => {
  it.each(cases)('%s: unavailable, said plainly, nothing saved, no crash', async (_, behave) => {
    const port = await foreign(behave);
    const started = Date.now();
    const error = await Promise.resolve(handlers()['store.switch']({ location: `postgres://postgres@127.0.0.1:${port}/x` }, ctx)).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).code).toBe('unavailable');
    expect((error as ApiError).message).toMatch(/127\.0\.0\.1/);
    expect(Date.now() - started).toBeLessThan(9000);
    expect(readdirSync(dataDir)).toEqual([]);
  }, 15_000);
});
