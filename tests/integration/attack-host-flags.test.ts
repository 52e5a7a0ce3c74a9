import { fork, spawn, spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertBuilt } from '../helpers/cli';
import { CLI_BIN, REPO_ROOT } from '../helpers/paths';
import { makeTempDir } from '../helpers/temp-dir';
import { until } from '../helpers/wait';

/**
 * Ways the in-place relaunch of bin/host-v8-flags.js (process.execve) changes what the caller gets. Each test
 * states what a caller got before the relaunch existed (or gets when it passes --max-semi-space-size itself).
 */
const dir = makeTempDir('syncwarden-attack-host-flags-');
const VERSION = (JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { version: string }).version;

describe('the host-flags relaunch, attacked', () => {
  beforeAll(() => assertBuilt());
  afterAll(() => dir.remove());

  it('keeps the IPC channel of a CLI started with child_process.fork (as supervisors such as pm2 do)', async () => {
    // Node deletes NODE_CHANNEL_FD from process.env once it has opened the channel, so the replacement image
    // never opens it: the parent sees 'disconnect' at once, although the daemon keeps running under the same pid.
    const child = fork(CLI_BIN, ['--data-dir', join(dir.path, 'ipc-home'), 'daemon'], { stdio: ['ignore', 'pipe', 'pipe', 'ipc'] });
    let out = '';
    child.stdout?.on('data', (chunk: Buffer) => (out += chunk.toString()));
    let disconnected = false;
    child.on('disconnect', () => (disconnected = true));
    const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
    try {
      await until(() => out.includes('Press Ctrl-C'), 20_000, () => `the daemon started (its output: ${out})`);
      expect(disconnected, 'the IPC channel closed while the daemon was still running').toBe(false);
      expect(child.connected).toBe(true);
    } finally {
      child.kill('SIGTERM');
      const done = await Promise.race([exited.then(() => true), new Promise<boolean>((r) => setTimeout(() => r(false), 10_000))]);
      if (!done) child.kill('SIGKILL');
    }
  });

  it('keeps the arguments after `--` when the CLI is loaded by `node -e` (the `--` is not in execArgv or argv)', () => {
    // Under -e the CLI drops its first argument (argv has no script), so `-- --json --version` prints the version
    // when nothing is relaunched. Relaunched as `node -e <code> --max-semi-space-size=16 --json --version`, Node
    // takes --json as one of its own options: "node: bad option: --json", exit 9.
    const result = spawnSync(process.execPath, ['-e', `require(${JSON.stringify(CLI_BIN)})`, '--', '--json', '--version'], { encoding: 'utf8', timeout: 30_000 });
    expect({ status: result.status, stdout: result.stdout.trim() }, result.stderr).toEqual({ status: 0, stdout: VERSION });
  });

  it('runs on V8 defaults when execve would fail (a failed execve(2) aborts Node: the relaunch must not be tried)', () => {
    // process.execve aborts the process (SIGABRT, exit 134) when execve(2) fails; the same happens for E2BIG
    // with an environment near ARG_MAX. Here an execPath that no longer exists (`x` is the argument -e drops).
    // Under -e the bin is not the entry, so nothing is tried; relaunchPlan's own checks of the execPath and
    // of the size are in cli-host-flags.test.ts.
    const code = `process.execPath = '/nonexistent/node'; require(${JSON.stringify(CLI_BIN)})`;
    const result = spawnSync(process.execPath, ['-e', code, '--', 'x', '--version'], { encoding: 'utf8', timeout: 30_000 });
    expect({ status: result.status, signal: result.signal, stdout: result.stdout.trim() }, result.stderr).toEqual({ status: 0, signal: null, stdout: VERSION });
  });

  it('does not drop what the first image wrote to a stdout pipe (a --require preload that prints)', async () => {
    const preload = join(dir.path, 'print-once.cjs');
    writeFileSync(preload, `if (!process.env.PRINTED) { process.env.PRINTED = '1'; process.stdout.write('A'.repeat(1 << 20) + '\\n'); }\n`);
    const child = spawn(process.execPath, ['--require', preload, CLI_BIN, '--version'], { stdio: ['ignore', 'pipe', 'pipe'] });
    // A reader that starts late, like a busy consumer at the other end of a pipe.
    child.stdout.pause();
    setTimeout(() => child.stdout.resume(), 500);
    let bytes = 0;
    child.stdout.on('data', (chunk: Buffer) => (bytes += chunk.length));
    await new Promise<void>((resolve) => child.on('close', () => resolve()));
    expect(bytes).toBe((1 << 20) + 1 + `${VERSION}\n`.length);
  });

  it('node --watch still restarts when a module loaded after the relaunch changes', async () => {
    // --watch learns the modules its child loads over the child's IPC channel, which the relaunch loses.
    const app = join(dir.path, 'watch-app');
    mkdirSync(join(app, 'bin'), { recursive: true });
    mkdirSync(join(app, 'lib'), { recursive: true });
    copyFileSync(join(REPO_ROOT, 'bin', 'host-v8-flags.js'), join(app, 'bin', 'host-v8-flags.js'));
    writeFileSync(join(app, 'bin', 'app.js'), `require('./host-v8-flags').relaunchWithHostFlags(require.main === module);\nrequire('../lib/dep.js');\n`);
    writeFileSync(join(app, 'lib', 'dep.js'), `console.log('dep v1');\n`);
    const child = spawn(process.execPath, ['--watch', join(app, 'bin', 'app.js')], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    try {
      await until(() => out.includes('dep v1'), 10_000, () => `dep v1 printed (output: ${out})`);
      await new Promise((r) => setTimeout(r, 500));
      writeFileSync(join(app, 'lib', 'dep.js'), `console.log('dep v2');\n`);
      await until(() => out.includes('dep v2'), 5_000, () => `dep v2 printed after the change (output: ${out})`);
    } finally {
      child.kill('SIGTERM');
    }
  });
});
