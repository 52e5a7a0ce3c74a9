import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { isDemoDataDir } from '../../core/secrets/demo-file.secret-store';

/**
 * The demo starts from a fresh workspace every time. Its emulators are in-memory and restart from the
 * world's seed, and the product DB is rebuilt from the world; a console store kept from the last start
 * would contradict them (a repaired user drifting again while the audit log says "repaired", Media
 * thumbnails pointing at the last emulator's port, which the CSP no longer allows). So everything in the
 * demo's data dir goes, and the demo says so.
 *
 * Safety: only a directory that is the demo's is emptied: one marked DEMO-WORKSPACE, or the demo's default
 * place (<repo>/.syncwarden/demo*, which may predate the marker). Anything else that is not empty (a real
 * installation's dir left in SYNCWARDEN_HOME) is refused. A demo already running on the dir (its pid file)
 * is refused too: emptying its store under it would break it.
 */
export const DEMO_PID_FILE = 'demo.pid';

export class DemoWorkspaceError extends Error {}

export interface FreshWorkspace {
  /** True when an earlier demo's workspace was cleared (false: the dir was new or empty). */
  cleared: boolean;
  /** Removes the pid file when the demo stops. */
  release(): void;
}

export function freshDemoWorkspace(dataDir: string, repoRoot: string): FreshWorkspace {
  mkdirSync(dataDir, { recursive: true });
  const entries = readdirSync(dataDir);
  if (entries.length > 0 && !isDemoDataDir(dataDir) && !isDefaultDemoDir(dataDir, repoRoot)) {
    throw new DemoWorkspaceError(
      `${dataDir} is not empty and is not a demo workspace (no DEMO-WORKSPACE file). The demo empties its data dir at every start, so it will not use this one: unset SYNCWARDEN_HOME or point it at an empty directory.`,
    );
  }
  const running = runningDemoPid(dataDir);
  if (running !== null) throw new DemoWorkspaceError(`A demo is already running on ${dataDir} (pid ${running}): stop it first, or give this one another SYNCWARDEN_HOME.`);
  for (const entry of entries) rmSync(join(dataDir, entry), { recursive: true, force: true });
  const pidFile = join(dataDir, DEMO_PID_FILE);
  writeFileSync(pidFile, `${process.pid}\n`, { mode: 0o600 });
  return {
    cleared: entries.length > 0,
    release() {
      if (runningDemoPid(dataDir) === process.pid) rmSync(pidFile, { force: true });
    },
  };
}

/** `<repo>/.syncwarden/demo`, `demo-large`, `demo-world-<name>`: the places scripts/demo.mjs picks itself. */
function isDefaultDemoDir(dataDir: string, repoRoot: string): boolean {
  const dir = resolve(dataDir);
  return dirname(dir) === resolve(repoRoot, '.syncwarden') && /^demo(-.+)?$/.test(basename(dir));
}

/** The pid in the dir's pid file when that process is alive, else null. */
function runningDemoPid(dataDir: string): number | null {
  const pidFile = join(dataDir, DEMO_PID_FILE);
  if (!existsSync(pidFile)) return null;
  const pid = Number.parseInt(readFileSync(pidFile, 'utf8'), 10);
  if (!Number.isInteger(pid) || pid <= 0) return null;
  try {
    process.kill(pid, 0);
    return pid;
  } catch (error) {
    // EPERM: alive, owned by someone else; ESRCH: gone.
    return (error as NodeJS.ErrnoException).code === 'EPERM' ? pid : null;
  }
}
