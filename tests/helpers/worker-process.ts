import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { compileCacheEnv } from './child-node';
import { REPO_ROOT } from './paths';
import { PG_PASSWORD } from './postgres';
import { until } from './wait';

/** The CLI entry under tsx (no build needed), in `dataDir`; the demo engine on unless the test runs real engines only. */
export function tsxCliArgs(dataDir: string, args: readonly string[], withDemoEngine = true): string[] {
  return ['--import', 'tsx', join(REPO_ROOT, 'core/cli/main.ts'), '--data-dir', dataDir, ...(withDemoEngine ? ['--with-demo-engine'] : []), ...args];
}

export interface WorkerProcessOptions {
  dataDir: string;
  /** The team store's URL without its password (the worker reads PGPASSWORD, as on a server). */
  store: string;
  engines: readonly string[];
  concurrency: number;
  drainTimeoutSeconds: number;
  withDemoEngine?: boolean;
  /** Extra environment on top of this process's and PGPASSWORD (e.g. the connections' secrets). */
  env?: NodeJS.ProcessEnv;
}

export interface WorkerProcess {
  child: ChildProcess;
  /** Everything the worker wrote so far, stdout and stderr together. */
  out(): string;
  exited: Promise<[number | null]>;
  /** Resolves once the worker logged `worker.started` (it registered and polls its queues). */
  started(timeoutMs?: number, what?: string): Promise<void>;
  /** Sends `signal` (SIGTERM: drain) and resolves with the exit code. */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/** A real `syncwarden worker` process with --json output, as an admin starts it on a server. */
export function startWorkerProcess(options: WorkerProcessOptions): WorkerProcess {
  const args = tsxCliArgs(options.dataDir, [
    '--json',
    'worker',
    '--store',
    options.store,
    '--engines',
    options.engines.join(','),
    '--concurrency',
    String(options.concurrency),
    '--drain-timeout',
    String(options.drainTimeoutSeconds),
  ], options.withDemoEngine ?? true);
  const child = spawn(process.execPath, args, { cwd: REPO_ROOT, env: { ...process.env, PGPASSWORD: PG_PASSWORD, ...compileCacheEnv(), ...options.env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (out += chunk.toString()));
  const exited = once(child, 'exit') as Promise<[number | null]>;
  return {
    child,
    out: () => out,
    exited,
    started: (timeoutMs = 60_000, what = 'worker started') =>
      until(() => out.includes('"worker.started"'), timeoutMs, what).catch((error: unknown) => {
        throw new Error(`${String(error)}; worker output:\n${out}`);
      }),
    async stop(signal: NodeJS.Signals = 'SIGTERM') {
      child.kill(signal);
      return (await exited)[0];
    },
  };
}
