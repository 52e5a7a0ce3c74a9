import { statSync } from 'node:fs';
import { makeTempDir } from './temp-dir';

/*
 * For tests that play another user of the machine against the data dir's checks (core/store/data-dir.ts): only
 * root may give a file to someone else (chown, lchown), so those tests run as root and are skipped elsewhere.
 */

export const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;

/** The other user (nobody), and its group (nogroup). */
export const NOBODY = 65534;

/** A path's mode bits in octal, sticky and set-id bits included ('1777', '2775', '700'), as the tests compare them. */
export const octalMode = (path: string): string => (statSync(path).mode & 0o7777).toString(8);

/** Scratch folders for one test file: `make()` gives a new one, `removeAll()` (in afterEach) removes them. */
export function scratchFolders(prefix: string): { make(): string; removeAll(): void } {
  const made: { path: string; remove(): void }[] = [];
  return {
    make() {
      const dir = makeTempDir(prefix);
      made.push(dir);
      return dir.path;
    },
    removeAll() {
      for (const dir of made.splice(0)) dir.remove();
    },
  };
}
