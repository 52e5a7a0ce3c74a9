import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { REPO_ROOT } from './paths';

/** Starts tests/helpers/crash-child.ts and resolves once its demo run is running. */
export async function startCrashChild(dataDir: string, lease?: { heartbeatMs: number; leaseMs: number }): Promise<{ child: ChildProcess; runId: number; kill(): Promise<void> }> {
  const extra = lease ? [String(lease.heartbeatMs), String(lease.leaseMs)] : [];
  const child = spawn(process.execPath, ['--import', 'tsx', join(REPO_ROOT, 'tests/helpers/crash-child.ts'), dataDir, ...extra], {
    cwd: REPO_ROOT,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const runId = await new Promise<number>((resolve, reject) => {
    const timeout = setTimeout(() => reject(new Error('child never reported a running run')), 30_000);
    child.stdout?.on('data', (chunk: Buffer) => {
      const match = /RUNNING (\d+)/.exec(chunk.toString());
      if (match) {
        clearTimeout(timeout);
        resolve(Number(match[1]));
      }
    });
  });
  return {
    child,
    runId,
    async kill() {
      const exited = once(child, 'exit');
      child.kill('SIGKILL');
      await exited;
    },
  };
}
