import { spawn, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HOST_V8_FLAGS, hostFlagsInEffect, relaunchPlan, splitNodeOptions, type RelaunchInput } from '../../bin/host-v8-flags';
import { assertBuilt } from '../helpers/cli';
import { CLI_BIN } from '../helpers/paths';
import { makeTempDir } from '../helpers/temp-dir';
import { until } from '../helpers/wait';

/**
 * The headless host runs with a bounded young generation (bin/host-v8-flags.js): a plain start of the CLI
 * replaces itself, same pid, with a process that has the flags. Seen from outside, as an admin or a supervisor
 * would: the daemon's command line in /proc, under the pid its parent started.
 */
const dir = makeTempDir();

/** Starts `daemon`, reads the command line of the pid it was started as once it is up, and stops it. */
async function daemonCommandLine(command: string, args: readonly string[], env: NodeJS.ProcessEnv = {}): Promise<string[]> {
  const child = spawn(command, [...args, '--data-dir', join(dir.path, 'home'), 'daemon'], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } });
  let out = '';
  child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (out += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  try {
    await until(() => out.includes('Press Ctrl-C'), 20_000, () => `the daemon started (its output: ${out})`);
    return readFileSync(`/proc/${child.pid}/cmdline`, 'utf8').split('\0').filter(Boolean);
  } finally {
    child.kill('SIGTERM');
    const code = await Promise.race([exited, new Promise<'hung'>((resolve) => setTimeout(() => resolve('hung'), 10_000))]);
    if (code === 'hung') child.kill('SIGKILL');
    expect(code, out).toBe(0);
  }
}

describe('the CLI host starts with its V8 settings', () => {
  beforeAll(() => assertBuilt());
  afterAll(() => dir.remove());

  it('the flags are a bounded young generation without pretenuring, and an old generation that grows at most twofold', () => {
    expect(HOST_V8_FLAGS).toEqual(['--max-semi-space-size=16', '--no-allocation-site-pretenuring', '--heap-growing-percent=100']);
  });

  it.each([
    ['node bin/syncwarden.js', process.execPath, [CLI_BIN]],
    ['the bin run as a program (its #! line)', CLI_BIN, []],
  ])('started as %s: the same pid runs with the flags, and stops cleanly on SIGTERM', async (_how, command, args) => {
    const cmdline = await daemonCommandLine(command, args);
    expect(cmdline.slice(1, 1 + HOST_V8_FLAGS.length)).toEqual([...HOST_V8_FLAGS]);
    expect(cmdline.slice(-3)).toEqual(['--data-dir', join(dir.path, 'home'), 'daemon']);
  });

  it.each([
    ['a Node option on the command line', ['--max-old-space-size=300'], {}],
    ['NODE_OPTIONS', [], { NODE_OPTIONS: '--max-old-space-size=300' }],
  ])('started with %s: left as the user started it', async (_how, nodeArgs, env) => {
    const cmdline = await daemonCommandLine(process.execPath, [...nodeArgs, CLI_BIN], env);
    expect(cmdline.some((arg) => arg.includes('semi-space'))).toBe(false);
  });

  it('a short command keeps its output and exit code', () => {
    const help = spawnSync(process.execPath, [CLI_BIN, '--help'], { encoding: 'utf8', timeout: 60_000 });
    expect(help.status, help.stderr).toBe(0);
    expect(help.stdout).toContain('Usage: syncwarden');
    const wrong = spawnSync(process.execPath, [CLI_BIN, 'no-such-command'], { encoding: 'utf8', timeout: 60_000 });
    expect(wrong.status).not.toBe(0);
    expect(wrong.stderr).toMatch(/no-such-command/);
  });
});

describe('relaunchPlan: only a plain start is replaced', () => {
  const plain: RelaunchInput = {
    isEntry: true,
    execArgv: [],
    nodeOptions: '',
    hasChannel: false,
    env: { PATH: '/usr/bin' },
    argv: ['/usr/bin/node', '/app/bin/syncwarden.js', 'serve', '--port', '0'],
    execPath: '/usr/bin/node',
    canExecute: () => true,
  };

  it('a plain start: the flags first, then the script and its arguments unchanged', () => {
    expect(relaunchPlan(plain)).toEqual({ relaunch: true, args: ['/usr/bin/node', ...HOST_V8_FLAGS, '/app/bin/syncwarden.js', 'serve', '--port', '0'] });
  });

  it.each<[string, Partial<RelaunchInput>, string]>([
    ['required by other code', { isEntry: false }, 'not the entry'],
    ['forked with an IPC channel (fork, pm2, node --watch)', { hasChannel: true }, 'an IPC channel'],
    ['a cluster worker', { env: { NODE_UNIQUE_ID: '1' } }, 'an IPC channel'],
    ['-e code', { execArgv: ['-e', 'require("./bin/syncwarden.js")'] }, 'node options given'],
    ['a debugger', { execArgv: ['--inspect-brk'] }, 'node options given'],
    ['a preload in NODE_OPTIONS', { nodeOptions: '--require "/opt/my agent/apm.js"' }, 'node options given'],
    ['the user’s own young generation', { execArgv: ['--max-semi-space-size=8'] }, 'node options given'],
    ['coverage', { env: { NODE_V8_COVERAGE: '/tmp/cov' } }, 'coverage'],
    ['a script from stdin', { argv: ['/usr/bin/node', '-'] }, 'no script file'],
    ['an execPath that cannot run', { canExecute: () => false }, 'execPath not executable'],
    ['an environment near the exec limit', { env: { BIG: 'x'.repeat(300 * 1024) } }, 'arguments and environment too large'],
  ])('not when %s', (_case, change, reason) => {
    expect(relaunchPlan({ ...plain, ...change })).toEqual({ relaunch: false, reason });
  });

  it('NODE_OPTIONS is split as Node splits it: white space outside double quotes', () => {
    expect(splitNodeOptions('  ')).toEqual([]);
    expect(splitNodeOptions('--require "/opt/my agent/apm.js"  --title="a \\"b\\" c"')).toEqual(['--require', '/opt/my agent/apm.js', '--title=a "b" c']);
  });

  it('hostFlagsInEffect: exactly the host values, by either spelling, the last one given for a setting winning', () => {
    const off = '--no-allocation-site-pretenuring';
    const growth = '--heap-growing-percent=100';
    expect(hostFlagsInEffect(['--max-semi-space-size=16', off, growth], '')).toBe(true);
    expect(hostFlagsInEffect([off], '--max_semi_space_size=16 --heap_growing_percent=100')).toBe(true);
    expect(hostFlagsInEffect(['--max-semi-space-size=16', off], '')).toBe(false);
    expect(hostFlagsInEffect(['--max-semi-space-size=16', off, '--heap-growing-percent=50'], '')).toBe(false);
    expect(hostFlagsInEffect(['--max-semi-space-size=160', off, growth], '')).toBe(false);
    expect(hostFlagsInEffect(['--max-semi-space-size=8', off, growth], '--max-semi-space-size=16')).toBe(false);
    expect(hostFlagsInEffect(['--max-semi-space-size=16', off, growth, '--allocation-site-pretenuring'], '')).toBe(false);
    expect(hostFlagsInEffect([], `--title="a --max-semi-space-size=16 ${off} ${growth}"`)).toBe(false);
    expect(hostFlagsInEffect([], '')).toBe(false);
  });
});
