import { chmodSync, existsSync, mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createFileLogger } from '../../core/logging/logger';
import { DemoFileSecretStore, markDemoDataDir } from '../../core/secrets/demo-file.secret-store';
import { DataDirRefusedError } from '../../core/store/data-dir';
import { writeStorePointer } from '../../core/store/store-location';
import { STORE_FILE_NAME, openStore } from '../../core/store/store';
import { makeTempDir } from '../helpers/temp-dir';
import { assertBuilt, runCliSync } from '../helpers/cli';
import { createTestApp } from '../helpers/test-app';

/** The data dir holds run history, audit before-images and logs: 0700, and every file in it 0600. */
const modeOf = (path: string) => statSync(path).mode & 0o777;
const temps: { remove(): void }[] = [];
function temp() {
  const dir = makeTempDir('syncwarden-perm-');
  temps.push(dir);
  return dir.path;
}

describe.skipIf(process.platform === 'win32')('data dir permissions', () => {
  afterEach(() => {
    for (const dir of temps.splice(0)) dir.remove();
  });

  it('a new data dir is created 0700, the store and its -wal and -shm 0600', async () => {
    const dataDir = join(temp(), 'nested', 'Syncwarden');
    const app = await createTestApp({ dataDir });
    try {
      await app.store.runs.list({ limit: 1, offset: 0 });
      expect(modeOf(dataDir)).toBe(0o700);
      const file = join(dataDir, STORE_FILE_NAME);
      expect(modeOf(file)).toBe(0o600);
      expect(existsSync(`${file}-wal`)).toBe(true);
      expect(modeOf(`${file}-wal`)).toBe(0o600);
      expect(modeOf(`${file}-shm`)).toBe(0o600);
    } finally {
      await app.close();
    }
  });

  it('an existing 0755 data dir and 0644 store files are tightened when opened', async () => {
    const dataDir = temp();
    const first = await openStore(dataDir);
    await first.close();
    const file = join(dataDir, STORE_FILE_NAME);
    chmodSync(dataDir, 0o755);
    chmodSync(file, 0o644);
    writeFileSync(`${file}-wal`, '');
    chmodSync(`${file}-wal`, 0o644);
    const store = await openStore(dataDir);
    try {
      expect(modeOf(dataDir)).toBe(0o700);
      expect(modeOf(file)).toBe(0o600);
      expect(modeOf(`${file}-wal`)).toBe(0o600);
      expect(modeOf(`${file}-shm`)).toBe(0o600);
    } finally {
      await store.close();
    }
  });

  it('logs: a new folder is 0700 and a new log file 0600', async () => {
    const dataDir = join(temp(), 'fresh');
    const logger = await createFileLogger({ dataDir });
    logger.info('hello');
    await logger.close();
    expect(modeOf(dataDir)).toBe(0o700);
    expect(modeOf(join(dataDir, 'logs'))).toBe(0o700);
    const files = readdirSync(join(dataDir, 'logs'));
    expect(files.length).toBe(1);
    expect(modeOf(join(dataDir, 'logs', files[0] as string))).toBe(0o600);
  });

  it('logs: an existing 0755 folder and 0644 files are tightened', async () => {
    const dataDir = temp();
    mkdirSync(join(dataDir, 'logs'));
    chmodSync(join(dataDir, 'logs'), 0o755);
    for (const name of ['syncwarden.1.log', 'syncwarden.2.log']) writeFileSync(join(dataDir, 'logs', name), '{}\n', { mode: 0o644 });
    const logger = await createFileLogger({ dataDir });
    logger.info('hello');
    await logger.close();
    expect(modeOf(join(dataDir, 'logs'))).toBe(0o700);
    for (const name of readdirSync(join(dataDir, 'logs'))) expect([name, modeOf(join(dataDir, 'logs', name))]).toEqual([name, 0o600]);
  });

  // What Syncwarden finds a data dir to be decides whether it may change its mode: a folder of its own, a folder that
  // holds other things, or one that anyone may write in.
  const fullMode = (path: string) => statSync(path).mode & 0o7777;

  it('a shared folder anyone may write in (as /tmp is) is refused as the data dir, and its mode is left as it was', async () => {
    for (const mode of [0o1777, 0o777]) {
      const shared = temp();
      chmodSync(shared, mode);
      await expect(createTestApp({ dataDir: shared })).rejects.toBeInstanceOf(DataDirRefusedError);
      await expect(openStore(shared)).rejects.toThrow(/is shared: others on this machine may add, remove or rename files in it/);
      await expect(createFileLogger({ dataDir: shared })).rejects.toBeInstanceOf(DataDirRefusedError);
      expect([mode.toString(8), fullMode(shared).toString(8)]).toEqual([mode.toString(8), mode.toString(8)]);
      expect(readdirSync(shared)).toEqual([]);
    }
  });

  it('the CLI says so and exits 2 (bad input) without touching the folder', () => {
    assertBuilt();
    const shared = temp();
    chmodSync(shared, 0o1777);
    const { code, stderr } = runCliSync(['--data-dir', shared, 'runs', 'list']);
    expect(code).toBe(2);
    expect(stderr).toContain(`${shared} is shared`);
    // It points to the user's own default folder, never to a name inside the shared one (anyone could take that name first).
    expect(stderr).toContain('(the default, with neither --data-dir nor SYNCWARDEN_HOME), or a new folder of your own');
    expect(stderr).not.toContain(join(shared, 'syncwarden'));
    expect(fullMode(shared)).toBe(0o1777);
    expect(readdirSync(shared)).toEqual([]);
  });

  it('a folder that holds other things keeps its mode; what Syncwarden writes in it is private all the same', async () => {
    const home = temp();
    chmodSync(home, 0o755);
    writeFileSync(join(home, 'notes.txt'), 'mine\n', { mode: 0o644 });
    mkdirSync(join(home, 'public_html'), { mode: 0o755 });
    const logger = await createFileLogger({ dataDir: home });
    logger.info('hello');
    await logger.close();
    const app = await createTestApp({ dataDir: home });
    try {
      await app.store.runs.list({ limit: 1, offset: 0 });
    } finally {
      await app.close();
    }
    expect(fullMode(home)).toBe(0o755);
    expect(modeOf(join(home, 'notes.txt'))).toBe(0o644);
    expect(modeOf(join(home, 'public_html'))).toBe(0o755);
    expect(modeOf(join(home, STORE_FILE_NAME))).toBe(0o600);
    expect(modeOf(join(home, 'logs'))).toBe(0o700);
  });

  it('a data dir holding only what Syncwarden keeps there (store, logs, store pointer, demo files, a left-over temp file) is still its own: tightened', async () => {
    const dataDir = temp();
    const logger = await createFileLogger({ dataDir });
    logger.info('hello');
    await logger.close();
    const first = await openStore(dataDir);
    await first.close();
    markDemoDataDir(dataDir);
    await new DemoFileSecretStore(dataDir).set('k', 'v');
    writeStorePointer(dataDir, { dialect: 'sqlite', dataDir });
    // A write cut short between its temp file and the rename leaves the temp file behind.
    writeFileSync(join(dataDir, `store-location.json.${process.pid}.tmp`), '{}', { mode: 0o600 });
    writeFileSync(join(dataDir, `${STORE_FILE_NAME}-journal`), '', { mode: 0o600 });
    chmodSync(dataDir, 0o755);
    const store = await openStore(dataDir);
    await store.close();
    // SQLite removes the -wal and -shm files when the last connection closes; the rest stay.
    expect(readdirSync(dataDir)).toEqual(
      expect.arrayContaining(['DEMO-WORKSPACE', 'demo-secrets.json', 'logs', 'store-location.json', `store-location.json.${process.pid}.tmp`, STORE_FILE_NAME, `${STORE_FILE_NAME}-journal`]),
    );
    expect(fullMode(dataDir)).toBe(0o700);
  });
});
