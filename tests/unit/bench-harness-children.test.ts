import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../helpers/paths';
import { makeTempDir } from '../helpers/temp-dir';
import { until } from '../helpers/wait';

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe('the benches’ emulator children', () => {
  let dir: ReturnType<typeof makeTempDir>;
  let stray: number | undefined;
  beforeEach(() => {
    dir = makeTempDir();
    stray = undefined;
  });
  afterEach(() => {
    if (stray !== undefined && alive(stray)) process.kill(stray, 'SIGKILL');
    dir.remove();
  });

  it('go with a bench that fails after starting them (one was found serving 40 minutes after its bench)', async () => {
    // An emulator as the benches start them: one JSON line when ready, then it serves until killed.
    const emulator = join(dir.path, 'emulator.child.ts');
    writeFileSync(emulator, "process.stdout.write('{\"ready\":true}\\n');\nsetInterval(() => undefined, 1000);\n");
    // A bench that throws before it reaches its own child.kill().
    const bench = join(dir.path, 'failing.bench.mts');
    writeFileSync(
      bench,
      `import { startChild } from ${JSON.stringify(join(REPO_ROOT, 'bench', 'emulator-child.ts'))};\n` +
        `const { child } = await startChild(${JSON.stringify(emulator)}, []);\n` +
        "process.stdout.write(`${child.pid}\\n`);\n" +
        "throw new Error('the run failed');\n",
    );
    const parent = spawn(process.execPath, ['--import', 'tsx', bench], { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    parent.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => parent.once('exit', resolve));
    expect(code).not.toBe(0);
    stray = Number(out.trim());
    expect(Number.isInteger(stray) && stray > 0, `the bench printed ${JSON.stringify(out)}`).toBe(true);
    const pid = stray;
    await until(() => !alive(pid), 5000, `the emulator child ${pid} to be gone`);
  }, 30_000);
});
