import { chmodSync, lchownSync, mkdirSync, readdirSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createFileLogger } from '../../core/logging/logger';
import { ensurePrivateDir } from '../../core/store/data-dir';
import { openStore } from '../../core/store/store';
import { isRoot, NOBODY, scratchFolders } from '../helpers/other-user';

// An outside attack on ensurePrivateDir after c7fa0ae (session 25): each test failed on that commit. Every folder lives in
// a fresh mkdtemp dir. The first two play "another user" with lchown, which only root may do: elsewhere they are skipped
// (and counted as skipped), not passed.
const mode = (path: string) => statSync(path).mode & 0o7777;
const scratch = scratchFolders('syncwarden-attack-s25-');
const temp = () => scratch.make();
async function log(dataDir: string) {
  const logger = await createFileLogger({ dataDir });
  logger.info('hello');
  await logger.close();
}

describe.skipIf(process.platform === 'win32')('attack s25: ensurePrivateDir', () => {
  afterEach(() => {
    scratch.removeAll();
  });

  it.skipIf(!isRoot)('a data dir given inside a shared folder (<shared>/syncwarden), pre-planted by another user as a symlink, does not get its target chmodded', async () => {
    const root = temp();
    const shared = join(root, 'tmp');
    mkdirSync(shared);
    chmodSync(shared, 0o1777);
    const victim = join(root, 'srv'); // stands for /srv, /mnt, /opt: an empty root-owned 0755 folder
    mkdirSync(victim);
    chmodSync(victim, 0o755);
    const recommended = join(shared, 'syncwarden');
    symlinkSync(victim, recommended);
    lchownSync(recommended, NOBODY, NOBODY);
    try {
      const store = await openStore(recommended);
      await store.close();
    } catch {
      // refusing is fine too
    }
    expect(mode(victim).toString(8)).toBe('755');
  });

  it.skipIf(!isRoot)('a data dir owned by another user (as squatted in /tmp) cannot make us chmod files its owner links to', async () => {
    const root = temp();
    const victimFile = join(root, 'passwd');
    writeFileSync(victimFile, 'x', { mode: 0o644 });
    chmodSync(victimFile, 0o644);
    const theirs = join(root, 'theirs');
    mkdirSync(theirs);
    chmodSync(theirs, 0o755);
    symlinkSync(victimFile, join(theirs, 'syncwarden.db-wal'));
    lchownSync(join(theirs, 'syncwarden.db-wal'), NOBODY, NOBODY);
    lchownSync(theirs, NOBODY, NOBODY);
    try {
      const store = await openStore(theirs);
      await store.close();
    } catch {
      // refusing is fine too
    }
    expect(mode(victimFile).toString(8)).toBe('644');
  });

  it('logs as a symlink to another folder (planted by a group member of a 2775 project folder): the files there keep their mode', async () => {
    const root = temp();
    const etc = join(root, 'etc');
    mkdirSync(etc);
    chmodSync(etc, 0o755);
    writeFileSync(join(etc, 'hosts'), 'x', { mode: 0o644 });
    chmodSync(join(etc, 'hosts'), 0o644);
    const project = join(root, 'project');
    mkdirSync(project);
    chmodSync(project, 0o2775);
    writeFileSync(join(project, 'README'), 'x');
    symlinkSync(etc, join(project, 'logs'));
    try {
      await log(project);
    } catch {
      // refusing is fine too
    }
    expect(mode(join(etc, 'hosts')).toString(8)).toBe('644');
  });

  it('a folder that holds other things, among them a logs/ folder of its own: those logs keep their mode', async () => {
    const project = temp();
    chmodSync(project, 0o755);
    writeFileSync(join(project, 'package.json'), '{}');
    mkdirSync(join(project, 'logs'));
    chmodSync(join(project, 'logs'), 0o755);
    writeFileSync(join(project, 'logs', 'app.log'), 'x', { mode: 0o644 });
    chmodSync(join(project, 'logs', 'app.log'), 0o644);
    await log(project);
    expect(mode(project).toString(8)).toBe('755');
    expect(mode(join(project, 'logs', 'app.log')).toString(8)).toBe('644');
  });

  it('a folder whose only entry is a logs/ folder that is not Syncwarden\'s (a service\'s access.log) keeps its mode', async () => {
    const app = temp();
    chmodSync(app, 0o755);
    mkdirSync(join(app, 'logs'));
    writeFileSync(join(app, 'logs', 'access.log'), 'x');
    const store = await openStore(app);
    await store.close();
    expect(mode(app).toString(8)).toBe('755');
  });

  it('a folder whose only entry is a FILE named logs keeps its mode (and the error is not a bare EEXIST)', async () => {
    const dir = temp();
    chmodSync(dir, 0o755);
    writeFileSync(join(dir, 'logs'), 'my notes\n');
    const error = await createFileLogger({ dataDir: dir }).then(
      () => undefined,
      (e: unknown) => e as Error,
    );
    expect(mode(dir).toString(8)).toBe('755');
    expect(error?.message ?? '').not.toMatch(/^EEXIST/);
  });

  it('a 0777 logs folder inside a private data dir is not answered with "use <data dir>/logs/syncwarden"', async () => {
    const dataDir = temp();
    chmodSync(dataDir, 0o700);
    const logs = join(dataDir, 'logs');
    mkdirSync(logs);
    chmodSync(logs, 0o777);
    const error = await createFileLogger({ dataDir }).then(
      async (logger) => {
        await logger.close();
        return undefined;
      },
      (e: unknown) => e as Error,
    );
    if (error) expect(error.message).not.toContain(join(logs, 'syncwarden'));
    else expect(mode(logs).toString(8)).toBe('700');
  });

  it('Syncwarden\'s own files in a data dir kept 0755 (foreign content) are 0600, demo secrets and store pointer included', async () => {
    const dir = temp();
    chmodSync(dir, 0o755);
    writeFileSync(join(dir, 'notes.txt'), 'x');
    for (const name of ['demo-secrets.json', 'store-location.json']) {
      writeFileSync(join(dir, name), name === 'demo-secrets.json' ? '{"k":"v"}' : JSON.stringify({ store: dir }));
      chmodSync(join(dir, name), 0o644);
    }
    await log(dir);
    const store = await openStore(dir);
    await store.close();
    expect(mode(dir).toString(8)).toBe('755');
    expect(readdirSync(dir).filter((name) => name !== 'notes.txt').map((name) => `${name}:${mode(join(dir, name)).toString(8)}`).sort()).toEqual(
      ['demo-secrets.json:600', 'logs:700', 'store-location.json:600', 'syncwarden.db:600'],
    );
  });

  it('sanity: a plain shared folder is still refused untouched', () => {
    const shared = temp();
    chmodSync(shared, 0o1777);
    expect(() => ensurePrivateDir(shared)).toThrow(/is shared/);
    expect(mode(shared)).toBe(0o1777);
  });
});
