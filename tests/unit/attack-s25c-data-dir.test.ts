import { chmodSync, chownSync, existsSync, lchownSync, mkdirSync, readdirSync, readFileSync, renameSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createSyncwarden } from '../../core/app/app';
import { runCli } from '../../core/cli/program';
import { createFileLogger } from '../../core/logging/logger';
import { DataDirRefusedError, ensurePrivateDir } from '../../core/store/data-dir';
import { isRoot, NOBODY, octalMode, scratchFolders } from '../helpers/other-user';
import { MemorySecretStore } from '../helpers/memory.secret-store';

// Third outside attack on ensurePrivateDir and the writes after it, after 28ff959 (session 25c). Every folder lives in
// a fresh mkdtemp dir. "Another user" is played with chown/lchown (root only): those tests are skipped elsewhere.
// PostgreSQL is not needed: the probe/init of a postgres:// store are stubbed to answer "ready".
vi.mock('../../core/store/store-probe', async (importOriginal) => {
  const actual = await importOriginal<typeof import('../../core/store/store-probe')>();
  const { LATEST_SCHEMA_VERSION } = await import('../../core/store/migrations');
  return {
    ...actual,
    probePostgresStore: async (url: string) => ({ dialect: 'postgres', location: url, schemaVersion: LATEST_SCHEMA_VERSION, latestVersion: LATEST_SCHEMA_VERSION, state: 'ready' }),
    initPostgresStore: async () => ({ before: LATEST_SCHEMA_VERSION, version: LATEST_SCHEMA_VERSION }),
  };
});

const mode = octalMode;
const scratch = scratchFolders('syncwarden-attack-s25c-');
const temp = () => scratch.make();
const ctx = { actor: 'manual' } as never;
const PG_URL = 'postgres://admin@db.example:5432/console';


/** A team's project folder: ours, group-writable and setgid (2775) for the group nogroup, holding other things. */
function teamFolder(root: string): string {
  const project = join(root, 'project');
  mkdirSync(project);
  chownSync(project, process.getuid!(), NOBODY);
  chmodSync(project, 0o2775);
  writeFileSync(join(project, 'README.md'), 'team notes\n');
  return project;
}

describe.skipIf(process.platform === 'win32')('attack s25c: the data dir after the check', () => {
  afterEach(() => {
    scratch.removeAll();
  });

  // ---- 1. a folder others may write in was accepted, and every later write went by path --------------------------

  // Found on 28ff959, where a 2775 team folder holding other things was accepted with its mode kept: a group member
  // then planted store-location.json.<pid>.tmp as a link (the Settings store choice overwrote what it pointed at),
  // or renamed logs/ and put their own in its place (the rolled log went into their file). Such a folder is now
  // refused before anything is written in it, by the app, the store and the logger alike.
  it.skipIf(!isRoot)('a 2775 team folder holding other things is refused as the data dir, so nothing a group member plants there is ever written through', async () => {
    const root = temp();
    const project = teamFolder(root);
    const before = readdirSync(project).sort();
    await expect(createSyncwarden({ dataDir: project, host: 'cli', secrets: new MemorySecretStore() })).rejects.toBeInstanceOf(DataDirRefusedError);
    await expect(createFileLogger({ dataDir: project, maxSize: '1k' })).rejects.toThrow(/is shared: others on this machine may add, remove or rename files in it \(mode 2775\)/);
    expect(mode(project)).toBe('2775');
    expect(readdirSync(project).sort()).toEqual(before);
  });

  it.skipIf(!isRoot)("a data dir inside another user's folder (no link anywhere) is accepted; that user then puts a link in its place and the store pointer is written where it points", async () => {
    const root = temp();
    const shared = join(root, 'tmp'); // stands for /tmp
    mkdirSync(shared);
    chmodSync(shared, 0o1777);
    const theirs = join(shared, 'team'); // a folder another user made there (a folder, not a link: refuseOthersLinks lets it pass)
    mkdirSync(theirs);
    chmodSync(theirs, 0o755);
    chownSync(theirs, NOBODY, NOBODY);
    const victim = join(root, 'srv'); // an empty root-owned 0755 folder
    mkdirSync(victim);
    chmodSync(victim, 0o755);
    const dataDir = join(theirs, 'syncwarden');
    let refused = false;
    try {
      const app = await createSyncwarden({ dataDir, host: 'cli', secrets: new MemorySecretStore() });
      try {
        // The owner of team/ may rename what is in it at any time, and put their own link in its place.
        renameSync(dataDir, join(theirs, 'moved'));
        symlinkSync(victim, dataDir);
        lchownSync(dataDir, NOBODY, NOBODY);
        await Promise.resolve(app.handlers['store.switch']({ location: PG_URL }, ctx)).catch(() => undefined);
      } finally {
        await app.close();
      }
    } catch (error) {
      refused = error instanceof DataDirRefusedError;
    }
    if (!refused) expect(readdirSync(victim)).toEqual([]);
  });

  // ---- 2. the path walk stops at the first missing folder, but mkdir goes on through '..' ----------------------

  it.skipIf(!isRoot)("'missing/..' before another user's link: a folder is created where that link points before the refusal", () => {
    const root = temp();
    const etc = join(root, 'etc');
    mkdirSync(join(etc, 'inner'), { recursive: true });
    const shared = join(root, 'shared');
    mkdirSync(shared);
    chmodSync(shared, 0o1777);
    symlinkSync(join(etc, 'inner'), join(shared, 'x'));
    lchownSync(join(shared, 'x'), NOBODY, NOBODY);
    // s25b's `${x}/../new` is refused before mkdir; with a missing folder first, the walk returns early and
    // mkdir -p (which creates `missing`, then goes on through `..` and the link) runs unchecked.
    expect(() => ensurePrivateDir(`${shared}/missing/../x/../new`)).toThrow(DataDirRefusedError);
    expect(readdirSync(etc)).toEqual(['inner']);
  });

  // ---- 3. another user's logs/ is counted as ours, and the data dir chmodded before the refusal ----------------

  it.skipIf(!isRoot)("a 0777 folder whose only entries are our names, logs/ being another user's, is not chmodded (it holds another user's folder)", async () => {
    const dir = temp();
    chmodSync(dir, 0o777);
    const logs = join(dir, 'logs'); // another user's Syncwarden logs, in a folder they were allowed to write in
    mkdirSync(logs);
    writeFileSync(join(logs, 'syncwarden.log'), '{}\n');
    chownSync(join(logs, 'syncwarden.log'), NOBODY, NOBODY);
    chmodSync(logs, 0o755);
    chownSync(logs, NOBODY, NOBODY);
    const error = await createFileLogger({ dataDir: dir }).then(
      async (logger) => {
        await logger.close();
        return undefined;
      },
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(DataDirRefusedError); // it is refused (by ensureLogsDir)...
    expect(mode(dir)).toBe('777'); // ...but only after ensurePrivateDir took the folder from the other user
  });

  // ---- 4. `syncwarden store init` never checks the data dir: another user's DEMO-WORKSPACE still switches secrets --

  it.skipIf(!isRoot)("store init --remember-password on a folder with another user's DEMO-WORKSPACE: PGPASSWORD goes to the plain demo file, through their link", async () => {
    const root = temp();
    const theirs = join(root, 'team'); // another user's folder: createSyncwarden refuses it ("belongs to another user")
    mkdirSync(theirs);
    chmodSync(theirs, 0o755);
    writeFileSync(join(theirs, 'DEMO-WORKSPACE'), 'planted\n');
    const loot = join(theirs, 'loot'); // their own world-readable file
    writeFileSync(loot, '');
    chmodSync(loot, 0o644);
    const planted = join(theirs, `demo-secrets.json.${process.pid}.tmp`);
    symlinkSync(loot, planted);
    for (const path of [join(theirs, 'DEMO-WORKSPACE'), loot, theirs]) chownSync(path, NOBODY, NOBODY);
    lchownSync(planted, NOBODY, NOBODY);
    expect(() => ensurePrivateDir(theirs)).toThrow(DataDirRefusedError); // sanity: the app itself would refuse this folder
    const saved = { PGPASSWORD: process.env.PGPASSWORD, SYNCWARDEN_SECRETS: process.env.SYNCWARDEN_SECRETS };
    process.env.PGPASSWORD = 'pg-s3cret-password';
    delete process.env.SYNCWARDEN_SECRETS;
    const stderr = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    const stdout = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    try {
      await runCli(['--data-dir', theirs, 'store', 'init', PG_URL, '--remember-password']);
    } finally {
      stderr.mockRestore();
      stdout.mockRestore();
      process.exitCode = undefined;
      for (const [key, value] of Object.entries(saved)) {
        if (value === undefined) delete process.env[key];
        else process.env[key] = value;
      }
    }
    const found = [loot, join(theirs, 'demo-secrets.json')].filter((file) => existsSync(file) && readFileSync(file, 'utf8').includes('pg-s3cret-password'));
    // chmodSync(temp, 0o600) follows the link too: root chmods another user's file.
    expect({ found, lootMode: mode(loot) }).toEqual({ found: [], lootMode: '644' });
  });
});
