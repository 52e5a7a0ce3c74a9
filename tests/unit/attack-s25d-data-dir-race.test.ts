import * as fs from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createSyncwarden } from '../../core/app/app';
import { createFileLogger } from '../../core/logging/logger';
import { isRoot, NOBODY, octalMode, scratchFolders } from '../helpers/other-user';
import { MemorySecretStore } from '../helpers/memory.secret-store';

// Fourth outside attack (session 25d), on edd8b70. A data dir others may write in that holds only Syncwarden's
// entries (or, group-writable, nothing) is accepted and tightened to 0700 (settleFolder). Between its listing
// (readdirSync) and the fchmod, the others may still add entries: what they add then is never looked at again by
// the caller that tightened, and stays in a folder now ours alone. The other party's step runs from inside the
// listing's node:fs call here (the window is real: inotify sees the folder opened; only its timing is forced).
const hooks: { afterList?: (path: string) => void } = {};
vi.mock('node:fs', async (importOriginal) => {
  const actual = await importOriginal<typeof import('node:fs')>();
  const readdirSync = ((path: fs.PathLike, options?: unknown) => {
    const names = actual.readdirSync(path, options as never);
    const hook = hooks.afterList;
    if (hook) {
      delete hooks.afterList;
      hook(String(path));
    }
    return names;
  }) as typeof actual.readdirSync;
  return { ...actual, default: { ...actual, readdirSync }, readdirSync };
});

const scratch = scratchFolders('syncwarden-attack-s25d-race-');
const temp = () => scratch.make();
const mode = octalMode;

/** A data dir an old version made under umask 000 (or a chmod -R 777): 0777, holding only Syncwarden's store. */
function wideOldDataDir(root: string): string {
  const dataDir = join(root, 'data');
  fs.mkdirSync(dataDir);
  fs.chmodSync(dataDir, 0o777);
  fs.writeFileSync(join(dataDir, 'syncwarden.db-journal'), '');
  return dataDir;
}

describe.skipIf(process.platform === 'win32')('attack s25d: entries added between the listing and the tightening', () => {
  afterEach(() => {
    delete hooks.afterList;
    scratch.removeAll();
  });

  it.skipIf(!isRoot)('the logger: another user plants logs -> a folder of root\'s while the wide data dir is listed; root must not chmod that folder nor write its log there', async () => {
    const root = temp();
    const dataDir = wideOldDataDir(root);
    const srv = join(root, 'srv'); // stands for /srv or /mnt: an empty folder of root's that every user goes through
    fs.mkdirSync(srv);
    fs.chmodSync(srv, 0o755);
    hooks.afterList = (path) => {
      if (path !== fs.realpathSync(dataDir)) return;
      fs.symlinkSync(srv, join(dataDir, 'logs'));
      fs.lchownSync(join(dataDir, 'logs'), NOBODY, NOBODY);
    };
    try {
      const logger = await createFileLogger({ dataDir });
      logger.info('hello');
      await logger.close();
    } catch {
      // refusing is fine
    }
    expect(mode(srv)).toBe('755');
    expect(fs.readdirSync(srv)).toEqual([]);
  });

  it.skipIf(!isRoot)('the app: another user plants store-location.json (their own file) while the wide data dir is listed; the store must not go where they chose', async () => {
    const root = temp();
    const dataDir = wideOldDataDir(root);
    const srv = join(root, 'srv');
    fs.mkdirSync(srv);
    fs.chmodSync(srv, 0o755);
    hooks.afterList = (path) => {
      if (path !== fs.realpathSync(dataDir)) return;
      const pointer = join(dataDir, 'store-location.json');
      // With PGPASSWORD set (a headless server) a postgres://attacker-host/... here would receive the password.
      fs.writeFileSync(pointer, JSON.stringify({ store: srv }));
      fs.chownSync(pointer, NOBODY, NOBODY);
    };
    try {
      const app = await createSyncwarden({ dataDir, host: 'cli', secrets: new MemorySecretStore() });
      await app.close();
    } catch {
      // refusing is fine
    }
    expect(mode(srv)).toBe('755');
    expect(fs.existsSync(join(srv, 'syncwarden.db'))).toBe(false);
  });
});
