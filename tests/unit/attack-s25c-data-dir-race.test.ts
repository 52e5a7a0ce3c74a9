import * as fs from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { DataDirRefusedError } from '../../core/store/data-dir';
import { openStore } from '../../core/store/store';
import { isRoot, NOBODY, scratchFolders } from '../helpers/other-user';

// Third outside attack (session 25c), the race: the other party's step runs from inside the node:fs call data-dir.ts
// makes right after the check (createPrivateFile's open), as the race test of s25b does. The window is real (a group
// member watching the folder with inotify sees the store being opened); only its timing is forced here.
const hooks: { beforeOpen?: (path: string, flags: unknown) => void } = {};
vi.mock('node:fs', async (importOriginal) => {
  const actual = await importOriginal<typeof import('node:fs')>();
  const openSync = ((path: fs.PathLike, flags?: fs.OpenMode, mode?: fs.Mode) => {
    hooks.beforeOpen?.(String(path), flags);
    return actual.openSync(path, flags as fs.OpenMode, mode);
  }) as typeof actual.openSync;
  return { ...actual, default: { ...actual, openSync }, openSync };
});

const scratch = scratchFolders('syncwarden-attack-s25c-race-');
const temp = () => scratch.make();

describe.skipIf(process.platform === 'win32')('attack s25c: the store file swapped after the check', () => {
  afterEach(() => {
    delete hooks.beforeOpen;
    scratch.removeAll();
  });

  it.skipIf(!isRoot)('in a 2775 team folder a group member swaps syncwarden.db for a link after the check: the folder is refused first, and no file is created or written where the link points', async () => {
    const root = temp();
    const project = join(root, 'project');
    fs.mkdirSync(project);
    fs.chownSync(project, 0, NOBODY);
    fs.chmodSync(project, 0o2775);
    fs.writeFileSync(join(project, 'README.md'), 'team notes\n');
    // Found on 28ff959, where this folder was accepted: the group member swapped syncwarden.db for a link between
    // the check and the store's open, and root wrote a whole store where it pointed. Such a folder is now refused
    // before anything is opened in it; the race below must find nothing to swap.
    await expect(openStore(project)).rejects.toBeInstanceOf(DataDirRefusedError);
    expect(fs.existsSync(join(project, 'syncwarden.db'))).toBe(false);
    const etc = join(root, 'etc'); // stands for /etc: root's folder; `nologin` there would lock every other user out
    fs.mkdirSync(etc);
    const victim = join(etc, 'nologin');
    const store = join(project, 'syncwarden.db');
    hooks.beforeOpen = (path, flags) => {
      if (path !== store || flags !== 'a' || fs.lstatSync(store).isSymbolicLink()) return;
      // The group member: the folder has no sticky bit, so they may rename our store and put a link in its place.
      fs.renameSync(store, join(project, 'syncwarden.db.moved'));
      fs.symlinkSync(victim, store);
      fs.lchownSync(store, NOBODY, NOBODY);
    };
    try {
      const second = await openStore(project);
      await second.close();
    } catch {
      // refusing is fine
    }
    expect(fs.existsSync(victim)).toBe(false);
  });
});
