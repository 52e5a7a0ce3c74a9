import { spawn, type ChildProcess } from 'node:child_process';
import type { Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { connectWsBridge } from '../contract/ws-bridge';
import { assertBuilt } from '../helpers/cli';
import { CLI_BIN } from '../helpers/paths';
import { rawConnect } from '../helpers/raw-ws';
import { makeTempDir } from '../helpers/temp-dir';

/**
 * A local process that opens more connections than serve has file
 * descriptors (the real CLI, in a child with a small fd limit). libuv absorbs
 * EMFILE on accept (it keeps a spare descriptor to accept and drop), and the
 * server has an 'error' listener for anything else it reports after listen;
 * this proves the whole stack: serve stays up and serves again after the flood.
 */
describe('serve under file-descriptor exhaustion', () => {
  let child: ChildProcess | undefined;
  const dir = makeTempDir('syncwarden-fd-');
  afterEach(() => {
    child?.kill('SIGKILL');
    dir.remove();
  });

  it('survives EMFILE on accept and serves again once the flood is gone', async () => {
    assertBuilt();
    child = spawn('sh', ['-c', 'ulimit -n 96 && exec "$0" "$@"', process.execPath, CLI_BIN, '--data-dir', dir.path, '--json', 'serve', '--port', '0'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    // serve's stderr is shown when it dies, so a failure says why.
    let errOut = '';
    child.stderr?.on('data', (chunk: Buffer) => {
      errOut += chunk.toString();
    });
    const exited = new Promise<number | null>((resolve) => child?.once('exit', (code) => resolve(code)));
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

    const flood: Socket[] = [];
    for (let i = 0; i < 200; i++) {
      try {
        const socket = await rawConnect(started.port);
        socket.on('error', () => {});
        flood.push(socket);
      } catch {
        // the listen backlog may be full: that is the point
      }
    }
    const outcome = await Promise.race([exited.then((code) => `exited ${code}`), new Promise<string>((resolve) => setTimeout(() => resolve('alive'), 1500))]);
    expect(outcome, `serve's stderr: ${errOut}`).toBe('alive');
    for (const socket of flood) socket.destroy();
    await new Promise((resolve) => setTimeout(resolve, 500));

    const bridge = await connectWsBridge(`ws://127.0.0.1:${started.port}/ws?token=${token}`, `http://127.0.0.1:${started.port}`);
    expect(await bridge.invoke('app.info', {})).toMatchObject({ ok: true });
    bridge.close();
  }, 60_000);
});
