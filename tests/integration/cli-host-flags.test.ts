import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { HOST_V8_FLAGS, missingHostFlags } from '../../bin/host-v8-flags';
import { assertBuilt } from '../helpers/cli';
import { CLI_BIN } from '../helpers/paths';
import { makeTempDir } from '../helpers/temp-dir';

/**
 * The headless host runs with a bounded young generation (bin/host-v8-flags.js): a CLI started without the
 * flags replaces itself, same pid, with one that has them, however it was started. A `--require` probe (given
 * through NODE_OPTIONS, which the replacement inherits) records each image's pid and V8 flags.
 */
const dir = makeTempDir();
const probe = join(dir.path, 'flags-probe.cjs');

interface Image {
  pid: number;
  execArgv: string[];
}

function imagesOf(command: string, args: readonly string[], nodeOptions = ''): { images: Image[]; code: number | null; stdout: string; stderr: string } {
  const log = join(dir.path, `images-${Math.random().toString(36).slice(2)}.jsonl`);
  writeFileSync(log, '');
  const result = spawnSync(command, args, {
    encoding: 'utf8',
    timeout: 60_000,
    env: { ...process.env, NODE_OPTIONS: `--require=${probe} ${nodeOptions}`.trim(), FLAGS_PROBE_LOG: log, SYNCWARDEN_HOME: join(dir.path, 'home') },
  });
  const images = readFileSync(log, 'utf8').split('\n').filter(Boolean).map((line) => JSON.parse(line) as Image);
  return { images, code: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('the CLI host starts with its V8 settings', () => {
  beforeAll(() => {
    assertBuilt();
    writeFileSync(probe, `require('node:fs').appendFileSync(process.env.FLAGS_PROBE_LOG, JSON.stringify({ pid: process.pid, execArgv: process.execArgv }) + '\\n');\n`);
  });

  it('the flags are a bounded young generation', () => {
    expect(HOST_V8_FLAGS).toEqual(['--max-semi-space-size=16']);
  });

  it.each([
    ['node bin/syncwarden.js', process.execPath, [CLI_BIN, '--help']],
    ['the bin run as a program (its #! line)', CLI_BIN, ['--help']],
  ])('started as %s: replaced in place by a process with the flags, which does the work', (_how, command, args) => {
    const { images, code, stdout, stderr } = imagesOf(command, args);
    expect(code, stderr).toBe(0);
    expect(stdout).toContain('Usage: syncwarden');
    expect(images).toHaveLength(2);
    const [first, second] = images as [Image, Image];
    expect(first.execArgv).not.toContain('--max-semi-space-size=16');
    expect(second).toEqual({ pid: first.pid, execArgv: expect.arrayContaining([...HOST_V8_FLAGS]) as string[] });
  });

  it('keeps the arguments and the exit code of the work', () => {
    const { images, code, stderr } = imagesOf(process.execPath, [CLI_BIN, 'no-such-command']);
    expect(images).toHaveLength(2);
    expect(code).not.toBe(0);
    expect(stderr).toMatch(/no-such-command/);
  });

  it.each([
    ['on the command line', ['--max-semi-space-size=8'], ''],
    ['in NODE_OPTIONS', [], '--max-semi-space-size=8'],
  ])('a value the user chose %s wins, and the process is not replaced', (_where, nodeArgs, nodeOptions) => {
    const { images, code, stderr } = imagesOf(process.execPath, [...nodeArgs, CLI_BIN, '--help'], nodeOptions);
    expect(code, stderr).toBe(0);
    expect(images).toHaveLength(1);
    expect(images[0]?.execArgv).not.toContain('--max-semi-space-size=16');
  });

  it('missingHostFlags reads both spellings and NODE_OPTIONS', () => {
    expect(missingHostFlags([], '')).toEqual(['--max-semi-space-size=16']);
    expect(missingHostFlags(['--max-semi-space-size=16'], '')).toEqual([]);
    expect(missingHostFlags(['--max_semi_space_size=4'], '')).toEqual([]);
    expect(missingHostFlags(['--inspect'], '--enable-source-maps  --max-semi-space-size=32')).toEqual([]);
    expect(missingHostFlags(['--max-old-space-size=512'], '')).toEqual(['--max-semi-space-size=16']);
  });
});
