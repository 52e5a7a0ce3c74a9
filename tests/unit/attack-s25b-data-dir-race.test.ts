import * as fs from 'node:fs';
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ensurePrivateDir } from '../../core/store/data-dir';
import { isRoot, NOBODY, octalMode, scratchFolders } from '../helpers/other-user';

// Second outside attack on ensurePrivateDir after 50f72fd (session 25b): the races, made deterministic by running the
// other party's step from inside node:fs calls data-dir.ts makes (the window is real; only its timing is forced).
const hooks: { beforeMkdir?: (path: string) => void; afterReaddir?: (path: string) => void } = {};
vi.mock('node:fs', async (importOriginal) => {
  const actual = await importOriginal<typeof import('node:fs')>();
  const mkdirSync = ((path: fs.PathLike, options?: fs.MakeDirectoryOptions) => {
    hooks.beforeMkdir?.(String(path));
    return actual.mkdirSync(path, options);
  }) as typeof actual.mkdirSync;
  const readdirSync = ((path: fs.PathLike, options?: unknown) => {
    const names = (actual.readdirSync as (p: fs.PathLike, o?: unknown) => unknown)(path, options);
    hooks.afterReaddir?.(String(path));
    return names;
  }) as typeof actual.readdirSync;
  return { ...actual, default: { ...actual, mkdirSync, readdirSync }, mkdirSync, readdirSync };
});

const mode = octalMode;
const scratch = scratchFolders('syncwarden-attack-s25b-race-');
const temp = () => scratch.make();

describe.skipIf(process.platform === 'win32')('attack s25b: ensurePrivateDir races', () => {
  afterEach(() => {
    delete hooks.beforeMkdir;
    delete hooks.afterReaddir;
    scratch.removeAll();
  });

  it.skipIf(!isRoot)("another user's link planted after the link check (the path was still missing) does not get its target tightened", () => {
    const root = temp();
    const drop = join(root, 'drop'); // a folder others may write in (0777; not sticky, so fs.protected_symlinks does not apply)
    fs.mkdirSync(drop);
    fs.chmodSync(drop, 0o777);
    const victim = join(root, 'srv'); // an empty root-owned 0755 folder
    fs.mkdirSync(victim);
    fs.chmodSync(victim, 0o755);
    const dataDir = join(drop, 'syncwarden');
    hooks.beforeMkdir = (path) => {
      if (resolve(path) !== dataDir || fs.existsSync(dataDir)) return;
      fs.symlinkSync(victim, dataDir); // the other user wins the window between refuseOthersLinks' lstat and mkdir/realpath
      fs.lchownSync(dataDir, NOBODY, NOBODY);
    };
    try {
      ensurePrivateDir(dataDir);
    } catch {
      // refusing is fine
    }
    expect(mode(victim)).toBe('755');
  });

  it('an entry that another process removes right after the listing (SQLite deleting -wal/-shm on close) does not make ensurePrivateDir throw ENOENT', () => {
    const dir = temp();
    fs.chmodSync(dir, 0o700);
    fs.writeFileSync(join(dir, 'syncwarden.db'), '', { mode: 0o600 });
    fs.writeFileSync(join(dir, 'syncwarden.db-wal'), '', { mode: 0o600 });
    hooks.afterReaddir = (path) => {
      if (resolve(path) === resolve(fs.realpathSync(dir))) fs.rmSync(join(dir, 'syncwarden.db-wal'), { force: true });
    };
    expect(() => ensurePrivateDir(dir)).not.toThrow();
  });
});
