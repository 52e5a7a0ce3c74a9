import { chmodSync, chownSync, lchownSync, linkSync, lstatSync, mkdirSync, readdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createFileLogger } from '../../core/logging/logger';
import { selectSecretStore } from '../../core/secrets/select-secret-store';
import { DataDirRefusedError, ensurePrivateDir } from '../../core/store/data-dir';
import { openStore } from '../../core/store/store';
import { isRoot, NOBODY, octalMode, scratchFolders } from '../helpers/other-user';

// Second outside attack on ensurePrivateDir, after 50f72fd (session 25b). Every folder lives in a fresh mkdtemp dir.
// Tests that play "another user" need lchown/chown (root only) and are skipped elsewhere.
const mode = octalMode;
const scratch = scratchFolders('syncwarden-attack-s25b-');
const temp = () => scratch.make();
const VICTIM_TEXT = 'root:x:0:0:root:/root:/bin/bash\n'.repeat(4);

async function openAndWrite(dir: string): Promise<unknown> {
  try {
    const store = await openStore(dir);
    try {
      await store.runs.list({ limit: 1, offset: 0 });
    } finally {
      await store.close();
    }
    return undefined;
  } catch (error) {
    return error;
  }
}

describe.skipIf(process.platform === 'win32')('attack s25b: ensurePrivateDir', () => {
  afterEach(() => {
    scratch.removeAll();
  });

  // ---- another user's regular file bearing one of our names is not refused -------------------------------------

  it.skipIf(!isRoot)('a syncwarden.db owned by another user (a group member of a 2775 project folder) is refused, not filled with our store', async () => {
    const project = temp();
    chmodSync(project, 0o2775);
    writeFileSync(join(project, 'README'), 'x');
    const planted = join(project, 'syncwarden.db');
    writeFileSync(planted, '');
    chmodSync(planted, 0o644);
    chownSync(planted, NOBODY, NOBODY); // the group member's own, world-readable file
    const error = await openAndWrite(project);
    const after = statSync(planted);
    // Either refused, or at least our store is not left in a file that another user owns and everyone may read.
    if (!(error instanceof DataDirRefusedError)) {
      expect({ uid: after.uid, size: after.size, mode: mode(planted) }).toEqual({ uid: process.getuid!(), size: after.size, mode: '600' });
    }
  });

  it.skipIf(!isRoot)('a DEMO-WORKSPACE marker owned by another user does not switch real secrets to the plain demo file', () => {
    const project = temp();
    chmodSync(project, 0o2775);
    writeFileSync(join(project, 'README'), 'x');
    writeFileSync(join(project, 'DEMO-WORKSPACE'), 'planted');
    chownSync(join(project, 'DEMO-WORKSPACE'), NOBODY, NOBODY);
    let refused = false;
    try {
      ensurePrivateDir(project);
    } catch (error) {
      refused = error instanceof DataDirRefusedError;
    }
    if (!refused) expect(selectSecretStore({}, project).kind).not.toBe('demo-file');
  });

  // ---- a link of ours whose target runs through another user's link -------------------------------------------

  it.skipIf(!isRoot)("a data dir reached through the user's own link whose target goes through another user's link does not tighten that link's target", () => {
    const root = temp();
    const victim = join(root, 'srv'); // an empty root-owned 0755 folder others use
    mkdirSync(victim);
    chmodSync(victim, 0o755);
    const theirs = join(root, 'team'); // a folder of another user (not sticky: fs.protected_symlinks does not apply)
    mkdirSync(theirs);
    chmodSync(theirs, 0o755);
    symlinkSync(victim, join(theirs, 'syncwarden'));
    lchownSync(join(theirs, 'syncwarden'), NOBODY, NOBODY);
    chownSync(theirs, NOBODY, NOBODY);
    const mine = join(root, 'my-data'); // the user's own link (ours: made by this process)
    symlinkSync(join(theirs, 'syncwarden'), mine);
    // Sanity: given directly, their link is refused.
    expect(() => ensurePrivateDir(join(theirs, 'syncwarden'))).toThrow(DataDirRefusedError);
    try {
      ensurePrivateDir(mine);
    } catch {
      // refusing is fine
    }
    expect(mode(victim)).toBe('755');
  });

  it.skipIf(!isRoot)("'..' after another user's link: nothing is created where that link points", () => {
    const root = temp();
    const etc = join(root, 'etc');
    mkdirSync(join(etc, 'inner'), { recursive: true });
    const shared = join(root, 'shared');
    mkdirSync(shared);
    chmodSync(shared, 0o1777);
    symlinkSync(join(etc, 'inner'), join(shared, 'x'));
    lchownSync(join(shared, 'x'), NOBODY, NOBODY);
    try {
      ensurePrivateDir(`${join(shared, 'x')}/../new`);
    } catch {
      // refusing is fine
    }
    expect(readdirSync(etc)).toEqual(['inner']);
  });

  // ---- hard links (not symlinks: lstat says "file") -------------------------------------------------------------

  it('a hard link named syncwarden.db-shm (planted in a 0777 folder holding only our store) is neither chmodded nor written through', async () => {
    const dir = temp();
    chmodSync(dir, 0o700);
    const first = await openStore(dir);
    await first.close();
    chmodSync(dir, 0o777); // "a world-writable folder holding only Syncwarden's files" is accepted and tightened
    const victim = join(temp(), 'passwd'); // any file of the user's (root: any file at all) on the same file system
    writeFileSync(victim, VICTIM_TEXT);
    chmodSync(victim, 0o644);
    linkSync(victim, join(dir, 'syncwarden.db-shm'));
    await openAndWrite(dir);
    expect({ mode: mode(victim), text: readFileSync(victim, 'utf8') }).toEqual({ mode: '644', text: VICTIM_TEXT });
  });

  it('a hard link named syncwarden.db-wal in a data dir is not chmodded', async () => {
    const dir = temp();
    chmodSync(dir, 0o700);
    const victim = join(temp(), 'hosts');
    writeFileSync(victim, VICTIM_TEXT);
    chmodSync(victim, 0o644);
    linkSync(victim, join(dir, 'syncwarden.db-wal'));
    await openAndWrite(dir);
    expect(mode(victim)).toBe('644');
  });

  it('a hard link named logs/syncwarden.2.log is neither chmodded nor appended to', async () => {
    const dir = temp();
    chmodSync(dir, 0o700);
    mkdirSync(join(dir, 'logs'));
    writeFileSync(join(dir, 'logs', 'syncwarden.1.log'), '');
    const victim = join(temp(), 'notes.txt');
    writeFileSync(victim, VICTIM_TEXT);
    chmodSync(victim, 0o644);
    linkSync(victim, join(dir, 'logs', 'syncwarden.2.log'));
    try {
      const logger = await createFileLogger({ dataDir: dir });
      logger.info('hello');
      await logger.close();
    } catch {
      // refusing is fine
    }
    expect({ mode: mode(victim), text: readFileSync(victim, 'utf8') }).toEqual({ mode: '644', text: VICTIM_TEXT });
  });

  // ---- unclear errors and advice ------------------------------------------------------------------------------------

  it('a data dir that is a file gets a DataDirRefusedError, not a bare EEXIST', () => {
    const file = join(temp(), 'notes');
    writeFileSync(file, 'x');
    let error: unknown;
    try {
      ensurePrivateDir(file);
    } catch (e) {
      error = e;
    }
    expect((error as Error).message).not.toMatch(/^EEXIST/);
  });

  it('a data dir below a file gets a DataDirRefusedError, not a bare ENOTDIR', () => {
    const file = join(temp(), 'notes');
    writeFileSync(file, 'x');
    let error: unknown;
    try {
      ensurePrivateDir(join(file, 'Syncwarden'));
    } catch (e) {
      error = e;
    }
    expect((error as Error).message).not.toMatch(/^ENOTDIR/);
  });

  it('the default data dir whose logs folder is refused is not told to "Use <the same default data dir>"', async () => {
    const config = temp();
    const saved = { XDG_CONFIG_HOME: process.env.XDG_CONFIG_HOME, SYNCWARDEN_HOME: process.env.SYNCWARDEN_HOME };
    process.env.XDG_CONFIG_HOME = config;
    delete process.env.SYNCWARDEN_HOME;
    try {
      const dataDir = join(config, 'Syncwarden'); // resolveDataDir()'s answer with neither flag nor SYNCWARDEN_HOME
      mkdirSync(join(dataDir, 'logs'), { recursive: true, mode: 0o700 });
      chmodSync(join(dataDir, 'logs'), 0o1777); // or owned by root after one `sudo syncwarden` (then uid 0)
      const error = await createFileLogger({ dataDir }).then(
        async (logger) => {
          await logger.close();
          return undefined;
        },
        (e: unknown) => e as Error,
      );
      if (error) expect(error.message).not.toContain(`Use ${dataDir} (the default`);
    } finally {
      for (const [key, value] of Object.entries(saved)) {
        if (value === undefined) delete process.env[key];
        else process.env[key] = value;
      }
    }
  });

  it('sanity: the setups that must keep working still do (own link, 0755/0644 older dir, Chromium userData, relative path)', async () => {
    const root = temp();
    const old = join(root, 'old');
    mkdirSync(join(old, 'logs'), { recursive: true });
    chmodSync(old, 0o755);
    writeFileSync(join(old, 'logs', 'syncwarden.1.log'), '{}\n', { mode: 0o644 });
    chmodSync(join(old, 'logs', 'syncwarden.1.log'), 0o644);
    symlinkSync(old, join(root, 'link'));
    expect(await openAndWrite(join(root, 'link'))).toBeUndefined();
    const logger = await createFileLogger({ dataDir: join(root, 'link') });
    await logger.close();
    expect([mode(old), mode(join(old, 'syncwarden.db')), mode(join(old, 'logs')), mode(join(old, 'logs', 'syncwarden.1.log'))]).toEqual(['700', '600', '700', '600']);
    const electron = join(root, 'userData');
    mkdirSync(join(electron, 'Code Cache'), { recursive: true });
    chmodSync(electron, 0o700);
    writeFileSync(join(electron, 'Preferences'), '{}');
    symlinkSync('vm-1234', join(electron, 'SingletonLock'));
    expect(await openAndWrite(electron)).toBeUndefined();
    expect(lstatSync(join(electron, 'SingletonLock')).isSymbolicLink()).toBe(true);
  });
});
