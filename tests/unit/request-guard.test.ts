import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { guardRequests } from '../../core/server/request-guard';

/** What a client sees: the status, or how the exchange ended. */
function get(port: number, path: string): Promise<number | string> {
  return new Promise((resolve) => {
    const req = request({ host: '127.0.0.1', port, path, agent: false }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
      res.on('error', () => resolve('cut'));
      res.on('aborted', () => resolve('cut'));
    });
    req.on('error', () => resolve('cut'));
    req.end();
  });
}

/** A stream that sends some bytes, then fails as a file removed mid-read would. */
function failingStream(): Readable {
  let sent = false;
  return new Readable({
    read() {
      if (sent) return this.destroy(Object.assign(new Error('ENOENT: gone'), { code: 'ENOENT' }));
      sent = true;
      this.push('partial');
    },
  });
}

describe('guardRequests: no request listener fault takes the server down', () => {
  let server: Server | undefined;
  afterEach(async () => {
    server?.closeAllConnections();
    await new Promise((resolve) => server?.close(resolve));
  });

  it('a throw, a rejection or a failing piped stream answers that request alone (500 or a cut), logged once each', async () => {
    const logged: string[] = [];
    const log = { error: (obj: object) => logged.push(String((obj as { url?: string }).url)) };
    server = createServer(
      guardRequests((req, res) => {
        if (req.url === '/throw') throw new RangeError('start > end');
        if (req.url === '/reject') return Promise.reject(new Error('later'));
        if (req.url === '/stream') {
          res.writeHead(200, { 'Content-Length': 1000 });
          failingStream().pipe(res);
          return undefined;
        }
        res.end('ok');
        return undefined;
      }, log),
    );
    await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    expect(await get(port, '/throw')).toBe(500);
    expect(await get(port, '/reject')).toBe(500);
    expect(await get(port, '/stream')).toBe('cut');
    expect(await get(port, '/fine')).toBe(200);
    expect(logged).toEqual(['/throw', '/reject', '/stream']);
  });
});
