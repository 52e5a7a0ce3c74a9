import { mkdtempSync, readdirSync, readFileSync, rmdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Where the identity check's scratch file lives (identity-spill.ts): a
 * private directory (mkdtemp gives 0700) in the OS temporary directory, with
 * an `owner` file naming the process. The file is half a gigabyte at a
 * million users, so a directory left by a process that died (a crash, a kill)
 * is removed at the next check; a live process's never is.
 */
const PREFIX = 'syncwarden-identity-';

export function makeScratchDir(): string {
  const root = tmpdir();
  sweepDeadScratch(root);
  try {
    const dir = mkdtempSync(join(root, PREFIX));
    writeFileSync(join(dir, 'owner'), String(process.pid), { mode: 0o600 });
    return dir;
  } catch (error) {
    throw scratchError(error, root);
  }
}

/**
 * How long a scratch directory may stay empty before a sweep removes it: a live process's is empty only between
 * its mkdtemp and its owner file, microseconds apart.
 */
const EMPTY_FOR_MS = 60_000;

/**
 * Scratch directories whose owner process is gone (a pid that is reused by another process keeps its directory: a
 * leak, never a loss), and empty ones left by a process that exited while its close removed the directory (the
 * files went, the directory stayed). Those have no owner file to go by, and each costs this sweep a failed read
 * at every check: hundreds made it 15-25 ms, one turn of the event loop.
 */
function sweepDeadScratch(root: string): void {
  let names: string[];
  try {
    names = readdirSync(root).filter((name) => name.startsWith(PREFIX));
  } catch {
    return;
  }
  for (const name of names) {
    const dir = join(root, name);
    try {
      const stat = statSync(dir);
      if (!stat.isDirectory()) continue;
      const owner = readOwner(dir);
      // rmdir removes only an empty directory: one that gained a file meanwhile stays.
      if (owner === undefined) {
        if (Date.now() - stat.mtimeMs > EMPTY_FOR_MS && readdirSync(dir).length === 0) rmdirSync(dir);
        continue;
      }
      const pid = Number(owner);
      if (Number.isInteger(pid) && pid > 0 && !alive(pid)) rmSync(dir, { recursive: true, force: true });
    } catch {
      // Not readable, or not ours: left alone.
    }
  }
}

/** The owner file's text; undefined when there is none (the directory is being created, or was emptied). */
function readOwner(dir: string): string | undefined {
  try {
    return readFileSync(join(dir, 'owner'), 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists under another user.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

const SCRATCH_CODES = new Set(['ENOENT', 'EACCES', 'EPERM', 'EROFS', 'ENOSPC', 'EDQUOT', 'SQLITE_FULL', 'SQLITE_CANTOPEN', 'SQLITE_IOERR', 'SQLITE_READONLY']);

/** A failure of the scratch file itself, said plainly (a full or read-only temporary directory), or the error as it was. */
export function scratchError(error: unknown, root = tmpdir()): unknown {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code !== 'string' || ![...SCRATCH_CODES].some((known) => code.startsWith(known))) return error;
  return new Error(
    `The identity check keeps both sides in a scratch file in ${root} and could not write it (${(error as Error).message}): free space there, or point TMPDIR at a directory that can hold about 500 MB per million users.`,
    { cause: error },
  );
}

/** The scratch file removed while the check ran (a cleaner of the temporary directory): said plainly, nothing was published. */
export function scratchGone(dir: string, cause: unknown): Error {
  return new Error(
    `The identity check's scratch file in ${dir} was removed while the check ran (${(cause as Error).message}); nothing was published. Something cleans that directory: point TMPDIR at one that nothing else cleans, and run the check again.`,
    { cause },
  );
}
