import { spawn, type ChildProcess } from 'node:child_process';
import { request } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { connectWsBridge } from '../contract/ws-bridge';
import { assertBuilt } from '../helpers/cli';
import { CLI_BIN } from '../helpers/paths';
import { makeTempDir } from '../helpers/temp-dir';

/**
 * Outside review (issue #16): a local process WITHOUT the token takes `syncwarden serve` down with one
 * HTTP request for a static asset whose Range header has start > end. sirv (3.0.2) answers 206 and calls
 * fs.createReadStream(file, { start, end }), which throws ERR_OUT_OF_RANGE synchronously out of the
 * 'request' listener: an uncaught exception, serve exits (its scheduler with it).
 */
describe('serve under hostile Range headers (no token needed)', () => {
  let child: ChildProcess | undefined;
  const dir = makeTempDir('syncwarden-s26c-range-');
  afterEach(() => {
    child?.kill('SIGKILL');
    dir.remove();
  });

  async function startServe(): Promise<{ port: number; token: string; exited: Promise<number | null>; stderr: () => string }> {
    assertBuilt();
    child = spawn(process.execPath, [CLI_BIN, '--data-dir', dir.path, '--json', 'serve', '--port', '0'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let errOut = '';
    child.stderr?.on('data', (chunk: Buffer) => {
      errOut += chunk.toString();
    });
    const exited = new Promise<number | null>((resolve) => child?.once('exit', (code) => resolve(code)));
    const started = await new Promise<{ url: string; port: number }>((resolve, reject) => {
      let out = '';
      const timer = setTimeout(() => reject(new Error(`serve printed nothing: ${out} ${errOut}`)), 20_000);
      child?.stdout?.on('data', (chunk: Buffer) => {
        out += chunk.toString();
        const line = out.split('\n').find((l) => l.startsWith('{'));
        if (line) {
          clearTimeout(timer);
          resolve(JSON.parse(line) as { url: string; port: number });
        }
      });
    });
    return { port: started.port, token: new URL(started.url).searchParams.get('token') ?? '', exited, stderr: () => errOut };
  }

  function get(port: number, path: string, headers: Record<string, string>): Promise<number | string> {
    return new Promise((resolve) => {
      const req = request({ host: '127.0.0.1', port, path, headers: { host: `127.0.0.1:${port}`, ...headers } }, (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
        res.on('error', (error) => resolve(`response error ${error.message}`));
      });
      req.on('error', (error) => resolve(`request error ${error.message}`));
      req.end();
    });
  }

  for (const range of ['bytes=50-10', 'bytes=2-1']) {
    it(`GET /favicon.svg with Range: ${range} leaves serve up and serving`, async () => {
      const serve = await startServe();
      // The range is ignored (RFC 9110 §14.2): the whole file, 200.
      expect(await get(serve.port, '/favicon.svg', { range })).toBe(200);
      const outcome = await Promise.race([serve.exited.then((code) => `exited ${code}`), new Promise<string>((resolve) => setTimeout(() => resolve('alive'), 1500))]);
      expect(outcome, `serve's stderr: ${serve.stderr()}`).toBe('alive');
      const bridge = await connectWsBridge(`ws://127.0.0.1:${serve.port}/ws?token=${serve.token}`, `http://127.0.0.1:${serve.port}`);
      expect(await bridge.invoke('app.info', {})).toMatchObject({ ok: true });
      bridge.close();
    }, 60_000);
  }
});
