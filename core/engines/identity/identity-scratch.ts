import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
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

/** Scratch directories whose owner process is gone (a pid that is reused by another process keeps its directory: a leak, never a loss). */
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
      if (!statSync(dir).isDirectory()) continue;
      const pid = Number(readFileSync(join(dir, 'owner'), 'utf8'));
      if (Number.isInteger(pid) && pid > 0 && !alive(pid)) rmSync(dir, { recursive: true, force: true });
    } catch {
      // No owner file (being created, or not ours) or not readable: left alone.
    }
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
