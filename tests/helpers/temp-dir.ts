import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Directories made here and not removed yet: removed after the test file's last hook (temp-dir-sweep.ts), whatever its tests forgot. */
const left = new Set<string>();

/** Removes what the file's tests left (vitest ends a file's process without an exit event, so process.on('exit') never ran). */
export function removeLeftTempDirs(): void {
  for (const dir of left) rmSync(dir, { recursive: true, force: true });
  left.clear();
}

/** A fresh directory under the OS temp folder; `remove()` deletes it, and the end of the test file does if nothing did. */
export function makeTempDir(prefix = 'syncwarden-test-'): { path: string; remove(): void } {
  const path = mkdtempSync(join(tmpdir(), prefix));
  left.add(path);
  return {
    path,
    remove: () => {
      rmSync(path, { recursive: true, force: true });
      left.delete(path);
    },
  };
}
