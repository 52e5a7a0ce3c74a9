import { spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from './paths';

/**
 * Node's own on-disk cache of compiled code (NODE_COMPILE_CACHE, Node 22.1+) for the child processes a test
 * starts (`syncwarden worker` and the CLI under tsx, the queue worker child): each loads the same hundreds of
 * modules, about 1.3 s of CPU a start uncached, about 1 s cached. Only V8's compilation is cached (checked
 * against each file's source, and rejected when stale): the same code runs. Kept across runs in
 * node_modules/.cache, beside other tools' caches.
 */
const COMPILE_CACHE_DIR = join(REPO_ROOT, 'node_modules', '.cache', 'syncwarden-test-compile-cache');

/** The variable to add to a child's environment; none when the folder cannot be made (the children then start uncached). */
export function compileCacheEnv(): Record<string, string> {
  try {
    mkdirSync(COMPILE_CACHE_DIR, { recursive: true });
  } catch {
    return {};
  }
  return { NODE_COMPILE_CACHE: COMPILE_CACHE_DIR };
}

interface ChildResult {
  /** The exit code; null when the child was killed (its timeout, like spawnSync's). */
  status: number | null;
  stdout: string;
  stderr: string;
}

/**
 * spawnSync's result without blocking the test process's event loop, so several CLI runs of `it.concurrent`
 * tests overlap. On `timeoutMs` the child is killed (SIGTERM, as spawnSync's timeout) and its status is null.
 */
export function runNode(args: readonly string[], options: { env: NodeJS.ProcessEnv; timeoutMs: number }): Promise<ChildResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { cwd: REPO_ROOT, env: options.env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => child.kill('SIGTERM'), options.timeoutMs);
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on('close', (status) => {
      clearTimeout(timer);
      resolve({ status, stdout, stderr });
    });
  });
}
