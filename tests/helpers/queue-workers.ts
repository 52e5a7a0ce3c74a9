import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { compileCacheEnv } from './child-node';
import { REPO_ROOT } from './paths';

export interface WorkerChild {
  readonly child: ChildProcess;
  readonly id: string;
  output(): string;
  /** Sends a signal and resolves with the exit code (null when killed by a signal). */
  stop(signal: NodeJS.Signals): Promise<number | null>;
}

/** Starts tests/helpers/queue-worker-child.ts (a real process) and resolves once it registered. */
export async function startWorker(env: Record<string, string>): Promise<WorkerChild> {
  const child = spawn(process.execPath, ['--import', 'tsx', join(REPO_ROOT, 'tests/helpers/queue-worker-child.ts')], {
    cwd: REPO_ROOT,
    env: { ...process.env, ...compileCacheEnv(), ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout?.on('data', (chunk: Buffer) => (out += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (out += chunk.toString()));
  const exited = once(child, 'exit');
  const id = await new Promise<string>((resolve, reject) => {
    const timeout = setTimeout(() => reject(new Error(`worker never got ready:\n${out}`)), 60_000);
    const check = () => {
      const match = /READY (\S+)/.exec(out);
      if (match?.[1]) {
        clearTimeout(timeout);
        resolve(match[1]);
      }
    };
    child.stdout?.on('data', check);
    child.on('exit', (code) => {
      clearTimeout(timeout);
      reject(new Error(`worker exited (${code}) before ready:\n${out}`));
    });
  });
  return {
    child,
    id,
    output: () => out,
    async stop(signal) {
      if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
      child.kill(signal);
      const [code] = (await exited) as [number | null];
      return code;
    },
  };
}
