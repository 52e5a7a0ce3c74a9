import { existsSync } from 'node:fs';
import { join } from 'node:path';

/**
 * better-sqlite3 12 is a V8 addon, so the copy npm builds for Node cannot load
 * in Electron (another ABI). scripts/electron-native.mjs builds a second copy
 * for Electron into .electron-native/, and the main process passes its path as
 * better-sqlite3's `nativeBinding`; plain Node (tests, CLI) keeps the default.
 * In packaged builds electron-builder rebuilds the regular copy, so none is needed.
 */
export function electronSqliteBinding(appRoot: string, isPackaged: boolean): string | undefined {
  if (isPackaged) return undefined;
  const candidate = join(appRoot, '.electron-native', 'better-sqlite3', 'build', 'Release', 'better_sqlite3.node');
  return existsSync(candidate) ? candidate : undefined;
}
